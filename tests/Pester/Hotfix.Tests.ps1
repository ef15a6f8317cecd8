# Start-Hotfix, Complete-Hotfix, Get-Release and Test-ReleasePolicy against real repositories.
BeforeAll {
    Import-Module $env:RELEASEOPS_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'GitFixtures.psm1') -Force
    function New-HotfixRepo([string] $Name, [string] $Scheme = 'SemVer') {
        $r = New-ReleaseRepo -Directory (Join-Path $TestDrive $Name) -TagScheme $Scheme
        $null = Start-Release -Path $r.Work
        $b = Start-Hotfix -Name crash -Path $r.Work -Checkout
        Set-Content "$($r.Work)/hotfix.txt" 'fixed'
        Invoke-Git $r.Work add hotfix.txt | Out-Null
        Invoke-Git $r.Work commit -qm 'fix: crash on login' | Out-Null
        $r
    }
}

Describe 'Start-Hotfix and Complete-Hotfix' {
    It 'branches from master, releases a patch, and merges the fix back into develop' {
        $r = New-HotfixRepo one
        (& git -C $r.Work rev-parse 'hotfix/crash~1') | Should -Be (& git -C $r.Origin rev-parse master)
        $info = Complete-Hotfix -Name crash -Path $r.Work
        $info.Kind | Should -Be 'Hotfix'
        $info.Tag | Should -Be 'v0.2.1'
        $info.BackMerge | Should -Be 'develop'
        (& git -C $r.Origin rev-parse master) | Should -Be $info.Commit
        (& git -C $r.Origin log -1 --format=%s master) | Should -Be 'Hotfix v0.2.1: crash'
        (& git -C $r.Origin show develop:hotfix.txt) | Should -Be 'fixed'
        & git -C $r.Origin merge-base --is-ancestor $info.Commit develop
        $LASTEXITCODE | Should -Be 0
    }

    It 'pushes backmerge/<name> for a pull request when develop is protected, and still releases' {
        $r = New-HotfixRepo protected
        Set-Content "$($r.Origin)/hooks/pre-receive" "#!/bin/sh`nwhile read old new ref; do [ `"`$ref`" = refs/heads/develop ] && { echo 'develop is protected' >&2; exit 1; }; done; exit 0"
        & chmod +x "$($r.Origin)/hooks/pre-receive"
        $develop = & git -C $r.Origin rev-parse develop
        $info = Complete-Hotfix -Name crash -Path $r.Work -WarningVariable w -WarningAction SilentlyContinue
        $info.BackMerge | Should -Match '^backmerge/crash'
        "$w" | Should -Match 'backmerge/crash'
        (& git -C $r.Origin rev-parse master) | Should -Be $info.Commit
        (& git -C $r.Origin rev-parse backmerge/crash) | Should -Be $info.Commit
        (& git -C $r.Origin rev-parse develop) | Should -Be $develop
    }

    It 'pushes backmerge/<name> when the back-merge conflicts' {
        $r = New-HotfixRepo conflict
        $other = Join-Path $TestDrive 'conflict-dev'
        & git clone -q -b develop $r.Origin $other
        Set-Content "$other/hotfix.txt" 'something else on develop'
        Invoke-Git $other add hotfix.txt | Out-Null
        Invoke-Git $other commit -qm 'develop work' | Out-Null
        Invoke-Git $other push -q origin develop | Out-Null
        $info = Complete-Hotfix -Name crash -Path $r.Work -WarningAction SilentlyContinue
        $info.BackMerge | Should -Match '^backmerge/crash'
        (& git -C $r.Origin show develop:hotfix.txt) | Should -Be 'something else on develop'
    }

    It 'refuses a hotfix with nothing in it, or a bad name' {
        $r = New-ReleaseRepo -Directory (Join-Path $TestDrive 'empty')
        $null = Start-Hotfix -Name empty -Path $r.Work
        { Complete-Hotfix -Name empty -Path $r.Work -ErrorAction Stop } | Should -Throw -ErrorId 'NothingToHotfix,ReleaseOps.Commands.CompleteHotfixCommand'
        { Start-Hotfix -Name 'Bad Name' -Path $r.Work -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidBranchName,ReleaseOps.Commands.StartHotfixCommand'
    }
}

Describe 'Get-Release' {
    It 'lists releases and hotfixes, newest first' {
        $r = New-HotfixRepo history
        $null = Complete-Hotfix -Name crash -Path $r.Work
        $releases = Get-Release -Path $r.Work
        $releases.Tag | Should -Be @('v0.2.1', 'v0.2.0', 'v0.1.0')
        $releases.Kind | Should -Be @('Hotfix', 'Release', 'Release')
        $releases[1].PullRequests | Should -Be @(11, 12)
        $releases[1].PreviousRelease | Should -Be 'v0.1.0'
        (Get-Release -Path $r.Work -Last 1).Tag | Should -Be 'v0.2.1'
    }
}

Describe 'Test-ReleasePolicy' {
    It 'passes a history that follows the process, and reports hotfixes' {
        $r = New-HotfixRepo policy
        $null = Complete-Hotfix -Name crash -Path $r.Work
        $findings = Test-ReleasePolicy -Path $r.Work
        ($findings | Where-Object Severity -EQ Error) | Should -BeNullOrEmpty
        ($findings | Where-Object Rule -EQ Hotfix) | Should -HaveCount 1
        ($findings | Where-Object Rule -EQ HotfixFrequency).Subject | Should -Match '1 hotfix'
        { Test-ReleasePolicy -Path $r.Work -FailOnViolation -ErrorAction Stop } | Should -Not -Throw
        # The last release alone (the hotfix) holds one hotfix and nothing else.
        $last = Test-ReleasePolicy -Path $r.Work -LastReleases 1
        ($last | Where-Object Rule -EQ HotfixFrequency).Subject | Should -Match '^1 hotfix\(es\) and 0 release'
    }

    It 'finds direct commits and feature merges on master, and fails the gate' {
        $r = New-ReleaseRepo -Directory (Join-Path $TestDrive 'violations')
        $other = Join-Path $TestDrive 'violations-other'
        & git clone -q $r.Origin $other
        Invoke-Git $other commit -q --allow-empty -m 'quick fix straight on master' | Out-Null
        Invoke-Git $other switch -qc feature/rogue | Out-Null
        Invoke-Git $other commit -q --allow-empty -m 'rogue feature' | Out-Null
        Invoke-Git $other switch -q master | Out-Null
        Invoke-Git $other merge -q --no-ff feature/rogue -m "Merge branch 'feature/rogue'" | Out-Null
        Invoke-Git $other push -q origin master | Out-Null
        Invoke-Git $r.Work fetch -q origin | Out-Null
        $findings = Test-ReleasePolicy -Path $r.Work
        ($findings | Where-Object Severity -EQ Error).Rule | Sort-Object | Should -Be @('DirectCommitToMaster', 'FeatureMergedIntoMaster')
        { Test-ReleasePolicy -Path $r.Work -FailOnViolation -ErrorAction Stop } | Should -Throw -ErrorId 'ReleasePolicyViolated,ReleaseOps.Commands.TestReleasePolicyCommand'
    }
}
