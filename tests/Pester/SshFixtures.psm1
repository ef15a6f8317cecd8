# Sandbox nodes for the Pester tests: real sshd processes on 127.0.0.1, each with a root filesystem of its own.
# Every SSH cmdlet gets the test's own key, known_hosts and an empty ssh_config through $PSDefaultParameterValues,
# so the tests never read or write the real ~/.ssh.

function New-SshTestContext {
    param([Parameter(Mandatory)] [string] $Directory)
    $null = New-Item -ItemType Directory -Path $Directory -Force
    & ssh-keygen -q -t ed25519 -N '' -C 'releaseops-pester' -f (Join-Path $Directory 'id_ed25519') | Out-Null
    $config = Join-Path $Directory 'ssh_config'
    Set-Content -Path $config -Value '# empty: the tests do not read ~/.ssh/config'
    $known = Join-Path $Directory 'known_hosts'
    # Every SSH cmdlet gets the test's key, known_hosts and empty ssh_config.
    $defaults = @{
        'New-ProjectNode:PublicKey'         = Join-Path $Directory 'id_ed25519.pub'
        'New-ProjectNode:KnownHostsFile'    = $known
        'Remove-ProjectNode:KnownHostsFile' = $known
    }
    foreach ($cmdlet in 'Invoke-NodeCommand', 'Add-NodeSshKey', 'Get-NodeHistory', 'Copy-NodeItem', 'Initialize-Node', 'Add-NodeUser', 'Remove-NodeUser', 'Get-NodeUser', 'Set-NodeRedirect', 'Remove-NodeRedirect', 'Sync-NodeDatabase', 'Sync-NodeFile', 'Invoke-Migration', 'Undo-Migration', 'Resume-Migration', 'Complete-Migration', 'Deploy-ProjectStack', 'New-NodeSession') {
        $defaults["${cmdlet}:IdentityFile"] = Join-Path $Directory 'id_ed25519'
        $defaults["${cmdlet}:KnownHostsFile"] = $known
        $defaults["${cmdlet}:ConfigFile"] = $config
    }
    $script:context = [pscustomobject]@{
        Directory      = $Directory
        IdentityFile   = Join-Path $Directory 'id_ed25519'
        PublicKeyFile  = Join-Path $Directory 'id_ed25519.pub'
        KnownHostsFile = $known
        ConfigFile     = $config
        Defaults       = $defaults
    }
    $script:context
}

function New-TestNode {
    param([Parameter(Mandatory)] [string] $Client, [string] $Project = 'pester')
    # $PSDefaultParameterValues does not reach into this module's scope, so the context is passed on here.
    New-ProjectNode -Provider Sandbox -Project $Project -Client $Client -PublicKey $script:context.PublicKeyFile -KnownHostsFile $script:context.KnownHostsFile -ErrorAction Stop
}

Export-ModuleMember -Function *
