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
    $script:context = [pscustomobject]@{
        Directory      = $Directory
        IdentityFile   = Join-Path $Directory 'id_ed25519'
        PublicKeyFile  = Join-Path $Directory 'id_ed25519.pub'
        KnownHostsFile = $known
        ConfigFile     = $config
        Defaults       = @{
            'Invoke-NodeCommand:IdentityFile'   = Join-Path $Directory 'id_ed25519'
            'Invoke-NodeCommand:KnownHostsFile' = $known
            'Invoke-NodeCommand:ConfigFile'     = $config
            'Add-NodeSshKey:IdentityFile'       = Join-Path $Directory 'id_ed25519'
            'Add-NodeSshKey:KnownHostsFile'     = $known
            'Add-NodeSshKey:ConfigFile'         = $config
            'Get-NodeHistory:IdentityFile'      = Join-Path $Directory 'id_ed25519'
            'Get-NodeHistory:KnownHostsFile'    = $known
            'Get-NodeHistory:ConfigFile'        = $config
            'Copy-NodeItem:IdentityFile'        = Join-Path $Directory 'id_ed25519'
            'Copy-NodeItem:KnownHostsFile'      = $known
            'Copy-NodeItem:ConfigFile'          = $config
            'Initialize-Node:IdentityFile'    = Join-Path $Directory 'id_ed25519'
            'Initialize-Node:KnownHostsFile'  = $known
            'Initialize-Node:ConfigFile'      = $config
            'Add-NodeUser:IdentityFile'    = Join-Path $Directory 'id_ed25519'
            'Add-NodeUser:KnownHostsFile'  = $known
            'Add-NodeUser:ConfigFile'      = $config
            'Remove-NodeUser:IdentityFile'    = Join-Path $Directory 'id_ed25519'
            'Remove-NodeUser:KnownHostsFile'  = $known
            'Remove-NodeUser:ConfigFile'      = $config
            'Get-NodeUser:IdentityFile'    = Join-Path $Directory 'id_ed25519'
            'Get-NodeUser:KnownHostsFile'  = $known
            'Get-NodeUser:ConfigFile'      = $config
            'New-ProjectNode:PublicKey'         = Join-Path $Directory 'id_ed25519.pub'
            'New-ProjectNode:KnownHostsFile'    = $known
            'Remove-ProjectNode:KnownHostsFile' = $known
        }
    }
    $script:context
}

function New-TestNode {
    param([Parameter(Mandatory)] [string] $Client, [string] $Project = 'pester')
    # $PSDefaultParameterValues does not reach into this module's scope, so the context is passed on here.
    New-ProjectNode -Provider Sandbox -Project $Project -Client $Client -PublicKey $script:context.PublicKeyFile -KnownHostsFile $script:context.KnownHostsFile -ErrorAction Stop
}

Export-ModuleMember -Function *
