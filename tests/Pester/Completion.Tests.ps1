# Tab completion where it matters, through PowerShell's own completion engine (TabExpansion2), as a user sees it.
BeforeAll {
    Import-Module $env:RELEASEOPS_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'MigrationFixtures.psm1') -Force
    function Complete([string] $Line) { (TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches.CompletionText }
    $script:config = Join-Path $TestDrive 'ssh_config'
    $script:included = Join-Path $TestDrive 'more.conf'
    Set-Content $included "Host web-included`n  HostName 127.0.0.9"
    Set-Content $config "Include $included`nHost web1 web2 !web3`n  HostName 127.0.0.1`nHost *.internal db?`n  User admin`nHost backup`n  Port 2222"
    $env:RELEASEOPS_MIGRATIONS = Join-Path $TestDrive 'migrations'
}

AfterAll { Remove-Item env:RELEASEOPS_MIGRATIONS -ErrorAction SilentlyContinue }

Describe 'Tab completion' {
    It '-HostName completes the Host aliases of ssh_config (included files too), never a pattern' {
        $all = Complete "Invoke-NodeCommand -ConfigFile '$config' -HostName "
        $all | Should -Be @('web-included', 'web1', 'web2', 'backup')
        Complete "Invoke-NodeCommand -ConfigFile '$config' -HostName we" | Should -Be @('web-included', 'web1', 'web2')
        Complete "Enter-DirectNode -ConfigFile '$config' -HostName ba" | Should -Be 'backup'
    }

    It '-Id completes migration ids, and -Project the projects this machine knows' {
        New-TestMigration -Id 'shop-20261201-101010' -Status Completed | Out-Null
        New-TestMigration -Id 'kmc-20261202-090000' -Status Failed | Out-Null
        Complete 'Resume-Migration -Id ' | Should -Be @('shop-20261201-101010', 'kmc-20261202-090000')
        Complete 'Get-Migration -Project shop -Id ' | Should -Be 'shop-20261201-101010'
        Complete 'Get-Migration -Project ' | Should -Be @('kmc', 'shop')
    }

    It 'DNS -Type offers the record types, and refuses others' {
        Complete 'Set-DnsRecord -Type C' | Sort-Object | Should -Be @('CAA', 'CNAME')
        { Test-DnsRecord -Zone example.com -Name www -Type BOGUS -Expected 192.0.2.1 -ErrorAction Stop } | Should -Throw -ErrorId 'ParameterArgumentValidationError,ReleaseOps.Commands.TestDnsRecordCommand'
    }

    It '-Region and -Size complete from what the provider listed last time, without asking it again' {
        Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
        $saved = $env:XDG_CACHE_HOME
        $env:XDG_CACHE_HOME = Join-Path $TestDrive 'cache'
        $cloud = Start-FakeCloud
        try {
            Complete 'New-ProjectNode -Provider DigitalOcean -Size s-' | Should -BeNullOrEmpty
            Set-FakeCloudEnvironment -Fake $cloud
            & ssh-keygen -q -t ed25519 -N '' -f (Join-Path $TestDrive 'cat') | Out-Null
            $null = New-ProjectNode -Provider DigitalOcean -Project catalog -PublicKey (Join-Path $TestDrive 'cat.pub') -NoSshWait -KnownHostsFile (Join-Path $TestDrive 'cat_known') -ErrorAction Stop
            Clear-FakeCloudEnvironment
            $sizes = Complete 'New-ProjectNode -Provider DigitalOcean -Size s-'
            $sizes | Should -Not -BeNullOrEmpty
            $sizes | ForEach-Object { $_ | Should -BeLike 's-*' }
            Complete 'New-ProjectNode -Provider DigitalOcean -Region to' | Should -Contain 'tor1'
            Complete 'New-ProjectNode -Provider Scaleway -Size s-' | Should -BeNullOrEmpty
        }
        finally {
            Clear-FakeCloudEnvironment
            Stop-FakeCloud -Fake $cloud
            $env:XDG_CACHE_HOME = $saved
        }
    }
}
