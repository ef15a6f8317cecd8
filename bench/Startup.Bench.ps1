<#
.SYNOPSIS
    What importing ReleaseOps and running a first cmdlet costs over a bare pwsh start, as whole processes.
.DESCRIPTION
    Runs, -Runs times each and alternating: `pwsh -NoProfile -Command exit` (the baseline an admin pays anyway), and
    `pwsh -NoProfile -Command "Import-Module ReleaseOps; Resolve-DirectHostName cryptsend.io"`. Prints the medians, the
    difference (target: at most 100 ms) and the ratio.
#>
[CmdletBinding()]
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/ReleaseOps/ReleaseOps.psd1'),
    [int] $Runs = 5
)

$ErrorActionPreference = 'Stop'
$module = (Resolve-Path $ModulePath).Path
$pwsh = Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')
function Measure-Process([string] $Command) {
    $watch = [Diagnostics.Stopwatch]::StartNew()
    & $pwsh -NoProfile -NonInteractive -Command $Command | Out-Null
    if ($LASTEXITCODE) { throw "pwsh exited with $LASTEXITCODE for: $Command" }
    $watch.Elapsed.TotalMilliseconds
}
$bare = [Collections.Generic.List[double]]::new(); $with = [Collections.Generic.List[double]]::new()
$null = Measure-Process 'exit'   # warm the file cache
for ($i = 0; $i -lt $Runs; $i++) {
    $bare.Add((Measure-Process 'exit'))
    $with.Add((Measure-Process "Import-Module '$module'; `$null = Resolve-DirectHostName cryptsend.io"))
}
function Median($xs) { $s = @($xs | Sort-Object); $s[[int][Math]::Floor($s.Count / 2)] }
$b = Median $bare; $w = Median $with
'pwsh alone: {0:N0} ms; import and a first cmdlet: {1:N0} ms; the module costs {2:N0} ms (target at most 100 ms), ratio {3:N2} (medians of {4})' -f $b, $w, ($w - $b), ($w / $b), $Runs
