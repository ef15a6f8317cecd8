# ReleaseOps node bootstrap. Run as root by "sh -c <this> releaseops-<id> <arguments>", every argument quoted.
# Prints one step record per step (the protocol of RemoteScripts/protocol.sh, which runs before this):
# step<TAB>name<TAB>Changed|Unchanged|WouldChange|Skipped|Failed<TAB>detail[<TAB>error id]. Idempotent: a rerun after a
# failure or a dropped connection completes the node, and a second run reports only Unchanged.
# Arguments: check(0|1) mode(bootstrap|adduser|removeuser|listusers) options dotfiles-url, then per user:
#   login name replace-fingerprint key-count key...
# shellcheck disable=SC2016 # single-quoted code for another shell (sh -c, su -c, git): its $ expands there, and values reach it as positional arguments, never spliced into the text
set -u
umask 022
check="$1"; mode="$2"; options="$3"; dotfiles="$4"; shift 4
report() { step "$1" "$2" "$3"; }
fail() { report "$1" Failed "$2"; exit 1; }
refuse() { step "$1" Failed "$3" "$2"; exit 1; } # step id detail: refused for a reason with a stable id
has() { case ",$options," in *",$1,"*) return 0;; esac; return 1; }
changed() { if [ "$check" = 1 ]; then report "$1" WouldChange "$2"; else report "$1" Changed "$2"; fi; }
fingerprint() { printf '%s\n' "$1" | ssh-keygen -lf - 2>/dev/null | awk '{print $2}'; }

ensure_groups() {
  for g in dev sudo docker; do
    if getent group "$g" >/dev/null; then report "Group $g" Unchanged "exists"
    else
      [ "$check" = 1 ] || groupadd "$g" || fail "Group $g" "groupadd failed"
      changed "Group $g" "created"
    fi
  done
}

ensure_account() { # login name
  login="$1"; name="$2"
  if getent passwd "$login" >/dev/null; then
    # An existing account joins sudo only if it is an ordinary one: never hand sudo to daemon or www-data.
    uid=$(getent passwd "$login" | cut -d: -f3)
    if [ "$uid" = 0 ] || [ "$uid" -lt "$(uid_min)" ]; then refuse "Account $login" NotATeamAccount "refused: $login is a system account (UID $uid, below UID_MIN $(uid_min)); choose another login for the admin"; fi
    # nobody (65534) and other accounts above UID_MAX run daemons or own squashed files: sudo for them is root for those.
    if [ "$uid" -gt "$(uid_max)" ]; then refuse "Account $login" NotATeamAccount "refused: $login is a system account (UID $uid, above UID_MAX $(uid_max)); choose another login for the admin"; fi
    # An account that is not the team's yet (an app's or a service's own user, such as one whose home is /srv/app)
    # becomes an admin only if it looks like a person's: its home a real folder directly under /home.
    if ! id -nG "$login" | tr ' ' '\n' | grep -qx dev; then
      h=$(getent passwd "$login" | cut -d: -f6)
      case "$h" in /home/*/*|/home/.*|/home/) h="";; /home/*) [ -L "$h" ] && h="";; *) h="";; esac
      [ -n "$h" ] || refuse "Account $login" NotATeamAccount "refused: $login exists, is not in dev, and its home ($(getent passwd "$login" | cut -d: -f6)) is not a real folder directly under /home: it looks like an app's or a service's account; choose another login for the admin"
    fi
    missing=""
    for g in dev sudo docker; do
      id -nG "$login" | tr ' ' '\n' | grep -qx "$g" || missing="$missing $g"
    done
    detail=""
    if [ -n "$missing" ]; then
      [ "$check" = 1 ] || usermod -aG dev,sudo,docker "$login" || fail "Account $login" "usermod failed"
      detail="added to$missing"
    fi
    # No account may have an empty password that can log in: '*' allows keys only.
    pw=$(getent shadow "$login" | cut -d: -f2)
    if [ -z "$pw" ]; then
      [ "$check" = 1 ] || usermod -p '*' "$login" || fail "Account $login" "usermod -p failed"
      detail="${detail:+$detail; }empty password replaced by '*' (key login only)"
    fi
    case "$pw" in '!'*) 
      [ "$check" = 1 ] || usermod -U -e '' "$login" 2>/dev/null || usermod -p '*' "$login"
      detail="${detail:+$detail; }unlocked";;
    esac
    if [ -n "$detail" ]; then changed "Account $login" "$detail"; else report "Account $login" Unchanged "in dev, sudo, docker"; fi
  else
    [ "$check" = 1 ] || useradd -m -s /bin/bash -c "$name" -G dev,sudo,docker -p '*' -- "$login" || fail "Account $login" "useradd failed"
    changed "Account $login" "created, in dev, sudo, docker; no password (key login only)"
  fi
}

# Everything inside a user's home runs as that user (setpriv, no PAM, so locked accounts work too), never as root:
# a link the user planted (~/.ssh -> /root/.ssh, authorized_keys -> /etc/shadow) then reaches only what the user
# could already write. A file there that the user does not own is refused, as sshd's StrictModes refuses it.
as_user() { # login command...
  u="$1"; shift
  uhome=$(getent passwd "$u" | cut -d: -f6)
  if [ "$(id -u)" = "$(id -u "$u")" ]; then (cd / && HOME="$uhome" "$@"); return; fi
  command -v setpriv >/dev/null 2>&1 || { echo "setpriv (util-linux) is not installed; ReleaseOps never writes in a user's home as root" >&2; return 98; }
  (cd / && env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME="$uhome" USER="$u" LOGNAME="$u" \
    setpriv --reuid="$u" --regid="$(id -g "$u")" --init-groups -- "$@")
}

# The key file's work, run as its user. Arguments: check replace count key...; prints "added N removed N fixed X" or
# "error <why>" (and exits 1).
user_keys='set -u; umask 077
check="$1"; replace="$2"; count="$3"; shift 3
dir="$HOME/.ssh"; file="$dir/authorized_keys"; added=0; removed=0; fixed=""
err() { printf "error %s\n" "$1"; exit 1; }
me=$(id -u)
for p in "$dir" "$file"; do
  if [ -L "$p" ]; then err "$p is a symbolic link; ReleaseOps refuses to follow it (remove the link)"; fi
  if [ -e "$p" ] && [ "$(stat -c %u "$p")" != "$me" ]; then err "$p belongs to $(stat -c %U "$p"), not $(id -un); fix its owner by hand (sshd StrictModes refuses it too)"; fi
done
if [ "$check" != 1 ]; then
  [ -d "$dir" ] || mkdir -m 700 "$dir" || err "cannot create $dir"
  [ -f "$file" ] || : >> "$file" || err "cannot create $file"
fi
fp() { printf "%s\n" "$1" | ssh-keygen -lf - 2>/dev/null | awk "{print \$2}"; }
if [ -n "$replace" ] && [ -f "$file" ]; then
  tmp=$(mktemp "$dir/.authorized_keys.XXXXXX") || err "cannot write in $dir"
  while IFS= read -r line || [ -n "$line" ]; do
    if [ -n "$line" ] && [ "$(fp "$line")" = "$replace" ]; then removed=$((removed + 1)); else printf "%s\n" "$line" >> "$tmp"; fi
  done < "$file"
  if [ "$removed" -gt 0 ] && [ "$check" != 1 ]; then chmod 600 "$tmp" && mv -f "$tmp" "$file" || err "cannot replace $file"; else rm -f "$tmp"; fi
fi
i=0
while [ "$i" -lt "$count" ]; do
  key="$1"; shift; i=$((i + 1))
  type=$(printf "%s" "$key" | awk "{print \$1}"); body=$(printf "%s" "$key" | awk "{print \$2}")
  if [ -f "$file" ] && awk -v t="$type" -v k="$body" "{ for (i = 1; i < NF; i++) if (\$i == t && \$(i + 1) == k) f = 1 } END { exit !f }" "$file"; then continue; fi
  if [ "$check" != 1 ]; then
    if [ -s "$file" ] && [ -n "$(tail -c 1 "$file")" ]; then echo >> "$file"; fi
    printf "%s\n" "$key" >> "$file" || err "cannot write $file"
  fi
  added=$((added + 1))
done
if [ -d "$dir" ]; then
  [ "$(stat -c %a "$dir")" = 700 ] || fixed="$fixed mode-of-.ssh"
  [ "$(stat -c %a "$file" 2>/dev/null)" = 600 ] || fixed="$fixed mode-of-authorized_keys"
  if [ -n "$fixed" ] && [ "$check" != 1 ]; then chmod 700 "$dir" && chmod 600 "$file" || err "cannot set modes"; fi
fi
printf "added %s removed %s fixed%s\n" "$added" "$removed" "$fixed"'

ensure_keys() { # login replace count key...
  login="$1"; replace="$2"; count="$3"; shift 3
  if [ "$check" = 1 ] && ! getent passwd "$login" >/dev/null; then
    changed "Keys $login" "$count key(s) to install"; return 0
  fi
  out=$(as_user "$login" sh -c "$user_keys" keys "$check" "$replace" "$count" "$@" 2>&1) || refuse "Keys $login" UnsafeKeyFile "$(printf '%s' "$out" | sed 's/^error //' | tr '\n' ' ')"
  # shellcheck disable=SC2086 # split on purpose: "added N removed N fixed..." into positional words
  set -- $out
  added="$2"; removed="$4"; fixed=$(printf '%s' "$out" | sed 's/.*fixed//' | tr '-' ' ')
  if [ "$added" -gt 0 ] || [ "$removed" -gt 0 ] || [ -n "$fixed" ]; then
    changed "Keys $login" "added $added, removed $removed${fixed:+; fixed$fixed}"
  else
    report "Keys $login" Unchanged "$count key(s) present; modes 700/600"
  fi
}

ensure_file() { # step path mode content [validator]
  step="$1"; path="$2"; mode="$3"; content="$4"; validate="${5:-}"
  if [ -f "$path" ] && [ "$(cat "$path")" = "$content" ] && [ "$(stat -c %a "$path")" = "$mode" ]; then
    report "$step" Unchanged "$path"; return 0
  fi
  if [ "$check" != 1 ]; then
    tmp="$path.releaseops.$$"
    mkdir -p "$(dirname "$path")" || fail "$step" "cannot create the folder of $path"
    # shellcheck disable=SC2015 # a failure of either command is the failure
    printf '%s\n' "$content" > "$tmp" && chmod "$mode" "$tmp" || fail "$step" "cannot write $tmp"
    if [ -n "$validate" ] && ! $validate "$tmp" >/dev/null 2>&1; then rm -f "$tmp"; fail "$step" "$validate refused $path"; fi
    mv -f "$tmp" "$path" || fail "$step" "cannot install $path"
  fi
  changed "$step" "$path"
}

ensure_sudo() {
  # Admins have no password, so sudo for the dev group is passwordless; the drop-in is checked by visudo first.
  ensure_file "Sudo policy" /etc/sudoers.d/releaseops-dev 440 '# ReleaseOps: admins (group dev) log in with keys only and use sudo without a password.
%dev ALL=(ALL:ALL) NOPASSWD: ALL' "visudo -cf"
}

ensure_history() {
  ensure_file "Shared history" /etc/profile.d/releaseops-history.sh 644 '# ReleaseOps: shared command history (the process (about_ReleaseOps)). Every interactive bash appends each command at once,
# with a timestamp (#epoch lines), to ~/.bash_history; Get-NodeHistory reads it.
if [ -n "${BASH_VERSION:-}" ]; then
  HISTTIMEFORMAT="%F %T "
  HISTSIZE=100000
  HISTFILESIZE=1000000
  shopt -s histappend
  case ";${PROMPT_COMMAND:-};" in *";history -a;"*) ;; *) PROMPT_COMMAND="history -a;${PROMPT_COMMAND:-}" ;; esac
fi'
  hook='[ -f /etc/profile.d/releaseops-history.sh ] && . /etc/profile.d/releaseops-history.sh'
  if [ -f /etc/bash.bashrc ] && grep -qxF "$hook" /etc/bash.bashrc; then
    report "Shared history hook" Unchanged "/etc/bash.bashrc"
  else
    [ "$check" = 1 ] || printf '%s\n' "$hook" >> /etc/bash.bashrc || fail "Shared history hook" "cannot write /etc/bash.bashrc"
    changed "Shared history hook" "/etc/bash.bashrc sources it for interactive shells"
  fi
}

ensure_dotfiles() { # login
  login="$1"; step="Dotfiles $login"
  if [ "$check" = 1 ] && ! getent passwd "$login" >/dev/null; then changed "$step" "clone $dotfiles"; return 0; fi
  home=$(getent passwd "$login" | cut -d: -f6)
  command -v git >/dev/null || fail "$step" "git is not installed"
  if [ -d "$home/.dotfiles/.git" ]; then
    before=$(su -s /bin/sh "$login" -c 'git -C "$1" rev-parse HEAD' sh "$home/.dotfiles")
    if [ "$check" = 1 ]; then report "$step" Unchanged "cloned (not fetched with -WhatIf)"; return 0; fi
    su -s /bin/sh "$login" -c 'git -C "$1" pull -q --ff-only' sh "$home/.dotfiles" >/dev/null 2>&1 || fail "$step" "git pull failed"
    after=$(su -s /bin/sh "$login" -c 'git -C "$1" rev-parse HEAD' sh "$home/.dotfiles")
    [ "$before" = "$after" ] && { report "$step" Unchanged "up to date at ${after%"${after#???????}"}"; return 0; }
  else
    [ "$check" = 1 ] && { changed "$step" "clone $dotfiles"; return 0; }
    su -s /bin/sh "$login" -c 'git clone -q --depth 1 -- "$1" "$2"' sh "$dotfiles" "$home/.dotfiles" >/dev/null 2>&1 || fail "$step" "git clone of $dotfiles failed"
  fi
  for installer in install.sh install setup.sh; do
    if [ -f "$home/.dotfiles/$installer" ]; then
      su -s /bin/sh "$login" -c 'cd "$1" && sh "./$2"' sh "$home/.dotfiles" "$installer" >/dev/null 2>&1 || fail "$step" "$installer failed"
      changed "$step" "cloned or updated, ran $installer"; return 0
    fi
  done
  changed "$step" "cloned or updated; no install script"
}

apt_install() { # step packages...
  step="$1"; shift
  export DEBIAN_FRONTEND=noninteractive
  log=/var/log/releaseops-apt.log
  if ! apt-get install -y -q --no-install-recommends "$@" >"$log" 2>&1; then
    apt-get update -q >>"$log" 2>&1
    apt-get install -y -q --no-install-recommends "$@" >>"$log" 2>&1 || fail "$step" "apt-get install $* failed: $(tail -n 2 "$log" | tr '\n' ' ')"
  fi
}

ensure_docker() {
  if command -v docker >/dev/null 2>&1 && { docker compose version >/dev/null 2>&1 || command -v docker-compose >/dev/null 2>&1; }; then
    report "Docker" Unchanged "$(docker --version 2>/dev/null | head -n 1)"; return 0
  fi
  compose=""
  for p in docker-compose-v2 docker-compose-plugin docker-compose; do
    if apt-cache show "$p" >/dev/null 2>&1; then compose="$p"; break; fi
  done
  if [ "$check" = 1 ]; then changed "Docker" "install docker.io ${compose:-(no compose package found)}"; return 0; fi
  apt_install "Docker" docker.io $compose
  if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then systemctl enable --now docker >/dev/null 2>&1 || true; fi
  changed "Docker" "installed docker.io $compose: $(docker --version 2>/dev/null | head -n 1)"
}

compose_cmd() { if docker compose version >/dev/null 2>&1; then echo "docker compose"; else echo "docker-compose"; fi; }

ensure_jenkins() {
  # Jenkins runs as a docker compose service, like the projects' own stacks; its UI listens on 127.0.0.1:8080
  # (reach it through an SSH tunnel or the node's reverse proxy), and its home is a named volume. The agent port
  # 50000 is on 127.0.0.1 too: ufw does not filter ports that Docker publishes, so 0.0.0.0 would be the world.
  ensure_file "Jenkins compose file" /opt/jenkins/docker-compose.yml 644 'services:
  jenkins:
    image: jenkins/jenkins:lts-jdk17
    restart: unless-stopped
    ports:
      - "127.0.0.1:8080:8080"
      - "127.0.0.1:50000:50000"
    volumes:
      - jenkins_home:/var/jenkins_home
volumes:
  jenkins_home: {}'
  command -v docker >/dev/null 2>&1 || { [ "$check" = 1 ] && { changed "Jenkins" "start with docker compose"; return 0; }; fail "Jenkins" "docker is not installed; add -Docker"; }
  dc=$(compose_cmd)
  if [ -n "$($dc -f /opt/jenkins/docker-compose.yml ps -q jenkins 2>/dev/null)" ]; then report "Jenkins" Unchanged "running"; return 0; fi
  [ "$check" = 1 ] || $dc -f /opt/jenkins/docker-compose.yml up -d >/var/log/releaseops-jenkins.log 2>&1 || fail "Jenkins" "$dc up failed: $(tail -n 2 /var/log/releaseops-jenkins.log | tr '\n' ' ')"
  changed "Jenkins" "started with $dc -f /opt/jenkins/docker-compose.yml up -d"
}

ensure_hardening() { # logins...
  # Only after checking that an admin can log in with a key and use sudo: never lock the admins out.
  admin=""
  for login in "$@"; do
    getent passwd "$login" >/dev/null || continue
    pw=$(getent shadow "$login" | cut -d: -f2); case "$pw" in '!'*) continue;; esac
    # Read as the admin: a key file that is a link, or not the admin's own, does not count.
    as_user "$login" sh -c 'f="$HOME/.ssh/authorized_keys"; [ ! -L "$f" ] && [ "$(stat -c %u "$f")" = "$(id -u)" ] && ssh-keygen -lf "$f"' >/dev/null 2>&1 || continue
    sudo -n -l -U "$login" 2>/dev/null | grep -q 'NOPASSWD: ALL' || continue
    admin="$login"; break
  done
  if [ -z "$admin" ]; then
    [ "$check" = 1 ] && { changed "Hardening check" "no admin can log in yet; a real run checks again"; return 0; }
    fail "Hardening check" "no admin in the roster can log in with a key and use sudo; root and password logins stay on"
  fi
  report "Hardening check" Unchanged "$admin can log in with a key and use sudo"
  # sshd keeps the first value it reads, and Ubuntu reads sshd_config.d/*.conf in name order before sshd_config:
  # cloud images ship 50-cloud-init.conf with PasswordAuthentication yes, so the drop-in sorts first (00-), and
  # what counts is what sshd -T says is in effect, not that the file was written.
  conf=/etc/ssh/sshd_config.d/00-releaseops-hardening.conf
  legacy=/etc/ssh/sshd_config.d/60-releaseops-hardening.conf
  want='# ReleaseOps hardening: keys only, no root login.
PermitRootLogin no
PasswordAuthentication no
KbdInteractiveAuthentication no'
  if [ -f "$conf" ] && [ "$(cat "$conf")" = "$want" ] && [ ! -e "$legacy" ]; then hardened=0
  elif [ "$check" = 1 ]; then changed "SSH hardening" "$conf: no root or password logins"; hardened=2
  else
    grep -qiE '^[[:space:]]*Include[[:space:]]+/etc/ssh/sshd_config\.d/\*\.conf' /etc/ssh/sshd_config || fail "SSH hardening" "/etc/ssh/sshd_config does not include sshd_config.d; add: Include /etc/ssh/sshd_config.d/*.conf"
    mkdir -p /etc/ssh/sshd_config.d
    old=""; [ -f "$conf" ] && old=$(cat "$conf")
    printf '%s\n' "$want" > "$conf"
    if ! sshd -t 2>/dev/null && ! /usr/sbin/sshd -t 2>/dev/null; then
      if [ -n "$old" ]; then printf '%s\n' "$old" > "$conf"; else rm -f "$conf"; fi
      fail "SSH hardening" "sshd -t refused the new configuration; it was rolled back"
    fi
    rm -f "$legacy"
    hardened=1
  fi
  if [ "$hardened" != 2 ]; then
    sshd_bin=$(command -v sshd || echo /usr/sbin/sshd)
    effective=$($sshd_bin -T 2>/dev/null | awk '$1 == "permitrootlogin" || $1 == "passwordauthentication" || $1 == "kbdinteractiveauthentication" { print $1 "=" $2 }' | sort | tr '\n' ' ')
    expect="kbdinteractiveauthentication=no passwordauthentication=no permitrootlogin=no "
    if [ "$effective" != "$expect" ]; then
      winners=$(grep -liE '^[[:space:]]*(PermitRootLogin|PasswordAuthentication|KbdInteractiveAuthentication|ChallengeResponseAuthentication)[[:space:]]' /etc/ssh/sshd_config /etc/ssh/sshd_config.d/*.conf 2>/dev/null | grep -vxF "$conf" | tr '\n' ' ')
      refuse "SSH hardening" HardeningNotInEffect "not in effect: sshd -T says ${effective:-nothing}; an earlier setting wins (check ${winners:-/etc/ssh/sshd_config}); remove it and run again"
    fi
    if [ "$hardened" = 1 ]; then
      systemctl reload ssh >/dev/null 2>&1 || systemctl reload sshd >/dev/null 2>&1 || kill -HUP "$(cat /run/sshd.pid 2>/dev/null)" 2>/dev/null || pkill -HUP -o -x sshd
      changed "SSH hardening" "$conf: no root or password logins (sshd -T agrees); sshd reloaded"
    else
      report "SSH hardening" Unchanged "$conf; sshd -T: no root or password logins"
    fi
  fi
  auto=/etc/apt/apt.conf.d/20auto-upgrades
  autowant='APT::Periodic::Update-Package-Lists "1";
APT::Periodic::Unattended-Upgrade "1";'
  if dpkg -s unattended-upgrades >/dev/null 2>&1 && [ -f "$auto" ] && [ "$(cat "$auto")" = "$autowant" ]; then
    report "Unattended upgrades" Unchanged "on"
  elif [ "$check" = 1 ]; then changed "Unattended upgrades" "install and turn on"
  else
    dpkg -s unattended-upgrades >/dev/null 2>&1 || apt_install "Unattended upgrades" unattended-upgrades
    printf '%s\n' "$autowant" > "$auto"
    changed "Unattended upgrades" "installed; security updates every day"
  fi
  if [ -f /etc/releaseops-sandbox ]; then
    report "Firewall" Skipped "a sandbox node shares its host's network; ufw is not enabled here"; return 0
  fi
  port=$(sshd -T 2>/dev/null | awk '$1 == "port" { print $2; exit }'); port=${port:-22}
  if command -v ufw >/dev/null 2>&1 && ufw status 2>/dev/null | grep -q '^Status: active' \
     && ufw status | grep -qE "^$port/tcp +ALLOW" && ufw status | grep -qE '^80/tcp +ALLOW' && ufw status | grep -qE '^443/tcp +ALLOW'; then
    report "Firewall" Unchanged "ufw allows $port, 80 and 443 only$(docker_note)"; return 0
  fi
  if [ "$check" = 1 ]; then changed "Firewall" "ufw: allow $port/tcp, 80/tcp, 443/tcp; deny other incoming"; return 0; fi
  command -v ufw >/dev/null 2>&1 || apt_install "Firewall" ufw
  # shellcheck disable=SC2015 # a failure of any ufw command is the failure
  ufw allow "$port/tcp" >/dev/null && ufw allow 80/tcp >/dev/null && ufw allow 443/tcp >/dev/null \
    && ufw default deny incoming >/dev/null && ufw --force enable >/dev/null || fail "Firewall" "ufw failed"
  changed "Firewall" "ufw allows $port, 80 and 443 only$(docker_note)"
}

# ufw never sees traffic to ports that Docker publishes (Docker's own iptables chains come first), so say which
# ports containers publish on every address; publish them on 127.0.0.1, or filter them in the DOCKER-USER chain.
docker_note() {
  command -v docker >/dev/null 2>&1 || return 0
  open=$(docker ps --format '{{.Names}} {{.Ports}}' 2>/dev/null | tr ',' '\n' | grep -E '(0\.0\.0\.0|\[::\]|:::):[0-9]+' | sed 's/->.*//' | tr '\n' ' ')
  [ -n "$open" ] && printf '; warning: ufw does not filter ports that Docker publishes, and these are open to the world: %s(publish them on 127.0.0.1 or filter them in DOCKER-USER)' "$open"
  return 0
}

# Only the team's accounts may be changed or removed: members of dev with a UID of at least UID_MIN, neither root
# nor the session's own user, whose home is a real folder (not a link) directly under /home. Anything else
# (daemon, whose home is /usr/sbin; bin, whose home is /bin) is refused before anything is touched.
uid_min() { awk '$1 == "UID_MIN" { print $2; f = 1 } END { if (!f) print 1000 }' /etc/login.defs 2>/dev/null || echo 1000; }
uid_max() { awk '$1 == "UID_MAX" { print $2; f = 1 } END { if (!f) print 60000 }' /etc/login.defs 2>/dev/null || echo 60000; }
team_account() { # login -> prints why not, and returns 1, when the account is not the team's
  entry=$(getent passwd "$1") || return 0
  uid=$(printf '%s' "$entry" | cut -d: -f3); h=$(printf '%s' "$entry" | cut -d: -f6)
  self="${SUDO_USER:-$(id -un)}"
  if [ "$uid" = 0 ]; then echo "$1 is root"; return 1; fi
  if [ "$1" = "$self" ]; then echo "$1 is the account this session logged in with"; return 1; fi
  if [ "$uid" -lt "$(uid_min)" ]; then echo "$1 is a system account (UID $uid, below UID_MIN $(uid_min))"; return 1; fi
  if [ "$uid" -gt "$(uid_max)" ]; then echo "$1 is a system account (UID $uid, above UID_MAX $(uid_max))"; return 1; fi
  # A member of dev; or one that an earlier Remove-NodeUser already took out of dev, locked and expired (a rerun).
  if ! id -nG "$1" | tr ' ' '\n' | grep -qx dev && [ "$(getent shadow "$1" | cut -d: -f8)" != 1 ]; then
    echo "$1 is not a member of dev, so not a team account"; return 1
  fi
  case "$h" in /home/*/*|/home/.*|/home/) echo "$1 has its home at $h, not directly under /home"; return 1;; /home/*) ;; *) echo "$1 has its home at $h, not under /home"; return 1;; esac
  if [ -L "$h" ]; then echo "$1 has a home that is a symbolic link ($h)"; return 1; fi
  return 0
}

remove_user() { # login removehome
  login="$1"; removehome="$2"
  if ! getent passwd "$login" >/dev/null; then report "Account $login" Unchanged "absent"; return 0; fi
  why=$(team_account "$login") || refuse "Account $login" NotATeamAccount "refused: $why; ReleaseOps removes only the team's accounts"
  home=$(getent passwd "$login" | cut -d: -f6); file="$home/.ssh/authorized_keys"
  if as_user "$login" sh -c '[ -s "$HOME/.ssh/authorized_keys" ]' 2>/dev/null; then
    [ "$check" = 1 ] || as_user "$login" sh -c 'if [ -L "$HOME/.ssh/authorized_keys" ]; then rm -f "$HOME/.ssh/authorized_keys"; else : > "$HOME/.ssh/authorized_keys"; fi' || fail "Keys $login" "cannot empty $file"
    changed "Keys $login" "revoked every key"
  else report "Keys $login" Unchanged "no keys"; fi
  groups=""
  for g in dev sudo docker; do id -nG "$login" | tr ' ' '\n' | grep -qx "$g" && groups="$groups $g"; done
  if [ -n "$groups" ]; then
    if [ "$check" != 1 ]; then for g in $groups; do gpasswd -d "$login" "$g" >/dev/null || fail "Groups $login" "gpasswd failed"; done; fi
    changed "Groups $login" "removed from$groups"
  else report "Groups $login" Unchanged "in no admin group"; fi
  pw=$(getent shadow "$login" | cut -d: -f2); exp=$(getent shadow "$login" | cut -d: -f8)
  case "$pw" in '!'*) locked=1;; *) locked=0;; esac
  if [ "$locked" = 1 ] && [ "$exp" = 1 ]; then report "Lock $login" Unchanged "locked and expired"
  else
    [ "$check" = 1 ] || usermod -L -e 1 "$login" || fail "Lock $login" "usermod -L failed"
    changed "Lock $login" "locked and expired; files kept"
  fi
  # A process the member left running (tmux, nohup, a user service) keeps its groups, docker included, whatever the
  # account's state: it ends with the account's access. Only this account's processes (its UID, checked above).
  uid=$(getent passwd "$login" | cut -d: -f3)
  if pgrep -u "$uid" >/dev/null 2>&1; then
    if [ "$check" != 1 ]; then
      command -v loginctl >/dev/null 2>&1 && loginctl disable-linger "$login" >/dev/null 2>&1
      i=0; while pgrep -u "$uid" >/dev/null 2>&1 && [ $i -lt 20 ]; do pkill -KILL -u "$uid" 2>/dev/null; sleep 0.1; i=$((i + 1)); done
      ! pgrep -u "$uid" >/dev/null 2>&1 || fail "Processes $login" "cannot end the processes of $login"
    fi
    changed "Processes $login" "ended the processes that $login still ran"
  else report "Processes $login" Unchanged "no processes"; fi
  if [ "$removehome" = 1 ]; then
    if [ -d "$home" ] && [ ! -L "$home" ]; then [ "$check" = 1 ] || rm -rf --one-file-system -- "$home" || fail "Home $login" "cannot remove $home"; changed "Home $login" "removed $home"
    else report "Home $login" Unchanged "absent"; fi
  fi
}

list_users() {
  getent group dev | cut -d: -f4 | tr ',' '\n' | grep -v '^$' | sort -u | while IFS= read -r login; do
    entry=$(getent passwd "$login") || continue
    home=$(printf '%s' "$entry" | cut -d: -f6); name=$(printf '%s' "$entry" | cut -d: -f5)
    pw=$(getent shadow "$login" | cut -d: -f2); exp=$(getent shadow "$login" | cut -d: -f8)
    locked=0; case "$pw" in '!'*) locked=1;; esac; [ "$exp" = 1 ] && locked=1
    fps=$(as_user "$login" sh -c '[ -f "$HOME/.ssh/authorized_keys" ] && [ ! -L "$HOME/.ssh/authorized_keys" ] && ssh-keygen -lf "$HOME/.ssh/authorized_keys"' 2>/dev/null | awk '{print $2}' | paste -sd, -)
    printf 'row\tuser\t%s\t%s\t%s\t%s\t%s\t%s\n' "$login" "$name" "$(id -nG "$login" | tr ' ' ',')" "$fps" "$locked" "$home"
  done
}

case "$mode" in
  bootstrap)
    ensure_groups
    logins=""
    while [ "$#" -gt 0 ]; do
      login="$1"; name="$2"; replace="$3"; count="$4"; shift 4
      logins="$logins $login"
      ensure_account "$login" "$name"
      ensure_keys "$login" "$replace" "$count" "$@"
      shift "$count"
      if has dotfiles; then ensure_dotfiles "$login"; fi
    done
    if has sudo; then ensure_sudo; fi
    if has history; then ensure_history; fi
    if has docker; then ensure_docker; fi
    if has jenkins; then ensure_jenkins; fi
    if has harden; then
      # The roster's logins, for the check that an admin can still get in.
      # shellcheck disable=SC2086 # split on purpose: logins are validated names without spaces
      ensure_hardening $logins
    fi
    ;;
  adduser)
    ensure_groups
    while [ "$#" -gt 0 ]; do
      login="$1"; name="$2"; replace="$3"; count="$4"; shift 4
      ensure_account "$login" "$name"
      ensure_keys "$login" "$replace" "$count" "$@"
      shift "$count"
    done
    if has sudo; then ensure_sudo; fi
    ;;
  removeuser)
    while [ "$#" -gt 0 ]; do remove_user "$1" "$2"; shift 2; done
    ;;
  listusers) list_users ;;
  *) fail "Bootstrap" "unknown mode $mode" ;;
esac
