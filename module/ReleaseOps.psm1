# Picks the build for this edition: core/ (net8.0) on PowerShell 7.4+, desktop/ (net472) on Windows PowerShell 5.1.
# The binary's module initializer then loads the engine and its dependencies from <edition>/deps, isolated from
# other modules' copies of SSH.NET, the AWS SDK and LibGit2Sharp.
$edition = if ($PSEdition -eq 'Core') { 'core' } else { 'desktop' }
if ($PSEdition -eq 'Core' -and $PSVersionTable.PSVersion -lt [version]'7.4') {
    throw "ReleaseOps needs PowerShell 7.4 or later (this is $($PSVersionTable.PSVersion)), or Windows PowerShell 5.1."
}

$binary = Import-Module -Name (Join-Path $PSScriptRoot "$edition/ReleaseOps.dll") -PassThru -ErrorAction Stop
Export-ModuleMember -Cmdlet @($binary.ExportedCmdlets.Keys)
