# ReleaseOps stack deploy. Run by "sh -c <this> releaseops-<id> <arguments>", every argument quoted.
# One run per node: lock, fetch, checkout, stack up, migrations, health check, and a rollback when a step fails.
# The protocol of RemoteScripts/protocol.sh (which runs before this, and defines step, field, warn and die) on
# stdout, one line each (the commands' own output goes to stderr):
#   step<TAB>Name<TAB>start|ok|failed<TAB>detail     field<TAB>key<TAB>value
#   warning<TAB>message                               error<TAB>ErrorId<TAB>message (nothing was changed; exit 2)
# Arguments: mode(deploy|rollback) stack remote ref force(0|1) up-command update(Build|Pull) migrate-command
#   health-url health-status health-command health-timeout repository-url credential-host
# When credential-host is set, standard input holds the repository's user and token, a line each: they reach git only
# through a credential helper that answers for that host, never a command line, .git/config or a file.
# shellcheck disable=SC2016 # single-quoted code for another shell (sh -c, su -c, git): its $ expands there, and values reach it as positional arguments, never spliced into the text
set -u
umask 022
mode="$1"; stack="$2"; remote="$3"; ref="$4"; force="$5"; up_command="$6"; update="$7"; migrate="$8"; health_url="$9"
shift 9
health_status="$1"; health_command="$2"; health_timeout="$3"; repo_url="$4"; cred_host="${5:-}"
git_user=""; git_pass=""
if [ -n "$cred_host" ]; then IFS= read -r git_user || true; IFS= read -r git_pass || true; fi
exec </dev/null
# git with the credentials, for clone and fetch only; the project's own commands never see them.
cred_helper='!f() { [ "$1" = get ] || exit 0; h=""; while IFS= read -r l && [ -n "$l" ]; do case "$l" in host=*) h="${l#host=}";; esac; done; [ "$h" = "$RELEASEOPS_GIT_HOST" ] || exit 0; printf "username=%s\npassword=%s\n" "$RELEASEOPS_GIT_USER" "$RELEASEOPS_GIT_PASS"; }; f'
gitc() {
  if [ -n "$cred_host" ]; then
    RELEASEOPS_GIT_HOST="$cred_host" RELEASEOPS_GIT_USER="$git_user" RELEASEOPS_GIT_PASS="$git_pass" GIT_TERMINAL_PROMPT=0 \
      git -c credential.helper= -c "credential.helper=$cred_helper" "$@"
  else GIT_TERMINAL_PROMPT=0 git "$@"
  fi
}
me=$(id -u)
# Run as root, a deploy touches only what root alone controls: a checkout that another account owns (its hooks,
# core.fsmonitor, a link in .git) would run that account's code as root, so it is refused, as sshd's StrictModes
# refuses a key file. As any other user, the checkout must be that user's own.
# Groups whose write is no one else's: root's, this user's own, and the admins' (dev, sudo, docker are root anyway).
my_gid=$(id -g)
admin_gids=$(for g in dev sudo docker; do getent group "$g" | cut -d: -f3; done | tr '\n' ' ')
trusted_gid() { case " 0 $my_gid $admin_gids" in *" $1 "*) return 0;; esac; return 1; }
own_dir() { # path: a real folder (not a link) of this user that no other account (nor another group) may write
  [ -d "$1" ] && [ ! -L "$1" ] && [ "$(stat -c %u "$1")" = "$me" ] || return 1
  case "$(stat -c %A "$1")" in ????????w?) return 1;; ?????w????) trusted_gid "$(stat -c %g "$1")" || return 1;; esac
  return 0
}
# Every folder above the checkout (as written, and as it really is) belongs to root or this user, and no other account
# may write it (a sticky folder such as /tmp excepted): whoever controls one could swap the checkout for their own,
# with their hooks, after the checks below.
above_safe() { # path -> prints why not, and returns 1
  p=$1
  while :; do
    p=$(dirname -- "$p")
    if [ -e "$p" ] || [ -L "$p" ]; then
      o=$(stat -c %u -- "$p")
      [ "$o" = 0 ] || [ "$o" = "$me" ] || { echo "the folder $p (above the checkout) belongs to $(stat -c %U -- "$p")"; return 1; }
      case "$(stat -c %A -- "$p")" in
        l*|????????wt) ;;
        ????????w?) echo "anyone may write the folder $p (above the checkout)"; return 1;;
        ?????w????) trusted_gid "$(stat -c %g -- "$p")" || { echo "the group $(stat -c %G -- "$p") may write the folder $p (above the checkout)"; return 1; };;
      esac
    fi
    [ "$p" = / ] && return 0
  done
}
unsafe() { die UnsafeCheckout "$1; a deploy as $(id -un) would run another account's files with its rights. Deploy as the owner, or make $(id -un) the owner of the whole checkout"; }

last_line() { [ -f "$1" ] && grep -v '^[[:space:]]*$' "$1" | tail -n 1 | cut -c 1-300; }
alive() { [ -d "/proc/$1" ] || kill -0 "$1" 2>/dev/null; }

command -v git >/dev/null 2>&1 || die GitNotFound "git is not installed on this node"

# The checkout: cloned on the first deploy when the project names its repository.
cloned=0
if [ -L "$stack" ] && [ "$(stat -c %u "$stack")" != "$me" ]; then unsafe "$stack is a symbolic link of $(stat -c %U "$stack")"; fi
why=$(above_safe "$stack") || unsafe "$why"
real=$(cd -P -- "$(dirname -- "$stack")" 2>/dev/null && pwd -P) && { why=$(above_safe "$real/x") || unsafe "$why"; }
if [ ! -e "$stack/.git" ]; then
  # shellcheck disable=SC2015 # either test failing is the failure
  [ "$mode" = deploy ] && [ -n "$repo_url" ] || die StackNotFound "$stack is not a git checkout on this node"
  parent=$(dirname -- "$stack")
  if [ -e "$parent" ] && ! own_dir "$parent" && [ "$(stat -c %u "$parent")" != 0 ]; then unsafe "the folder $parent belongs to $(stat -c %U "$parent")"; fi
  case "$(stat -c %A "$parent" 2>/dev/null)" in ????????w?) unsafe "anyone may write the folder $parent";; esac
  # A token in the URL (https://user:token@host/...) never reaches the output.
  shown_url=$(printf '%s' "$repo_url" | sed 's#://[^/@]*@#://***@#')
  step Clone start "$shown_url"
  mkdir -p -- "$(dirname -- "$stack")" || die StackNotFound "cannot create the parent folder of $stack"
  tmp="$stack.releaseops-clone.$$"
  if ! err=$(gitc clone --quiet --no-checkout "--origin=$remote" -- "$repo_url" "$tmp" 2>&1); then
    rm -rf -- "$tmp"; err=$(printf '%s' "$err" | sed 's#://[^/@]*@#://***@#g')
    step Clone failed "$err"; die CloneFailed "git clone of $shown_url failed: $err"
  fi
  rmdir -- "$stack" 2>/dev/null || true
  if [ -e "$stack/.git" ]; then
    rm -rf -- "$tmp"   # another deploy cloned it meanwhile; the lock below orders the two
  elif [ -e "$stack" ]; then
    rm -rf -- "$tmp"; die StackNotFound "$stack exists but is not a git checkout"
  else
    mv -- "$tmp" "$stack" || { rm -rf -- "$tmp"; die CloneFailed "cannot move the clone to $stack"; }
  fi
  cloned=1
  step Clone ok "$stack"
fi

own_dir "$stack" || unsafe "$stack belongs to $(stat -c %U "$stack"), or others may write it"
own_dir "$stack/.git" || unsafe "$stack/.git is not a folder of $(id -un) (a link, a gitfile or another owner)"
# Inside .git, nothing of another account, and nothing that another account may write: git runs hooks/* and reads
# config (core.fsmonitor, core.hooksPath) with this user's rights.
# (find fails closed: an error is a refusal, never an empty answer.)
groups_ok=""; for g in 0 $my_gid $admin_gids; do groups_ok="$groups_ok ! -group $g"; done
# shellcheck disable=SC2086 # $groups_ok is empty or a list of find operands, split on purpose
bad=$(find "$stack/.git" \( ! -user "$me" -o \( ! -type l \( -perm -0002 -o \( -perm -0020 $groups_ok \) \) \) \) -print -quit 2>&1) || bad="${bad:-$stack/.git} (find failed)"
[ -z "$bad" ] || unsafe "$bad belongs to $(stat -c %U -- "$bad" 2>/dev/null || echo another account), or another account may write it"
state_dir="$stack/.git/releaseops"
[ ! -e "$state_dir" ] || own_dir "$state_dir" || unsafe "$state_dir is not a folder of $(id -un)"
state="$state_dir/deploy.state"
lock="$state_dir/deploy.lock"
steplog="$state_dir/step.log"
mkdir -p -- "$state_dir" || die StackNotWritable "cannot write to $state_dir"

# The lock: a directory (mkdir is atomic) holding the owner's process id. A lock whose process is gone (a deploy
# that was killed) is broken with a warning; one without a process id is broken after a minute.
take_lock() {
  if mkdir -- "$lock" 2>/dev/null; then
    printf '%s\n' "$$" > "$lock/pid"; printf '%s\n' "${ref:-rollback}" > "$lock/ref"; date -u +%Y-%m-%dT%H:%M:%SZ > "$lock/since"
    return 0
  fi
  holder=$(cat -- "$lock/pid" 2>/dev/null || true)
  stale=0
  if [ -n "$holder" ]; then
    alive "$holder" || stale=1
  elif [ -n "$(find "$lock" -maxdepth 0 -mmin +1 2>/dev/null)" ]; then
    stale=1
  fi
  if [ "$stale" = 1 ] && [ "$(cat -- "$lock/pid" 2>/dev/null || true)" = "$holder" ]; then
    rm -rf -- "$lock"
    warn "broke a stale deploy lock of process ${holder:-unknown}, which is gone"
    if mkdir -- "$lock" 2>/dev/null; then
      printf '%s\n' "$$" > "$lock/pid"; printf '%s\n' "${ref:-rollback}" > "$lock/ref"; date -u +%Y-%m-%dT%H:%M:%SZ > "$lock/since"
      return 0
    fi
    holder=$(cat -- "$lock/pid" 2>/dev/null || true)
  fi
  die DeployLocked "another deploy of $stack is running on this node (process ${holder:-unknown}, ref $(cat -- "$lock/ref" 2>/dev/null), since $(cat -- "$lock/since" 2>/dev/null))"
}
take_lock
trap 'rm -rf -- "$lock"' EXIT
trap 'exit 130' INT TERM HUP

get() { [ -f "$state" ] && sed -n "s/^$1=//p" "$state" | head -n 1; }
# The checkout is this user's own (checked above), so git needs no safe.directory exception.
g() { git -C "$stack" "$@"; }

# What is live: the checked-out commit, with the ref and health recorded by the last deploy when they match.
live=""; live_ref=""; healthy_before=0
if [ "$cloned" = 0 ]; then
  live=$(g rev-parse -q --verify 'HEAD^{commit}' 2>/dev/null || true)
  if [ -n "$live" ] && [ "$live" = "$(get commit)" ]; then
    live_ref=$(get ref); healthy_before=$(get healthy)
  elif [ -n "$live" ]; then
    live_ref=$(g symbolic-ref -q --short HEAD 2>/dev/null || echo HEAD)
  fi
fi
field previous_commit "$live"
field previous_ref "$live_ref"

if [ "$mode" = rollback ]; then
  target=$(get previous_commit); target_ref=$(get previous_ref)
  [ -n "$target" ] || die NoPreviousDeployment "no previous deploy is recorded in $state"
  g cat-file -e "$target^{commit}" 2>/dev/null || die RefNotFound "the previous commit $target is no longer in the checkout"
  ref="$target_ref"
  commit="$target"
  field ref "$ref"
else
  step Fetch start "$remote $ref"
  # A token that an older deploy left in the remote's URL is taken out of .git/config.
  url=$(g config --get "remote.$remote.url" 2>/dev/null || true)
  case "$url" in http://*@*|https://*@*)
    g remote set-url "$remote" "$(printf '%s' "$url" | sed 's#://[^/@]*@#://#')" && warn "removed the credentials that were stored in the URL of $remote in $stack/.git/config";;
  esac
  if ! err=$(gitc -C "$stack" fetch --quiet --force --prune -- "$remote" "+refs/heads/*:refs/remotes/$remote/*" "+refs/tags/*:refs/tags/*" 2>&1); then
    step Fetch failed "$err"
    die FetchFailed "git fetch from $remote failed: $err"
  fi
  commit=""
  case "$ref" in refs/*) commit=$(g rev-parse -q --verify "$ref^{commit}" 2>/dev/null || true) ;; esac
  [ -n "$commit" ] || commit=$(g rev-parse -q --verify "refs/remotes/$remote/$ref^{commit}" 2>/dev/null || true)
  [ -n "$commit" ] || commit=$(g rev-parse -q --verify "refs/tags/$ref^{commit}" 2>/dev/null || true)
  if [ -z "$commit" ]; then
    case "$ref" in *[!0-9a-f]*) ;; ????*) commit=$(g rev-parse -q --verify "$ref^{commit}" 2>/dev/null || true) ;; esac
  fi
  if [ -z "$commit" ]; then
    step Fetch failed "no branch, tag or commit $ref on $remote"
    die RefNotFound "$remote has no branch, tag or commit named $ref"
  fi
  step Fetch ok "$ref is $commit"
fi
field commit "$commit"

if [ "$mode" = deploy ] && [ "$force" != 1 ] && [ "$commit" = "$live" ] && [ "$healthy_before" = 1 ]; then
  step Deploy ok "$commit is already live"
  field previous_commit "$(get previous_commit)"
  field previous_ref "$(get previous_ref)"
  field live_commit "$live"
  field status Unchanged
  exit 0
fi

if [ "$cloned" = 0 ] && [ -n "$live" ] && [ "$force" != 1 ] && [ -n "$(g status --porcelain --untracked-files=no 2>/dev/null)" ]; then
  die LocalChanges "files tracked by git were changed by hand in $stack; a deploy would discard them"
fi

# How the stack comes up: the project's own command, or docker compose (v2, the plugin) or docker-compose (v1).
compose=""
if [ -n "$up_command" ]; then
  up_desc="$up_command"
else
  if docker compose version >/dev/null 2>&1; then compose="docker compose"
  elif command -v docker-compose >/dev/null 2>&1; then compose="docker-compose"
  else die ComposeNotFound "neither docker compose (v2) nor docker-compose (v1) is installed on this node"
  fi
  if [ "$update" = Pull ]; then up_desc="$compose pull && $compose up -d --remove-orphans"
  else up_desc="$compose up -d --build --remove-orphans"
  fi
fi
field up_command "$up_desc"
export RELEASEOPS_COMPOSE="${compose:-docker compose}" RELEASEOPS_STACK="$stack"

# Runs a command in the stack folder; its output goes to stderr and its last line to the step's detail.
in_stack() { # command [$0 $1 ...]
  (cd -- "$stack" && sh -c "$@") > "$steplog" 2>&1
  rc=$?
  cat -- "$steplog" >&2
  return $rc
}

checkout() {
  g -c advice.detachedHead=false checkout --quiet --force --detach "$1" > "$steplog" 2>&1
  rc=$?
  cat -- "$steplog" >&2
  return $rc
}

http_status() {
  if command -v curl >/dev/null 2>&1; then
    curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$1" 2>/dev/null
  elif command -v wget >/dev/null 2>&1; then
    wget -S -q -O /dev/null -T 5 -t 1 "$1" 2>&1 | awk '/^ *HTTP\//{ c = $2 } END { printf "%03d", c }'
  else
    echo none
  fi
}

# The health check, retried every second until it passes or the timeout ends. A health command that hangs is
# stopped by timeout(1) where the node has it, so that a deploy never holds the lock for ever.
health_result="no health check is configured"
limit=""
command -v timeout >/dev/null 2>&1 && limit="timeout $health_timeout"
check_health() {
  [ -n "$health_url$health_command" ] || { health_result="no health check is configured"; return 0; }
  deadline=$(( $(date +%s) + health_timeout ))
  while :; do
    passed=1; health_result=""
    if [ -n "$health_url" ]; then
      code=$(http_status "$health_url" || true)
      [ "$code" = none ] && { health_result="neither curl nor wget is installed to request $health_url"; return 1; }
      health_result="HTTP $code from $health_url"
      [ "$code" = "$health_status" ] || { passed=0; health_result="$health_result (expected $health_status)"; }
    fi
    if [ "$passed" = 1 ] && [ -n "$health_command" ]; then
      if in_stack "$limit sh -c \"\$1\" health" releaseops "$health_command" 2>/dev/null; then
        health_result="${health_result:+$health_result; }exit 0 from $health_command"
      else
        passed=0; health_result="${health_result:+$health_result; }exit $rc from $health_command${steplog:+: $(last_line "$steplog")}"
      fi
    fi
    [ "$passed" = 1 ] && return 0
    [ "$(date +%s)" -ge "$deadline" ] && return 1
    sleep 1
  done
}

stack_up() {
  if [ -n "$up_command" ]; then in_stack "$up_command"
  elif [ "$update" = Pull ]; then in_stack "$compose pull && $compose up -d --remove-orphans"
  else in_stack "$compose up -d --build --remove-orphans"
  fi
}

write_state() { # ref commit previous-ref previous-commit healthy
  printf 'ref=%s\ncommit=%s\nprevious_ref=%s\nprevious_commit=%s\nhealthy=%s\ntime=%s\nuser=%s\n' \
    "$1" "$2" "$3" "$4" "$5" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(id -un)" > "$state.tmp" && mv -f -- "$state.tmp" "$state"
}

failed=""
step Checkout start "$commit"
if checkout "$commit"; then step Checkout ok "$commit"; else failed=Checkout; step Checkout failed "$(last_line "$steplog")"; fi

if [ -z "$failed" ]; then
  step Up start "$up_desc"
  if stack_up; then step Up ok "$up_desc"; else failed=Up; step Up failed "exit $rc: $(last_line "$steplog")"; fi
fi

if [ -z "$failed" ] && [ "$mode" = deploy ] && [ -n "$migrate" ]; then
  step Migrate start "$migrate"
  if in_stack "$migrate"; then step Migrate ok "$migrate"; else failed=Migrate; step Migrate failed "exit $rc: $(last_line "$steplog")"; fi
fi

if [ -z "$failed" ] && [ -z "$health_url$health_command" ]; then
  field health_result "$health_result"
elif [ -z "$failed" ]; then
  step HealthCheck start "${health_url:-$health_command}"
  if check_health; then
    field healthy 1
    step HealthCheck ok "$health_result"
  else
    failed=HealthCheck
    field healthy 0
    step HealthCheck failed "$health_result"
  fi
  field health_result "$health_result"
fi

if [ -z "$failed" ]; then
  if [ "$commit" = "$live" ]; then
    write_state "$ref" "$commit" "$(get previous_ref)" "$(get previous_commit)" 1
  else
    write_state "$ref" "$commit" "$live_ref" "$live" 1
  fi
  field live_commit "$commit"
  field status Deployed
  exit 0
fi

field failed_step "$failed"
if [ -z "$live" ] || [ "$live" = "$commit" ]; then
  # Nothing to return to: the node keeps the new commit, recorded as unhealthy so that the next deploy runs in full.
  write_state "$ref" "$commit" "$(get previous_ref)" "$(get previous_commit)" 0
  field live_commit "$commit"
  field status Failed
  exit 1
fi

step Rollback start "to $live_ref $live"
field rolled_back 1
if checkout "$live" && stack_up && check_health; then
  step Rollback ok "$live is live again: $health_result"
  field rollback_health "$health_result"
  field live_commit "$live"
  field status RolledBack
  exit 1
fi
step Rollback failed "$(last_line "$steplog") $health_result"
field rollback_health "$health_result"
field live_commit "$(g rev-parse -q --verify 'HEAD^{commit}' 2>/dev/null)"
field status Failed
exit 1
