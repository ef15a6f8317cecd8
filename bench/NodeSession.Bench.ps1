<#
.SYNOPSIS
    20 sequential Invoke-NodeCommand calls on one node, over one New-NodeSession against a new connection each, and
    against OpenSSH's ssh with ControlMaster (the tool an admin would otherwise use), in the same run.
.DESCRIPTION
    Starts a sandbox node (root needed). Runs `true` 20 times in one pwsh process: without a session (a connection
    per call), with -Session (one connection), and with `ssh -o ControlMaster=auto -o ControlPersist` (one master
    connection). Prints the times and the ratio session/no-session (target: at most 0.2) and session/ssh.
#>
[CmdletBinding()]
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/ReleaseOps/ReleaseOps.psd1'),
    [int] $Calls = 20
)

$ErrorActionPreference = 'Stop'
Import-Module (Resolve-Path $ModulePath).Path
$dir = Join-Path ([IO.Path]::GetTempPath()) "releaseops-bench-session-$PID"
$null = New-Item -ItemType Directory -Path $dir
try {
    & ssh-keygen -q -t ed25519 -N '' -f "$dir/id" | Out-Null
    $known = "$dir/known_hosts"; $config = "$dir/ssh_config"; Set-Content $config '# empty'
    $node = New-ProjectNode -Provider Sandbox -Project bench -Client session -PublicKey "$dir/id.pub" -KnownHostsFile $known
    $o = @{ IdentityFile = "$dir/id"; KnownHostsFile = $known; ConfigFile = $config }
    $null = $node | Invoke-NodeCommand -Command true @o   # warm up: JIT, the first connection

    $without = Measure-Command { foreach ($i in 1..$Calls) { $null = $node | Invoke-NodeCommand -Command true @o } }
    $session = $node | New-NodeSession @o
    $with = Measure-Command { foreach ($i in 1..$Calls) { $null = Invoke-NodeCommand -Session $session -Command true } }
    $session | Remove-NodeSession

    $sshArgs = @('-F', $config, '-i', "$dir/id", '-o', "UserKnownHostsFile=$known", '-o', 'StrictHostKeyChecking=yes', '-o', 'BatchMode=yes',
        '-o', 'ControlMaster=auto', '-o', "ControlPath=$dir/cm-%C", '-o', 'ControlPersist=60', '-p', $node.Port, "root@$($node.HostName)")
    & ssh @sshArgs true
    $ssh = Measure-Command { foreach ($i in 1..$Calls) { & ssh @sshArgs true } }
    & ssh @sshArgs -O exit 2>$null

    $ratio = $with.TotalMilliseconds / $without.TotalMilliseconds
    '{0} calls of Invoke-NodeCommand on one node: {1:N0} ms with a new connection each, {2:N0} ms over one session; ratio {3:N2} (target at most 0.20)' -f $Calls, $without.TotalMilliseconds, $with.TotalMilliseconds, $ratio
    '{0} calls of ssh with ControlMaster over one master connection: {1:N0} ms; session/ssh ratio {2:N2}' -f $Calls, $ssh.TotalMilliseconds, ($with.TotalMilliseconds / $ssh.TotalMilliseconds)
}
finally {
    Get-ProjectNode -Provider Sandbox -Project bench | Where-Object Name -EQ 'bench-session' | Remove-ProjectNode -Force -KnownHostsFile "$dir/known_hosts" -ErrorAction SilentlyContinue
    Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue
}
