# PostgreSQL inside sandbox nodes: each node gets its own cluster (initdb as the postgres user, which PostgreSQL
# requires) in its own overlay root, on the default socket folder /run/postgresql, which is node-local (a fresh
# tmpfs per node), so the clusters never meet although the nodes share the network. Debian's postgresql package
# must be installed on the host (.ci/run does), since the nodes share the host's binaries.

$script:ssh = @{}

function Set-PostgresFixtureContext {
    <# $PSDefaultParameterValues does not reach into this module's scope, so the SSH test context is passed on here. #>
    param([Parameter(Mandatory)] $Context)
    $script:ssh = @{ IdentityFile = $Context.IdentityFile; KnownHostsFile = $Context.KnownHostsFile; ConfigFile = $Context.ConfigFile }
}

function Start-NodePostgres {
    param([Parameter(Mandatory)] $Node)
    $script = @'
set -e
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
mkdir -p /var/tmp/pg /run/postgresql
chown postgres:postgres /var/tmp/pg /run/postgresql
su postgres -s /bin/sh -c "$bin/initdb -A trust -D /var/tmp/pg/data >/dev/null && $bin/pg_ctl -D /var/tmp/pg/data -l /var/tmp/pg/log -o '-c listen_addresses= -c unix_socket_directories=/run/postgresql -c fsync=off -c full_page_writes=off' -w start >/dev/null"
'@
    $r = $Node | Invoke-NodeCommand -Command $script @ssh
    if (-not $r.Succeeded) { throw "PostgreSQL did not start on $($Node.Name): $($r.Error)" }
}

function Invoke-NodeSql {
    <# Runs SQL on a node's cluster as postgres; returns the unaligned, tuples-only output lines. #>
    param([Parameter(Mandatory)] $Node, [Parameter(Mandatory)] [string] $Database, [Parameter(Mandatory)] [string] $Sql)
    $r = $Node | Invoke-NodeCommand -Command 'printf "%s\n" "$2" | sudo -n -u postgres env PGDATABASE="$1" psql -X -q -At -v ON_ERROR_STOP=1 -f -' -ArgumentList $Database, $Sql -ErrorAction SilentlyContinue @ssh
    if (-not $r.Succeeded) { throw "SQL failed on $($Node.Name): $($r.Output) $($r.Error)" }
    @($r.Output.Trim() -split "`n" | Where-Object { $_ -and $_ -notmatch 'unable to resolve host' })
}

Export-ModuleMember -Function *
