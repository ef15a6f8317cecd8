# Resume-Migration's refusals, from journals alone (the resume of a real migration, killed at every step, is in
# Invoke-Migration.Docker.Tests.ps1; by id after a failed step, in Invoke-Migration.Tests.ps1).
BeforeAll {
    Import-Module $env:RELEASEOPS_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'MigrationFixtures.psm1') -Force
    $env:RELEASEOPS_MIGRATIONS = Join-Path $TestDrive 'migrations'
}

AfterAll {
    Remove-Item env:RELEASEOPS_MIGRATIONS -ErrorAction SilentlyContinue
}

Describe 'Resume-Migration' {
    It 'names a migration that does not exist, and never reads outside the journal folder' {
        { Resume-Migration -Id shop-19990101-000000 -Force -ErrorAction Stop } | Should -Throw -ErrorId 'MigrationNotFound*'
        Set-Content (Join-Path $TestDrive 'outside.json') '{}'
        { Resume-Migration -Id '../outside' -Force -ErrorAction Stop } | Should -Throw -ErrorId 'MigrationNotFound*'
    }

    It 'refuses a journal without its plan, and says to give the parameters again' {
        $null = New-TestMigration -Id shop-20261120-100000 -Status Failed -NoPlan
        { Resume-Migration -Id shop-20261120-100000 -Force -ErrorAction Stop } | Should -Throw -ErrorId 'MigrationPlanMissing*'
        $e = $null; Resume-Migration -Id shop-20261120-100000 -Force -ErrorAction SilentlyContinue -ErrorVariable e
        $e[0].ErrorDetails.RecommendedAction | Should -Match 'same -Source, -Target'
    }

    It 'does not resume a migration that was undone' {
        $null = New-TestMigration -Id shop-20261121-100000 -Status RolledBack
        { Resume-Migration -Id shop-20261121-100000 -Force -ErrorAction Stop } | Should -Throw -ErrorId 'MigrationRolledBack*'
    }

    It 'has nothing to run for a completed migration in its week but says when the old node goes' {
        $null = New-TestMigration -Id shop-20261125-100000 -Status Completed -DeleteAfter ([datetimeoffset]::UtcNow.AddDays(5))
        $m = Resume-Migration -Id shop-20261125-100000 -Force -WarningVariable warned -ErrorAction Stop
        $m.Status | Should -Be 'Completed'
        "$warned" | Should -Match 'kept until'
    }

    It 'shows under -WhatIf which steps it would run, and runs none' {
        $null = New-TestMigration -Id shop-20261122-100000 -Status Failed
        Resume-Migration -Id shop-20261122-100000 -WhatIf | Out-Null
        $m = Get-Migration -Id shop-20261122-100000
        $m.Status | Should -Be 'Failed'
        ($m.Steps | Where-Object Name -EQ InitialSync).Attempts | Should -Be 1
        ($m.Steps | Where-Object Name -EQ Freeze).State | Should -Be 'Pending'
    }
}
