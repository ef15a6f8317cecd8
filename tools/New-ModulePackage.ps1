<#
.SYNOPSIS
    Writes ReleaseOps.<version>.nupkg from a built module folder.
.DESCRIPTION
    Uses Compress-PSResource (Microsoft.PowerShell.PSResourceGet, shipped with PowerShell 7.4 and later), which checks
    the manifest as publishing does and writes the package that Install-PSResource and Install-Module install from a
    folder repository (or that Publish-PSResource sends to a gallery). No repository is registered or touched.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $OutputDirectory
)
$ErrorActionPreference = 'Stop'
$manifest = Import-PowerShellDataFile (Join-Path $ModulePath 'ReleaseOps.psd1')
$null = New-Item -ItemType Directory -Path $OutputDirectory -Force
$package = Join-Path $OutputDirectory "ReleaseOps.$($manifest.ModuleVersion).nupkg"
if (Test-Path $package) { Remove-Item $package }
Import-Module Microsoft.PowerShell.PSResourceGet
Compress-PSResource -Path $ModulePath -DestinationPath $OutputDirectory
if (-not (Test-Path $package)) { throw "Compress-PSResource did not write $package." }
Write-Host "Packaged $package"
