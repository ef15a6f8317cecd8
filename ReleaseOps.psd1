@{
    # PowerShell 7.4+ loads the net8.0 cmdlets directly: a script root module costs about 150 ms at every start.
    # Windows PowerShell 5.1 imports desktop/ReleaseOps.psd1 by path (README, "Loading next to other modules").
    RootModule           = 'core/ReleaseOps.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '5b0e6f7e-3c1d-4a53-9a7e-7f2d8a4c1e90'
    Author               = 'Countable Web Productions, operations team'
    CompanyName          = 'Countable Web Productions Inc.'
    Copyright            = '(c) 2026 Countable Web Productions Inc. MIT License.'
    Description          = 'Release management and server process automation: git flow releases, nodes on DigitalOcean, AWS, Scaleway and client servers, SSH bootstrap, direct access, and migrations.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    # The pipeline types: one netstandard2.0 assembly for both editions, loaded in PowerShell's default context.
    RequiredAssemblies   = @('ReleaseOps.Model.dll')
    FormatsToProcess     = @('ReleaseOps.Format.ps1xml')
    CmdletsToExport      = @(
        'Add-NodeSshKey'
        'Add-NodeUser'
        'Complete-Hotfix'
        'Complete-Migration'
        'Copy-NodeItem'
        'Deploy-ProjectStack'
        'Enter-DirectNode'
        'Export-AnsibleInventory'
        'Export-AnsiblePlaybook'
        'Export-ReleaseReport'
        'Export-TerraformConfiguration'
        'Get-DnsRecord'
        'Get-JenkinsBuild'
        'Get-Migration'
        'Get-NodeHistory'
        'Get-NodeSnapshot'
        'Get-NodeUser'
        'Get-ProjectNode'
        'Get-Release'
        'Get-ReleaseMetrics'
        'Get-ReleaseOpsProject'
        'Get-ReleaseOpsConfiguration'
        'Set-ReleaseOpsConfiguration'
        'Initialize-Node'
        'Invoke-JenkinsJob'
        'Invoke-Migration'
        'Invoke-NodeCommand'
        'New-NodeSnapshot'
        'New-FeatureBranch'
        'New-NodeSession'
        'Get-NodeSession'
        'Remove-NodeSession'
        'New-ProjectNode'
        'Register-ReleaseSchedule'
        'Remove-NodeRedirect'
        'Remove-NodeUser'
        'Remove-ProjectNode'
        'Resolve-DirectHostName'
        'Resume-Migration'
        'Select-HostingProvider'
        'Set-DnsRecord'
        'Set-NodeRedirect'
        'Start-Hotfix'
        'Start-Release'
        'Sync-NodeDatabase'
        'Sync-NodeFile'
        'Test-DnsRecord'
        'Test-ReleaseOpsEnvironment'
        'Test-ReleasePolicy'
        'Undo-Migration'
        'Unregister-ReleaseSchedule'
    )
    FunctionsToExport    = @()
    # Nouns are singular; the cmdlet's earlier plural name stays as an alias.
    AliasesToExport      = @('Sync-NodeFiles')
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags       = @('release', 'gitflow', 'ssh', 'devops', 'digitalocean', 'aws', 'scaleway', 'migration')
            ProjectUri   = 'https://github.com/countable-web/releaseops'
            LicenseUri   = 'https://github.com/countable-web/releaseops/blob/main/LICENSE'
            ReleaseNotes = 'Safety: no root through planted links, team accounts only, hardening checked with sshd -T, tokens kept off nodes, checked sync paths with a deletion cap, one run at a time per database and migration (SECURITY.md). Provider requests checked against the providers'' published specifications. Failures honour -ErrorAction; no prompt where nobody can answer. Installable as a package.'
        }
    }
}
