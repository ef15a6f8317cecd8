<#
.SYNOPSIS
    Fan-out past one machine: Invoke-NodeCommand against ansible at 50, 200 and 500 sandbox nodes, in one run.
.DESCRIPTION
    Starts max(-Counts) sandbox nodes (real sshd on 127.0.0.1, root needed) and writes them as an Ansible inventory
    with Export-AnsibleInventory (the dynamic inventory script, as AWX or a Jenkins agent would use it). For each
    count it runs `uname -a` on that many nodes with both tools, the same key, known_hosts (host keys checked), an
    empty ssh_config and the same parallelism (-Parallel, capped at the count): Invoke-NodeCommand -ThrottleLimit P
    and `ansible -f P -m command`. Every tool must succeed on every node. After one untimed warm-up round at the
    smallest count, it prints the wall time of each tool (best of -Rounds), the time per node, and the ratio.
    The README's "Past one machine" turns these numbers into the crossover.
#>
[CmdletBinding()]
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/ReleaseOps/ReleaseOps.psd1'),
    [int[]] $Counts = @(50, 200, 500),
    # ansible forks one Python process per parallel host; 50 keeps its memory near 3 GB on the shared machine.
    [int] $Parallel = 50,
    [int] $Rounds = 1
)

$ErrorActionPreference = 'Stop'
Import-Module (Resolve-Path $ModulePath).Path
if (-not (Get-Command ansible -CommandType Application -ErrorAction SilentlyContinue)) { throw 'ansible is missing: apt-get install ansible' }

$dir = Join-Path ([System.IO.Path]::GetTempPath()) "releaseops-fanout-$PID"
$null = New-Item -ItemType Directory -Path $dir
& ssh-keygen -q -t ed25519 -N '' -f "$dir/id_ed25519" | Out-Null
$config = "$dir/ssh_config"; Set-Content $config '# empty'
$known = "$dir/known_hosts"
$env:ANSIBLE_CONFIG = "$dir/ansible.cfg"
Set-Content $env:ANSIBLE_CONFIG "[defaults]`nhost_key_checking = True`ninterpreter_python = auto_silent`nlocal_tmp = $dir/ansible-tmp`n"
$env:ANSIBLE_NOCOLOR = '1'
$sshArgs = "-F $config -o UserKnownHostsFile=$known -o StrictHostKeyChecking=yes -o BatchMode=yes -o IdentitiesOnly=yes"
$max = ($Counts | Measure-Object -Maximum).Maximum
$nodes = @()
try {
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    $nodes = @(1..$max | ForEach-Object { New-ProjectNode -Provider Sandbox -Project fanout -Client "n$_" -PublicKey "$dir/id_ed25519.pub" -KnownHostsFile $known })
    Write-Host ("Started {0} sandbox nodes in {1:N1} s" -f $max, $watch.Elapsed.TotalSeconds)

    $results = foreach ($count in $Counts | Sort-Object) {
        $subset = $nodes[0..($count - 1)]
        $inventory = Join-Path $dir "inventory-$count"
        $null = $subset | Export-AnsibleInventory -Path $inventory -ConfigFile $config
        $p = [Math]::Min($Parallel, $count)
        $tools = [ordered]@{
            'Invoke-NodeCommand' = {
                $r = $subset | Invoke-NodeCommand -Command 'uname -a' -ThrottleLimit $p -IdentityFile "$dir/id_ed25519" -KnownHostsFile $known -ConfigFile $config
                @($r | Where-Object Succeeded).Count
            }
            'ansible'            = {
                $out = & ansible all -i "$inventory/inventory.py" -m command -a 'uname -a' -f $p --private-key "$dir/id_ed25519" --ssh-common-args $sshArgs 2>&1
                @($out | Where-Object { $_ -match '\| CHANGED \| rc=0' }).Count
            }
        }
        if ($count -eq ($Counts | Measure-Object -Minimum).Minimum) {
            foreach ($name in $tools.Keys) {
                $ok = & $tools[$name]
                if ($ok -ne $count) { throw "$name succeeded on $ok of $count nodes (warm-up)." }
            }
        }

        $best = [ordered]@{}
        foreach ($round in 1..$Rounds) {
            foreach ($name in $tools.Keys) {
                $ok = 0
                $t = Measure-Command { $ok = & $tools[$name] }
                if ($ok -ne $count) { throw "$name succeeded on $ok of $count nodes." }
                if (-not $best.Contains($name) -or $t.TotalMilliseconds -lt $best[$name]) { $best[$name] = $t.TotalMilliseconds }
                Write-Host ("  {0} nodes, round {1}: {2,-18} {3,8:N0} ms" -f $count, $round, $name, $t.TotalMilliseconds)
            }
        }

        [pscustomobject]@{
            Nodes = $count; Parallel = $p
            InvokeNodeCommandMs = [Math]::Round($best['Invoke-NodeCommand']); AnsibleMs = [Math]::Round($best['ansible'])
            InvokeMsPerNode = [Math]::Round($best['Invoke-NodeCommand'] / $count, 1); AnsibleMsPerNode = [Math]::Round($best['ansible'] / $count, 1)
            Ratio = [Math]::Round($best['Invoke-NodeCommand'] / $best['ansible'], 3)
        }
    }
    $results | Format-Table -AutoSize | Out-String -Width 200 | Write-Host
    foreach ($r in $results) {
        '{0} nodes, parallel {1}: Invoke-NodeCommand {2:N0} ms, ansible {3:N0} ms, ratio {4:N3} (Invoke-NodeCommand / ansible)' -f $r.Nodes, $r.Parallel, $r.InvokeNodeCommandMs, $r.AnsibleMs, $r.Ratio
    }
}
finally {
    $nodes | Remove-ProjectNode -Force -KnownHostsFile $known
    Remove-Item env:ANSIBLE_CONFIG, env:ANSIBLE_NOCOLOR -ErrorAction SilentlyContinue
    Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue
}
