<#
.SYNOPSIS
    uname -a on many sandbox nodes: Invoke-NodeCommand against parallel-ssh and ansible, in the same run.
.DESCRIPTION
    Starts -Count sandbox nodes (real sshd on 127.0.0.1, root needed), then runs the same command on all of them
    three ways, each with full fan-out and the same key, known_hosts (Strict) and an empty ssh_config:
      - Invoke-NodeCommand -ThrottleLimit Count
      - parallel-ssh -p Count (Debian's pssh)
      - ansible all -m command -f Count
    Every tool must succeed on every node. After -Warmup untimed rounds, prints the wall times (best of -Rounds) and
    the ratios; the targets are at most 0.5 times pssh and at most 0.1 times ansible.
#>
[CmdletBinding()]
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/ReleaseOps/ReleaseOps.psd1'),
    [int] $Count = 50,
    [int] $Rounds = 3,
    # Untimed rounds first, for every tool alike: .NET compiles on first use, Python writes its bytecode cache.
    [int] $Warmup = 1,
    [switch] $SkipAnsible
)

$ErrorActionPreference = 'Stop'
Import-Module (Resolve-Path $ModulePath).Path
foreach ($tool in 'parallel-ssh', 'ansible') {
    if (-not (Get-Command $tool -ErrorAction SilentlyContinue) -and -not ($tool -eq 'ansible' -and $SkipAnsible)) {
        throw "$tool is missing: apt-get install pssh ansible"
    }
}

$dir = Join-Path ([System.IO.Path]::GetTempPath()) "releaseops-bench-$PID"
$null = New-Item -ItemType Directory -Path $dir
& ssh-keygen -q -t ed25519 -N '' -f "$dir/id_ed25519" | Out-Null
$config = "$dir/ssh_config"; Set-Content $config '# empty'
$known = "$dir/known_hosts"
$nodes = @()
try {
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    $nodes = 1..$Count | ForEach-Object { New-ProjectNode -Provider Sandbox -Project bench -Client "n$_" -PublicKey "$dir/id_ed25519.pub" -KnownHostsFile $known }
    Write-Host ("Started {0} sandbox nodes in {1:N1} s" -f $Count, $watch.Elapsed.TotalSeconds)

    $nodes | ForEach-Object { "root@127.0.0.1:$($_.Port)" } | Set-Content "$dir/pssh_hosts"
    $i = 0; $nodes | ForEach-Object { $i++; "node$i ansible_host=127.0.0.1 ansible_port=$($_.Port) ansible_user=root" } | Set-Content "$dir/inventory"
    $sshArgs = "-F $config -o UserKnownHostsFile=$known -o StrictHostKeyChecking=yes -o BatchMode=yes"

    $tools = [ordered]@{
        'Invoke-NodeCommand' = {
            $r = $nodes | Invoke-NodeCommand -Command 'uname -a' -ThrottleLimit $Count -IdentityFile "$dir/id_ed25519" -KnownHostsFile $known -ConfigFile $config
            @($r | Where-Object Succeeded).Count
        }
        'parallel-ssh'       = {
            $out = & parallel-ssh -h "$dir/pssh_hosts" -p $Count -t 120 -i -x "-i $dir/id_ed25519 $sshArgs" uname -a 2>&1
            @($out | Where-Object { $_ -match '\[SUCCESS\]' }).Count
        }
    }
    if (-not $SkipAnsible) {
        $tools['ansible'] = {
            $env:ANSIBLE_HOST_KEY_CHECKING = 'True'; $env:ANSIBLE_PYTHON_INTERPRETER = 'auto_silent'; $env:ANSIBLE_NOCOLOR = '1'
            $out = & ansible all -i "$dir/inventory" -m command -a 'uname -a' -f $Count --private-key "$dir/id_ed25519" --ssh-extra-args $sshArgs 2>&1
            @($out | Where-Object { $_ -match '\| CHANGED \| rc=0' }).Count
        }
    }

    foreach ($round in 1..$Warmup) {
        foreach ($name in $tools.Keys) {
            $ok = & $tools[$name]
            if ($ok -ne $Count) { throw "$name succeeded on $ok of $Count nodes (warm-up)." }
        }
    }

    $best = [ordered]@{}
    foreach ($round in 1..$Rounds) {
        foreach ($name in $tools.Keys) {
            $ok = 0
            $t = Measure-Command { $ok = & $tools[$name] }
            if ($ok -ne $Count) { throw "$name succeeded on $ok of $Count nodes." }
            if (-not $best.Contains($name) -or $t.TotalMilliseconds -lt $best[$name]) { $best[$name] = $t.TotalMilliseconds }
            Write-Host ("  round {0}: {1,-18} {2,8:N0} ms" -f $round, $name, $t.TotalMilliseconds)
        }
    }

    $ours = $best['Invoke-NodeCommand']
    $vsPssh = $ours / $best['parallel-ssh']
    '{0} nodes, best of {1}: Invoke-NodeCommand {2:N0} ms, parallel-ssh {3:N0} ms, ratio {4:N3} (target <= 0.5) {5}' -f `
        $Count, $Rounds, $ours, $best['parallel-ssh'], $vsPssh, $(if ($vsPssh -le 0.5) { 'MET' } else { 'MISSED' })
    if ($best.Contains('ansible')) {
        $vsAnsible = $ours / $best['ansible']
        '{0} nodes, best of {1}: Invoke-NodeCommand {2:N0} ms, ansible {3:N0} ms, ratio {4:N3} (target <= 0.1) {5}' -f `
            $Count, $Rounds, $ours, $best['ansible'], $vsAnsible, $(if ($vsAnsible -le 0.1) { 'MET' } else { 'MISSED' })
    }
}
finally {
    $nodes | Remove-ProjectNode -Force -KnownHostsFile $known
    Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue
}
