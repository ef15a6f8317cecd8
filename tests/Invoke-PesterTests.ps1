<#
.SYNOPSIS
    Runs the Pester 5 tests against the built module, in this (fresh, -NoProfile -NonInteractive) process.
.DESCRIPTION
    build.ps1 Test starts this script. Pester 5.7.1 comes from the NuGet cache (tests/TestDependencies restores it).
    The counts go to -SummaryPath as JSON for build.ps1's closing line.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $SummaryPath,
    [string] $Filter = '*'
)

$ErrorActionPreference = 'Stop'
$packages = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path $HOME '.nuget/packages' }
$pester = Join-Path $packages 'pester/5.7.1/tools/Pester.psd1'
if (-not (Test-Path $pester)) { throw "Pester 5.7.1 is not in $packages; run: dotnet restore tests/TestDependencies" }
Import-Module $pester -Force

$env:RELEASEOPS_MODULE = (Resolve-Path $ModulePath).Path
$env:RELEASEOPS_NUGET_PACKAGES = $packages
$files = Get-ChildItem (Join-Path $PSScriptRoot 'Pester') -Filter '*.Tests.ps1' | Where-Object Name -Like "$Filter*"

$config = New-PesterConfiguration
$config.Run.Path = @($files.FullName)
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Detailed'
$config.Output.RenderMode = 'Plaintext'
$config.TestResult.Enabled = $true
$config.TestResult.OutputPath = Join-Path (Split-Path $SummaryPath) 'pester.xml'
$config.TestResult.OutputFormat = 'JUnitXml'
$result = Invoke-Pester -Configuration $config

[pscustomobject]@{
    Passed          = $result.PassedCount
    Failed          = $result.FailedCount
    Skipped         = $result.SkippedCount
    NotRun          = $result.NotRunCount
    ContainerFailed = $result.FailedContainersCount
} | ConvertTo-Json | Set-Content -Path $SummaryPath
