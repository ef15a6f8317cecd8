<#
.SYNOPSIS
    Resolve-DirectHostName against the sed one-liner that admins would otherwise keep in a script.
.DESCRIPTION
    Both map the same generated names (own-domain names, client sites, www names) in the same run. The sed
    version handles only the two basic rules (no IDN, no validation, no idempotence). Prints the times and the
    ratio ReleaseOps / sed; the target is a ratio of at most 3.
#>
[CmdletBinding()]
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/ReleaseOps/ReleaseOps.psd1'),
    [int] $Count = 20000,
    [int] $Rounds = 3,
    [double] $Target = 3.0
)

$ErrorActionPreference = 'Stop'
Import-Module (Resolve-Path $ModulePath).Path
$names = foreach ($i in 1..$Count) {
    switch ($i % 3) { 0 { "app$i.countable.ca" } 1 { "site$i.example.com" } 2 { "www.shop$i.example.org" } }
}
$file = [System.IO.Path]::GetTempFileName()
Set-Content -Path $file -Value $names
$sed = 's/^www\.//; /\.countable\.ca$/ { s/^([^.]+)\./\1-direct./; b }; s/^/direct./'

$check = @(& sed -E $sed $file)
$ours = @(Resolve-DirectHostName -HostName $names).DirectHostName
if (Compare-Object $check $ours) { throw 'The two tools disagree on the generated names.' }

$best = @{ ours = [double]::MaxValue; sed = [double]::MaxValue }
foreach ($r in 1..$Rounds) {
    $t = Measure-Command { $null = Resolve-DirectHostName -HostName $names }
    $best.ours = [Math]::Min($best.ours, $t.TotalMilliseconds)
    $t = Measure-Command { $null = & sed -E $sed $file }
    $best.sed = [Math]::Min($best.sed, $t.TotalMilliseconds)
}
Remove-Item $file
$ratio = $best.ours / $best.sed
'{0} names, best of {1}: Resolve-DirectHostName {2:N0} ms, sed -E {3:N0} ms, ratio {4:N2} (target <= {5}) {6}' -f `
    $Count, $Rounds, $best.ours, $best.sed, $ratio, $Target, $(if ($ratio -le $Target) { 'MET' } else { 'MISSED' })
