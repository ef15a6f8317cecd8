<#
.SYNOPSIS
    The README's main job: ReleaseOps's first cmdlets at work on sample input.
.DESCRIPTION
    Imports the module built at out/ReleaseOps, then shows the provider rules deciding for a CSV of projects, the
    direct names of their sites, and a project's release settings read from a scratch repository.
    The release flow (Start-Release) replaces this demo when it lands.
#>
[CmdletBinding()]
param([string] $ModulePath = (Join-Path $PSScriptRoot '../out/ReleaseOps/ReleaseOps.psd1'))

$ErrorActionPreference = 'Stop'
Import-Module $ModulePath

Write-Host "`n== Which provider hosts each project (the process (docs/process.md), 'Providers')" -ForegroundColor Cyan
$projects = Import-Csv (Join-Path $PSScriptRoot 'projects.csv')
$projects | Select-HostingProvider | Format-Table Project, Provider, Region, Rule, Reason -Wrap | Out-Host

Write-Host "== The direct names that reach each project's node" -ForegroundColor Cyan
$projects | Resolve-DirectHostName | Out-Host

Write-Host "== A project's release settings, from releaseops.psd1 in its repository" -ForegroundColor Cyan
$repo = Join-Path ([System.IO.Path]::GetTempPath()) "releaseops-demo-$PID"
$null = New-Item -ItemType Directory -Path "$repo/.git" -Force
Copy-Item (Join-Path $PSScriptRoot 'releaseops.psd1') $repo
try {
    Get-ReleaseOpsProject -Path $repo | Format-List Slug, DevelopBranch, ReleaseBranch, StagingNodes, ProductionNodes, Provider, Region, EndToEndTestCommand | Out-Host
}
finally {
    Remove-Item $repo -Recurse -Force
}

Write-Host "== A mistake is an error with a stable id and a fix" -ForegroundColor Cyan
try { Select-HostingProvider -Project kmc -AwsOnlyService Cognito -DataResidency Canada -ErrorAction Stop }
catch { Write-Host "$($_.FullyQualifiedErrorId)`n  $($_.Exception.Message)`n  Fix: $($_.ErrorDetails.RecommendedAction)" }
