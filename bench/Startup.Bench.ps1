<#
.SYNOPSIS
    What importing ReleaseOps and running a first cmdlet costs over a bare pwsh start, as whole processes.
.DESCRIPTION
    Runs, -Runs times each and alternating: a bare `pwsh -NoProfile` (the baseline an admin pays anyway), and
    `pwsh -NoProfile -Command "Import-Module ReleaseOps; Resolve-DirectHostName cryptsend.io"`. Prints the medians of
    the wall time and of the CPU time each process used (its own count, read as it ends), the differences (target:
    at most 100 ms) and the ratio. The CPU figure is the one to trust on a busy machine: other work stretches the
    wall time, not the CPU a process needs.

    -CompareModulePath runs a second module the same way in the same run (for example a build of an older commit).
#>
[CmdletBinding()]
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/ReleaseOps/ReleaseOps.psd1'),
    [string] $CompareModulePath,
    [int] $Runs = 7
)

$ErrorActionPreference = 'Stop'
$pwsh = Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')
$cpu = '[int][Diagnostics.Process]::GetCurrentProcess().TotalProcessorTime.TotalMilliseconds'
function Measure-Process([string] $Command) {
    $watch = [Diagnostics.Stopwatch]::StartNew()
    $out = & $pwsh -NoProfile -NonInteractive -Command "$Command; $cpu"
    if ($LASTEXITCODE) { throw "pwsh exited with $LASTEXITCODE for: $Command" }
    [pscustomobject]@{ Wall = $watch.Elapsed.TotalMilliseconds; Cpu = [double]@($out)[-1] }
}
function Median($xs) { $s = @($xs | Sort-Object); $s[[int][Math]::Floor($s.Count / 2)] }

$cases = [ordered]@{ 'pwsh alone' = '$null = 0' }
$cases['ReleaseOps'] = "Import-Module '$((Resolve-Path $ModulePath).Path)'; `$null = Resolve-DirectHostName cryptsend.io"
if ($CompareModulePath) { $cases['compared'] = "Import-Module '$((Resolve-Path $CompareModulePath).Path)'; `$null = Resolve-DirectHostName cryptsend.io" }
$samples = @{}; foreach ($name in $cases.Keys) { $samples[$name] = [Collections.Generic.List[object]]::new() }
$null = Measure-Process '$null = 0'   # warm the file cache
for ($i = 0; $i -lt $Runs; $i++) {
    foreach ($name in $cases.Keys) { $samples[$name].Add((Measure-Process $cases[$name])) }
}
$base = $samples['pwsh alone']
$bw = Median $base.Wall; $bc = Median $base.Cpu
foreach ($name in $cases.Keys) {
    $w = Median $samples[$name].Wall; $c = Median $samples[$name].Cpu
    if ($name -eq 'pwsh alone') { '{0}: {1:N0} ms wall, {2:N0} ms CPU' -f $name, $w, $c; continue }
    '{0}, import and a first cmdlet: {1:N0} ms wall (+{2:N0} ms, ratio {3:N2}), {4:N0} ms CPU (+{5:N0} ms, ratio {6:N2}); target at most +100 ms' -f `
        $name, $w, ($w - $bw), ($w / $bw), $c, ($c - $bc), ($c / $bc)
}
"(medians of $Runs, alternating)"
