# Complete-Migration from journals alone: the old node is a client's server in the register (so "deleting" it means
# forgetting it, and no cloud is reached), the week is the journal's DeleteAfter.
BeforeAll {
    Import-Module $env:RELEASEOPS_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'MigrationFixtures.psm1') -Force
    $env:RELEASEOPS_MIGRATIONS = Join-Path $TestDrive 'migrations'
    $env:RELEASEOPS_NODE_REGISTRY = Join-Path $TestDrive 'client-nodes.json'
    $script:known = Join-Path $TestDrive 'known_hosts'
    function New-OldNode([string] $Client) {
        New-ProjectNode -Provider Client -Project shop -Client $Client -Address 127.0.0.98 -NoSshWait -KnownHostsFile $known -ErrorAction Stop
    }
}

AfterAll {
    Remove-Item env:RELEASEOPS_MIGRATIONS, env:RELEASEOPS_NODE_REGISTRY -ErrorAction SilentlyContinue
}

Describe 'Complete-Migration' {
    It 'forgets the old node once its week is over, and closes the migration' {
        $node = New-OldNode done
        $null = New-TestMigration -Id shop-20261101-100000 -Status Completed -DeleteAfter ([datetimeoffset]::UtcNow.AddDays(-1)) -SourceNode $node
        $m = Complete-Migration -Id shop-20261101-100000 -Force -KnownHostsFile $known -ErrorAction Stop
        $m.Status | Should -Be 'Closed'
        $m.OldNodeRemoved | Should -BeGreaterThan ([datetimeoffset]::UtcNow.AddMinutes(-1))
        (Get-Migration -Id shop-20261101-100000).Status | Should -Be 'Closed'
        @(Get-ProjectNode -Provider Client -Project shop-done).Count | Should -Be 0
        # Again: a closed migration is left as it is.
        (Complete-Migration -Id shop-20261101-100000 -Force -ErrorAction Stop).Status | Should -Be 'Closed'
    }

    It 'says when the week ends and keeps the node until then, unless -DeleteNow' {
        $node = New-OldNode week
        $null = New-TestMigration -Id shop-20261126-100000 -Status Completed -DeleteAfter ([datetimeoffset]::UtcNow.AddDays(6)) -SourceNode $node
        $m = Complete-Migration -Id shop-20261126-100000 -Force -WarningVariable warned -ErrorAction Stop
        "$warned" | Should -Match 'kept until'
        $m.Status | Should -Be 'Completed'
        @(Get-ProjectNode -Provider Client -Project shop-week).Count | Should -Be 1
        Complete-Migration -Id shop-20261126-100000 -DeleteNow -WhatIf | Out-Null
        @(Get-ProjectNode -Provider Client -Project shop-week).Count | Should -Be 1
        (Complete-Migration -Id shop-20261126-100000 -DeleteNow -Force -KnownHostsFile $known -ErrorAction Stop).Status | Should -Be 'Closed'
        @(Get-ProjectNode -Provider Client -Project shop-week).Count | Should -Be 0
    }

    It 'passes over migrations that are not complete when they come from the pipeline, and refuses them by id' {
        $null = New-TestMigration -Id shop-20261127-090000 -Status Failed
        $null = New-TestMigration -Id shop-20261127-080000 -Status RolledBack
        $out = Get-Migration -Project shop | Where-Object Status -In Failed, RolledBack | Complete-Migration -Force -ErrorAction Stop
        @($out).Count | Should -Be 0
        { Complete-Migration -Id shop-20261127-090000 -Force -ErrorAction Stop } | Should -Throw -ErrorId 'MigrationNotCompleted*'
        { Complete-Migration -Id shop-20261127-080000 -Force -ErrorAction Stop } | Should -Throw -ErrorId 'MigrationNotCompleted*'
        { Complete-Migration -Id shop-19990101-000000 -Force -ErrorAction Stop } | Should -Throw -ErrorId 'MigrationNotFound*'
    }

    It 'cannot delete an old node known only by its address, and says so' {
        $null = New-TestMigration -Id shop-20261102-100000 -Status Completed -DeleteAfter ([datetimeoffset]::UtcNow.AddDays(-1))
        { Complete-Migration -Id shop-20261102-100000 -Force -ErrorAction Stop } | Should -Throw -ErrorId 'MigrationNodeUnknown*'
        (Get-Migration -Id shop-20261102-100000).Status | Should -Be 'Completed'
    }
}

Describe 'Complete-Migration with a cloud node and the token as a parameter' {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
        $script:cloud = Start-FakeCloud
        Set-FakeCloudEnvironment -Fake $cloud
        $script:pub = Join-Path $TestDrive 'do.pub'
        & ssh-keygen -q -t ed25519 -N '' -f (Join-Path $TestDrive 'do') | Out-Null
    }
    AfterAll {
        Clear-FakeCloudEnvironment
        Stop-FakeCloud -Fake $cloud
    }

    It 'deletes a DigitalOcean node with -Token from a secret store, when the environment has no token' {
        $node = New-ProjectNode -Provider DigitalOcean -Project shop -Client token -PublicKey $pub -NoSshWait -KnownHostsFile $known -ErrorAction Stop
        $null = New-TestMigration -Id shop-20261102-100000 -Status Completed -DeleteAfter ([datetimeoffset]::UtcNow.AddDays(-1)) -SourceNode $node
        $saved = $env:DIGITALOCEAN_ACCESS_TOKEN
        Remove-Item env:DIGITALOCEAN_ACCESS_TOKEN
        try {
            $err = $null
            try { Complete-Migration -Id shop-20261102-100000 -Force -KnownHostsFile $known -ErrorAction Stop } catch { $err = $_ }
            "$($err.FullyQualifiedErrorId) $($err.Exception.Message)" | Should -Match 'ProviderCredentialsMissing|DIGITALOCEAN_ACCESS_TOKEN'
            $secret = ConvertTo-SecureString $cloud.DigitalOceanToken -AsPlainText -Force
            (Complete-Migration -Id shop-20261102-100000 -Force -KnownHostsFile $known -Token $secret -ErrorAction Stop).Status | Should -Be 'Closed'
        }
        finally { $env:DIGITALOCEAN_ACCESS_TOKEN = $saved }
        @(Get-ProjectNode -Provider DigitalOcean -Project shop | Where-Object Name -EQ 'shop-token').Count | Should -Be 0
    }
}
