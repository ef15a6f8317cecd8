# The Docker test rig: each sandbox node gets its own Docker engine (dockerd started over SSH inside the node, in the
# node's PID namespace, so it dies with the node), its own image store and volumes on a tmpfs, and the rig's image
# (tests/rig/build-image.sh, cached under /var/tmp/releaseops-rig). Nodes share the host's network namespace, so the
# daemons run with --bridge=none and no iptables, and the sample stack (samples/stack) uses network_mode: host with a
# distinct 127.0.0.x address per node. Needs root and Debian's docker.io, docker-compose and debootstrap (.ci/run).

$script:ssh = @{}
$script:repo = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
$script:cgroupPrefix = 'releaseops-rig-'
$script:pidNamespaces = @{}

function Set-DockerFixtureContext {
    <# $PSDefaultParameterValues does not reach into this module's scope, so the SSH test context is passed on here. #>
    param([Parameter(Mandatory)] $Context)
    $script:ssh = @{ IdentityFile = $Context.IdentityFile; KnownHostsFile = $Context.KnownHostsFile; ConfigFile = $Context.ConfigFile }
}

function Invoke-RigCommand {
    <# Runs a shell script on a node as root; throws with its output when it fails; returns the output (trimmed). #>
    param([Parameter(Mandatory)] $Node, [Parameter(Mandatory)] [string] $Command, [object[]] $ArgumentList = @())
    $r = $Node | Invoke-NodeCommand -Command $Command -ArgumentList $ArgumentList -ErrorAction SilentlyContinue @ssh
    if (-not $r.Succeeded) { throw "On $($Node.Name), exit $($r.ExitCode): $($Command.Split("`n")[0])...`n$($r.Output)`n$($r.Error)" }
    "$($r.Output)".Trim()
}

function Install-DockerRigImage {
    <# Builds the rig's image once (debootstrap, ~40 s) or finds it cached; returns the image tar's path. #>
    param([string] $CacheDirectory = '/var/tmp/releaseops-rig')
    $out = & bash (Join-Path $script:repo 'tests/rig/build-image.sh') $CacheDirectory 2>&1
    if ($LASTEXITCODE -ne 0) { throw "tests/rig/build-image.sh failed: $($out -join "`n")" }
    Join-Path $CacheDirectory 'image.tar'
}

function New-DockerTestNode {
    <#
    A sandbox node whose root is its mount namespace's root (RELEASEOPS_SANDBOX_PIVOT_ROOT=1), as docker exec needs:
    it enters a container's mount namespace at that namespace's root, which under a chroot would be the host's /.
    Same parameters as New-TestNode (SshFixtures.psm1, which must be imported).
    #>
    param([Parameter(Mandatory)] [string] $Client, [string] $Project = 'pester')
    $before = $env:RELEASEOPS_SANDBOX_PIVOT_ROOT
    $env:RELEASEOPS_SANDBOX_PIVOT_ROOT = '1'
    try { New-TestNode -Client $Client -Project $Project } finally { $env:RELEASEOPS_SANDBOX_PIVOT_ROOT = $before }
}

function Initialize-DockerNode {
    <#
    Gives a sandbox node its own Docker engine: mounts sysfs and the cgroup hierarchies in the node if absent, a
    tmpfs on /var/lib/docker and one on DataPath (size-limited by -DiskSizeMB: the node's "disk" for the stack's
    data), starts dockerd (socket /run/docker.sock inside the node, so plain docker and docker-compose work there)
    and imports the rig image as releaseops-rig:latest. Returns the timings.
    #>
    param(
        [Parameter(Mandatory)] $Node,
        [int] $DiskSizeMB = 0,
        [string] $DataPath = '/var/lib/shop',
        [string] $ImagePath = '/var/tmp/releaseops-rig/image.tar',
        [string] $Image = 'releaseops-rig:latest',
        [int] $TimeoutSeconds = 30
    )
    if (-not (Test-Path $ImagePath)) { throw "$ImagePath is missing: run Install-DockerRigImage (tests/rig/build-image.sh) first." }
    $size = if ($DiskSizeMB -gt 0) { ",size=${DiskSizeMB}m" } else { '' }
    $watch = [Diagnostics.Stopwatch]::StartNew()
    $start = @'
set -eu
data=$1; size=$2; cgparent=$3$(hostname); timeout=$4
# Entering our own mount namespace resets the root to the namespace's root: under a chroot, that is somewhere else.
[ "$(stat -c %d:%i /)" = "$(nsenter --mount=/proc/self/ns/mnt stat -c %d:%i /)" ] || {
  echo "this node is a chroot, where docker exec would land in the host's /: create it with New-DockerTestNode (RELEASEOPS_SANDBOX_PIVOT_ROOT=1)" >&2; exit 3; }
# sysfs and the cgroup hierarchies (the node's root is an overlay of /, which shows neither).
mountpoint -q /sys || mount -t sysfs sysfs /sys
if ! mountpoint -q /sys/fs/cgroup; then
  if grep -q '^0::' /proc/self/cgroup && [ "$(wc -l < /proc/self/cgroup)" -eq 1 ]; then
    mount -t cgroup2 cgroup2 /sys/fs/cgroup
  else
    mount -t tmpfs -o mode=0755 cgroup /sys/fs/cgroup
    # One line per v1 hierarchy: id:controllers:path, such as 4:memory:/ or 1:name=systemd:/.
    grep -v '^0::' /proc/self/cgroup | cut -d: -f2 | while read -r ctl; do
      dir=${ctl#name=}; opts=$ctl
      case $ctl in name=*) opts=none,$ctl ;; esac
      mkdir -p "/sys/fs/cgroup/$dir"
      mount -t cgroup -o "$opts" cgroup "/sys/fs/cgroup/$dir"
    done
  fi
fi
# The engine's store and the stack's data, each on a tmpfs of the node (overlay2 cannot sit on the node's overlay).
mkdir -p /var/lib/docker "$data"
mountpoint -q /var/lib/docker || mount -t tmpfs -o mode=0711 node-docker /var/lib/docker
mountpoint -q "$data" || mount -t tmpfs -o "mode=0755$size" node-disk "$data"
# No bridge, NAT or iptables rules: the nodes share the host's network, and the stack uses network_mode: host.
# Containers' cgroups go under $cgparent, so the rig can tell each node's containers apart.
# The node's own engine settings and identity (docker info's ID comes from key.json), not the host's, if it has any.
mkdir -p /etc/docker
if ! [ -S /run/docker.sock ]; then
  rm -f /etc/docker/key.json
  echo '{}' > /etc/docker/daemon.json
  setsid dockerd --bridge=none --iptables=false --ip-masq=false --userland-proxy=false \
    --storage-driver=overlay2 --exec-opt native.cgroupdriver=cgroupfs --cgroup-parent="/$cgparent" \
    --pidfile=/run/docker.pid >/var/log/dockerd.log 2>&1 </dev/null &
fi
i=0
until docker version >/dev/null 2>&1; do
  i=$((i + 1)); [ "$i" -le $((timeout * 10)) ] || { echo "dockerd did not answer in $timeout s:" >&2; tail -n 20 /var/log/dockerd.log >&2; exit 1; }
  sleep 0.1
done
'@
    $null = Invoke-RigCommand $Node $start -ArgumentList $DataPath, $size, $script:cgroupPrefix, $TimeoutSeconds
    $started = $watch.Elapsed.TotalSeconds
    $watch.Restart()
    # The node sees the host's /var/tmp through its overlay, so the daemon imports the cached tar in place.
    $load = @'
set -eu
docker image inspect "$2" >/dev/null 2>&1 || docker import --change 'CMD ["/bin/bash"]' "$1" "$2" >/dev/null
'@
    $null = Invoke-RigCommand $Node $load -ArgumentList $ImagePath, $Image
    [pscustomobject]@{
        Node         = $Node
        DataPath     = $DataPath
        DiskSizeMB   = $DiskSizeMB
        Image        = $Image
        StartSeconds = [math]::Round($started, 2)
        LoadSeconds  = [math]::Round($watch.Elapsed.TotalSeconds, 2)
    }
}

function Install-SampleStack {
    <#
    Copies samples/stack to StackPath on the node (Copy-NodeItem, as a migration would find it) and writes the node's
    own /etc/releaseops-stack.env (ADDRESS, PORT), which is not in the stack folder. -Up starts it and waits for
    /health. Returns the stack's base URL.
    #>
    param(
        [Parameter(Mandatory)] $Node,
        [Parameter(Mandatory)] [string] $Address,
        [Parameter(Mandatory)] [int] $Port,
        [string] $StackPath = '/srv/shop',
        # The db service listens on this address too (port 5432), as logical replication needs; by default only on its socket.
        [string] $DatabaseAddress,
        [switch] $Up
    )
    if (-not ([ipaddress] $Address).ToString().StartsWith('127.')) { throw "The rig listens only on 127.0.0.0/8, not $Address." }
    $null = $Node | Copy-NodeItem -Path (Join-Path $script:repo 'samples/stack') -Destination $StackPath -ErrorAction Stop @ssh
    $null = Invoke-RigCommand $Node 'printf "ADDRESS=%s\nPORT=%s\n" "$1" "$2" > /etc/releaseops-stack.env; [ -z "$3" ] || printf "DB_ADDRESS=%s\n" "$3" >> /etc/releaseops-stack.env' -ArgumentList $Address, $Port, "$DatabaseAddress"
    $url = "http://${Address}:$Port"
    if ($Up) {
        $null = Invoke-NodeCompose $Node 'up -d' -StackPath $StackPath
        Wait-StackHealthy -Url $url
    }
    $url
}

function Invoke-NodeCompose {
    <# Runs docker-compose <Arguments> in the stack folder on the node (as the migration does); returns its output. #>
    param([Parameter(Mandatory)] $Node, [Parameter(Mandatory)] [string] $Arguments, [string] $StackPath = '/srv/shop')
    Invoke-RigCommand $Node "cd `"`$1`" && docker-compose $Arguments 2>&1" -ArgumentList $StackPath
}

function Wait-StackHealthy {
    <# Waits until GET <Url>/health answers 200 (the web service is up and reaches its database). #>
    param([Parameter(Mandatory)] [string] $Url, [int] $TimeoutSeconds = 30)
    $watch = [Diagnostics.Stopwatch]::StartNew()
    $last = $null
    while ($watch.Elapsed.TotalSeconds -lt $TimeoutSeconds) {
        try {
            $r = Invoke-WebRequest "$Url/health" -TimeoutSec 2 -SkipHttpErrorCheck
            if ($r.StatusCode -eq 200) { return }
            $last = "$($r.StatusCode) $($r.Content)"
        } catch { $last = $_.Exception.Message }
        Start-Sleep -Milliseconds 200
    }
    throw "$Url/health did not answer 200 within $TimeoutSeconds s (last: $last)"
}

function Start-LoadGenerator {
    <#
    Starts tests/rig/loadgen.py on this machine against a URL on 127.0.0.0/8 (it refuses anything else). Keys are
    <Prefix>-000001, ... ; acknowledged keys go to <Directory>/<Prefix>.acked, the summary to <Prefix>.json. Stop it
    early by creating the returned StopFile; Wait-LoadGenerator returns the summary and the acked keys.
    #>
    param(
        [Parameter(Mandatory)] [string] $Url,
        [Parameter(Mandatory)] [string] $Directory,
        [string] $Prefix = 'k',
        [double] $Rate = 20,
        [double] $Duration = 10
    )
    $null = New-Item -ItemType Directory -Path $Directory -Force
    $acked = Join-Path $Directory "$Prefix.acked"
    $summary = Join-Path $Directory "$Prefix.json"
    $stop = Join-Path $Directory "$Prefix.stop"
    $py = Join-Path $script:repo 'tests/rig/loadgen.py'
    $argList = @($py, '--url', "$Url/items", '--acked', $acked, '--prefix', $Prefix, '--rate', "$Rate", '--duration', "$Duration",
        '--stop-file', $stop, '--summary', $summary)
    $process = Start-Process -FilePath python3 -ArgumentList $argList -PassThru -RedirectStandardError (Join-Path $Directory "$Prefix.err") -RedirectStandardOutput (Join-Path $Directory "$Prefix.out")
    [pscustomobject]@{ Process = $process; AckedFile = $acked; SummaryFile = $summary; StopFile = $stop; Prefix = $Prefix }
}

function Wait-LoadGenerator {
    <# Waits for a load generator (creating its stop file first with -Stop); returns Sent, Acked, Errors, ByStatus, LongestGap (seconds between two acks), Keys. #>
    param([Parameter(Mandatory)] $Load, [switch] $Stop, [int] $TimeoutSeconds = 120)
    if ($Stop) { Set-Content -Path $Load.StopFile -Value 'stop' }
    if (-not $Load.Process.WaitForExit($TimeoutSeconds * 1000)) { $Load.Process.Kill(); throw "loadgen.py did not end within $TimeoutSeconds s" }
    if ($Load.Process.ExitCode -ne 0 -or -not (Test-Path $Load.SummaryFile)) {
        throw "loadgen.py failed: $(Get-Content -Raw ($Load.AckedFile -replace '\.acked$', '.err') -ErrorAction SilentlyContinue)"
    }
    $s = Get-Content -Raw $Load.SummaryFile | ConvertFrom-Json
    [pscustomobject]@{
        Sent     = $s.sent
        Acked    = $s.acked
        Errors   = $s.errors
        ByStatus = $s.by_status
        LongestGap = [double] $s.longest_gap
        Keys     = @(if (Test-Path $Load.AckedFile) { Get-Content $Load.AckedFile | Where-Object { $_ } })
    }
}

function Get-StackItem {
    <# The keys in the node's shop database, read straight from PostgreSQL (docker-compose exec -T db psql), not through web. #>
    param([Parameter(Mandatory)] $Node, [string] $StackPath = '/srv/shop')
    $out = Invoke-NodeCompose $Node "exec -T db psql --username=postgres -X -At -v ON_ERROR_STOP=1 -c 'SELECT key FROM items ORDER BY id' shop" -StackPath $StackPath
    @($out -split "`n" | ForEach-Object Trim | Where-Object { $_ })
}

function Get-NodeHostProcess {
    <#
    The processes of a node's PID namespace, seen from this machine (no SSH session of its own, so it can watch or
    cut a node's sessions): Id (host PID), Name (comm) and CommandLine. The namespace is read once per node.
    #>
    param([Parameter(Mandatory)] $Node)
    if (-not $script:pidNamespaces.ContainsKey($Node.Name)) { $script:pidNamespaces[$Node.Name] = Invoke-RigCommand $Node 'readlink /proc/1/ns/pid' }
    $ns = $script:pidNamespaces[$Node.Name]
    foreach ($dir in Get-ChildItem /proc -Directory -ErrorAction SilentlyContinue | Where-Object Name -Match '^\d+$') {
        try {
            if ((Get-Item "$($dir.FullName)/ns/pid" -ErrorAction Stop).Target -ne $ns) { continue }
            [pscustomobject]@{
                Id          = [int] $dir.Name
                Name        = (Get-Content "$($dir.FullName)/comm" -ErrorAction Stop).Trim()
                CommandLine = (Get-Content -Raw "$($dir.FullName)/cmdline" -ErrorAction Stop) -replace "`0", ' '
            }
        } catch { }
    }
}

function Get-DockerNodeProcess {
    <#
    The host's view of a node's Docker processes, for leak checks: dockerd, containerd and the shims (in the node's
    PID namespace) and every process in the node's container cgroups. Returns Id, Name.
    #>
    param([Parameter(Mandatory)] $Node)
    $hostName = Invoke-RigCommand $Node 'hostname'
    $ids = [Collections.Generic.HashSet[int]]::new()
    Get-NodeHostProcess $Node | Where-Object Name -Match '^(dockerd|containerd|containerd-shim.*|docker-init)$' | ForEach-Object { $null = $ids.Add($_.Id) }
    foreach ($file in Get-ChildItem "/sys/fs/cgroup/pids/$($script:cgroupPrefix)$hostName" -Recurse -Filter cgroup.procs -ErrorAction SilentlyContinue) {
        Get-Content $file.FullName | Where-Object { $_ } | ForEach-Object { $null = $ids.Add([int] $_) }
    }
    foreach ($id in $ids) {
        $name = Get-Content "/proc/$id/comm" -ErrorAction SilentlyContinue
        if ($name) { [pscustomobject]@{ Id = $id; Name = $name.Trim() } }
    }
}

function Remove-DockerNodeCgroup {
    <#
    After a node is removed: its containers' processes died with it, but cgroup v1 keeps their empty folders. Removes
    them (rmdir only: a folder with a live process in it cannot be removed, and that is an error). Returns the count.
    #>
    param([Parameter(Mandatory)] [string] $NodeName)
    $removed = 0
    foreach ($hierarchy in Get-ChildItem /sys/fs/cgroup -Directory -ErrorAction SilentlyContinue) {
        $top = Join-Path $hierarchy.FullName "$($script:cgroupPrefix)$NodeName"
        if (-not (Test-Path $top)) { continue }
        $dirs = @(Get-ChildItem $top -Directory -Recurse | Sort-Object { $_.FullName.Length } -Descending) + @(Get-Item $top)
        foreach ($d in $dirs) { & rmdir $d.FullName; if ($LASTEXITCODE -ne 0) { throw "cgroup $($d.FullName) still has processes" }; $removed++ }
    }
    $removed
}

Export-ModuleMember -Function Set-DockerFixtureContext, Install-DockerRigImage, New-DockerTestNode, Initialize-DockerNode, Install-SampleStack, Invoke-NodeCompose,
    Invoke-RigCommand, Wait-StackHealthy, Start-LoadGenerator, Wait-LoadGenerator, Get-StackItem, Get-NodeHostProcess, Get-DockerNodeProcess, Remove-DockerNodeCgroup
