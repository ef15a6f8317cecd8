# ReleaseOps: the old node's redirect to the new one, with HAProxy (Set-NodeRedirect, Remove-NodeRedirect).
# Arguments: action (set|remove) target mode (tcp|http301) listen ports(comma) redirect_host dry(0|1).
# Lines out, in the protocol of RemoteScripts/protocol.sh (which runs before this): "field<TAB>status<TAB>Changed|
# Unchanged|WouldChange", "error<TAB>Id<TAB>message". Its own config and pid file;
# the distribution's haproxy.cfg and service are left alone.
set -u
action=$1 target=$2 mode=$3 listen=$4 ports=$5 redirect_host=$6 dry=$7
dir=/etc/releaseops
state=/var/lib/releaseops
cfg=$dir/redirect.cfg
pidfile=$state/redirect.pid
running() { [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile" 2>/dev/null)" 2>/dev/null; }

if [ "$action" = remove ]; then
    if running; then
        if [ "$dry" = 1 ]; then field status WouldChange; exit 0; fi
        kill "$(cat "$pidfile")"
        i=0
        while running && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
        rm -f "$cfg" "$pidfile"
        field status Changed
    else
        [ "$dry" = 1 ] || rm -f "$cfg" "$pidfile"
        field status Unchanged
    fi
    exit 0
fi

command -v haproxy >/dev/null 2>&1 || die HaproxyNotInstalled "haproxy is not installed on this node" 3
new=$(mktemp) || die RedirectFailed "cannot create a temporary file" 4
{
    printf 'global\n    maxconn 4000\n\ndefaults\n    timeout connect 5s\n    timeout client 1h\n    timeout server 1h\n    timeout tunnel 1h\n'
    old_ifs=$IFS
    IFS=,
    for port in $ports; do
        if [ "$mode" = http301 ] && [ "$port" != 443 ]; then
            if [ "$port" = 80 ]; then prefix="http://$redirect_host"; else prefix="http://$redirect_host:$port"; fi
            printf '\nfrontend redirect_%s\n    mode http\n    bind %s:%s\n    http-request redirect prefix %s code 301\n' "$port" "$listen" "$port" "$prefix"
        else
            # TCP pass-through: TLS goes through untouched, so certificates keep working.
            printf '\nlisten passthrough_%s\n    mode tcp\n    bind %s:%s\n    server new %s:%s\n' "$port" "$listen" "$port" "$target" "$port"
        fi
    done
    IFS=$old_ifs
} > "$new"

if ! check=$(haproxy -c -f "$new" 2>&1); then
    rm -f "$new"
    die RedirectConfigInvalid "haproxy -c refused the configuration: $(printf '%s' "$check" | tail -n 3 | tr '\n\t' '  ')" 5
fi
if [ -f "$cfg" ] && cmp -s "$new" "$cfg" && running; then
    rm -f "$new"
    field status Unchanged
    exit 0
fi
if [ "$dry" = 1 ]; then
    rm -f "$new"
    field status WouldChange
    exit 0
fi

mkdir -p "$dir" "$state"
old=
running && old=$(cat "$pidfile")
[ -f "$cfg" ] && cp "$cfg" "$cfg.previous"
cp "$new" "$cfg"
rm -f "$new"
# -sf: the new process takes over from the old one, which finishes its connections; if the new one cannot bind, the
# old one goes on serving and the previous configuration is put back.
if [ -n "$old" ]; then
    out=$(haproxy -D -f "$cfg" -p "$pidfile.new" -sf "$old" 2>&1)
else
    out=$(haproxy -D -f "$cfg" -p "$pidfile.new" 2>&1)
fi
rc=$?
if [ $rc -ne 0 ] || [ ! -s "$pidfile.new" ]; then
    rm -f "$pidfile.new"
    if [ -f "$cfg.previous" ]; then mv "$cfg.previous" "$cfg"; else rm -f "$cfg"; fi
    die RedirectStartFailed "haproxy did not start: $(printf '%s' "$out" | tail -n 3 | tr '\n\t' '  ')" 6
fi
mv "$pidfile.new" "$pidfile"
field status Changed
