# Get-ReleaseMetrics against generated repositories with a known history (samples/ReleaseHistory.psm1): every figure is
# asserted exactly, from the times in Get-SampleHistory (three ISO weeks, 2026-W41 to 2026-W43).
BeforeAll {
    Import-Module $env:RELEASEOPS_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot '../../samples/ReleaseHistory.psm1') -Force
    $script:repo = New-ReleaseHistory -Path (Join-Path $TestDrive 'fleet/cortico') -Start '2026-10-05T08:00:00Z' -Events (Get-SampleHistory)
    $script:range = @{ Since = [DateTime]::Parse('2026-10-05T00:00:00Z').ToUniversalTime(); Until = [DateTime]::Parse('2026-10-26T00:00:00Z').ToUniversalTime() }
    function Hours([double] $hours) { [TimeSpan]::FromHours($hours) }
}

Describe 'Get-ReleaseMetrics on a known history' {
    It 'measures the whole range exactly (Overall)' {
        $m = Get-ReleaseMetrics -Path $repo.Path @range
        $m | Should -HaveCount 1
        $m.Period | Should -Be 'Overall'
        $m.Project | Should -Be 'cortico'
        $m.Releases | Should -Be 3
        $m.Hotfixes | Should -Be 1
        $m.Deployments | Should -Be 4
        $m.DeploymentsPerWeek | Should -Be 1.333
        $m.DeploymentFrequencyBand | Should -Be 'High'
        $m.ChangeFailureRate | Should -Be 0.3333
        $m.ChangeFailureRateBand | Should -Be 'Low'
        # Lead times in hours: 2, 47, 54, 54, 72, 78, 80, 121, 150 (nearest rank: the 5th and the 9th).
        $m.Changes | Should -Be 9
        $m.LeadTimeMedian | Should -Be (Hours 72)
        $m.LeadTimeP90 | Should -Be (Hours 150)
        $m.LeadTimeBand | Should -Be 'High'
        $m.TimeToRestore | Should -Be (Hours 2)
        $m.TimeToRestoreBand | Should -Be 'High'
        $m.Violations | Should -Be 2
        $m.Deliveries.Tag | Should -Be @('v2026.41.0', 'v2026.42.0', 'v2026.42.1', 'v2026.43.0')
        $m.Deliveries.Kind | Should -Be @('Release', 'Release', 'Hotfix', 'Release')
        $m.Deliveries.Commit | Should -Be @($repo.Tags.Values)
        $m.Deliveries.Changes | Should -Be @(3, 2, 1, 3)
        $m.Deliveries[1].LeadTimeMin | Should -Be (Hours 54)
        $m.Deliveries[1].LeadTimeMax | Should -Be (Hours 150)
        $m.Deliveries[2].TimeToRestore | Should -Be (Hours 2)
        $m.ViolationFindings.Rule | Should -Be @('DirectCommitToMaster', 'FeatureMergedIntoMaster')
    }

    It 'counts the time a feature branch waited before its merge (first commit to tag, not merge to tag)' {
        $r2 = (Get-ReleaseMetrics -Path $repo.Path @range).Deliveries | Where-Object Tag -EQ 'v2026.42.0'
        # feature/booking's first commit (Oct 9, 09:00) waited five days for its merge into develop (Oct 14).
        $r2.LeadTimeMax | Should -Be (Hours 150)
    }

    It 'measures each ISO week and each month' {
        $rows = Get-ReleaseMetrics -Path $repo.Path @range -Period Week, Month
        $weeks = $rows | Where-Object Period -EQ Week
        $weeks.Label | Should -Be @('2026-W41', '2026-W42', '2026-W43')
        $weeks.Releases | Should -Be @(1, 1, 1)
        $weeks.Hotfixes | Should -Be @(0, 1, 0)
        $weeks.Changes | Should -Be @(3, 3, 3)
        $weeks.LeadTimeMedian | Should -Be @((Hours 78), (Hours 54), (Hours 72))
        $weeks.LeadTimeP90 | Should -Be @((Hours 80), (Hours 150), (Hours 121))
        $weeks.ChangeFailureRate | Should -Be @(0, 1, 0)
        $weeks.ChangeFailureRateBand | Should -Be @('Elite', 'Low', 'Elite')
        $weeks.DeploymentsPerWeek | Should -Be @(1, 2, 1)
        $weeks.Violations | Should -Be @(0, 1, 1)
        $weeks[1].TimeToRestore | Should -Be (Hours 2)
        $weeks[0].TimeToRestore | Should -BeNullOrEmpty
        $weeks[0].TimeToRestoreBand | Should -Be ''
        $weeks[0].Start | Should -Be ([DateTimeOffset]::Parse('2026-10-05T00:00:00Z'))
        $month = $rows | Where-Object Period -EQ Month
        $month.Label | Should -Be '2026-10'
        $month.Releases | Should -Be 3
        # Deploys per week over the part of October in the range (21 days), as Overall.
        $month.DeploymentsPerWeek | Should -Be 1.333
    }

    It 'bounds the first release of a later range by the release before it' {
        $m = Get-ReleaseMetrics -Path $repo.Path -Since ([DateTime]::Parse('2026-10-12T00:00:00Z').ToUniversalTime()) -Until $range.Until
        $m.Releases | Should -Be 2
        $m.Hotfixes | Should -Be 1
        # v2026.42.0 shipped feature/booking's two commits (one from before the range), not v2026.41.0's.
        $m.Changes | Should -Be 6
        $m.LeadTimeP90 | Should -Be (Hours 150)
    }

    It 'finds the same violations as Test-ReleasePolicy' {
        $policy = Test-ReleasePolicy -Path $repo.Path -Since '2026-10-01' | Where-Object Severity -EQ Error
        $m = Get-ReleaseMetrics -Path $repo.Path @range
        ($m.ViolationFindings.Commit | Sort-Object) | Should -Be ($policy.Commit | Sort-Object)
        ($m.ViolationFindings.Rule | Sort-Object) | Should -Be ($policy.Rule | Sort-Object)
    }

    It 'still counts a direct commit on master after a hotfix merged master back into develop' {
        $h = New-ReleaseHistory -Path (Join-Path $TestDrive 'backmerge') -Start '2026-10-05T08:00:00Z' -Events @(
            @{ At = '2026-10-06T10:00:00Z'; Feature = 'a'; Commits = @('2026-10-06T09:00:00Z') }
            @{ At = '2026-10-07T10:00:00Z'; Release = 'v1.0.0' }
            @{ At = '2026-10-08T10:00:00Z'; Direct = 'straight on master' }
            @{ At = '2026-10-09T10:00:00Z'; Hotfix = 'crash'; Tag = 'v1.0.1'; Commits = @('2026-10-09T09:00:00Z') }
            @{ At = '2026-10-13T10:00:00Z'; Feature = 'b'; Commits = @('2026-10-13T09:00:00Z') }
            @{ At = '2026-10-14T10:00:00Z'; Release = 'v1.1.0' })
        # develop now contains the direct commit, through the hotfix's back-merge; it still did not come through develop.
        & git -C $h.Path merge-base --is-ancestor (& git -C $h.Path log --format=%H -1 --grep 'straight on master' master) develop
        $LASTEXITCODE | Should -Be 0
        $m = Get-ReleaseMetrics -Path $h.Path @range
        $m.Violations | Should -Be 1
        $m.ViolationFindings.Subject | Should -Be 'straight on master'
        $m.ViolationFindings.Rule | Should -Be 'DirectCommitToMaster'
        $m.Releases | Should -Be 2
        $m.Hotfixes | Should -Be 1
    }

    It 'counts deploys and rollbacks from deploy records, and migrations with their downtime' {
        $t = $repo.Tags
        $deploys = @(
            [ReleaseOps.DeploymentInfo]@{ HostName = 'cortico.ca'; Status = 'Deployed'; Ref = 'v2026.41.0'; Commit = $t['v2026.41.0']; StartTime = '2026-10-08T16:10:00Z' }
            [ReleaseOps.DeploymentInfo]@{ HostName = 'cortico.ca'; Status = 'RolledBack'; RolledBack = $true; Ref = 'v2026.42.0'; Commit = $t['v2026.42.0']; StartTime = '2026-10-15T15:10:00Z' }
            [ReleaseOps.DeploymentInfo]@{ HostName = 'cortico.ca'; Status = 'Deployed'; Ref = 'v2026.42.0'; Commit = $t['v2026.42.0']; StartTime = '2026-10-15T17:00:00Z' }
            [ReleaseOps.DeploymentInfo]@{ HostName = 'cortico.ca'; Status = 'Deployed'; Ref = 'v2026.42.1'; Commit = $t['v2026.42.1']; StartTime = '2026-10-16T12:10:00Z' }
            [ReleaseOps.DeploymentInfo]@{ HostName = 'cortico.ca'; Status = 'Deployed'; Ref = 'v2026.43.0'; Commit = $t['v2026.43.0']; StartTime = '2026-10-22T10:10:00Z' }
            # Not counted: another repository's commit, a -WhatIf record, and a deploy after the range.
            [ReleaseOps.DeploymentInfo]@{ HostName = 'kmc.ca'; Status = 'Deployed'; Ref = 'v1'; Commit = 'f' * 40; StartTime = '2026-10-09T10:00:00Z' }
            [ReleaseOps.DeploymentInfo]@{ HostName = 'cortico.ca'; Status = 'WouldDeploy'; Ref = 'v2026.43.0'; Commit = $t['v2026.43.0']; StartTime = '2026-10-22T09:00:00Z' }
            [ReleaseOps.DeploymentInfo]@{ HostName = 'cortico.ca'; Status = 'Deployed'; Ref = 'v2026.43.0'; Commit = $t['v2026.43.0']; StartTime = '2026-10-27T09:00:00Z' }
        )
        $migrations = @(
            [ReleaseOps.MigrationInfo]@{ Id = 'cortico-20261021-100000'; Project = 'cortico'; Source = 'old'; Target = 'new'; Status = 'Completed'; FreezeStarted = '2026-10-21T10:00:00Z'; ServingAt = '2026-10-21T10:04:00Z' }
            [ReleaseOps.MigrationInfo]@{ Id = 'kmc-20261021-100000'; Project = 'kmc'; Source = 'old'; Target = 'new'; Status = 'Completed'; FreezeStarted = '2026-10-21T10:00:00Z'; ServingAt = '2026-10-21T11:00:00Z' }
        )
        $rows = Get-ReleaseMetrics -Path $repo.Path @range -Period Week, Overall -Deployment $deploys -Migration $migrations
        $m = $rows | Where-Object Period -EQ Overall
        $m.Deployments | Should -Be 5
        $m.Rollbacks | Should -Be 1
        $m.ChangeFailureRate | Should -Be 0.6667
        $m.DeploymentsPerWeek | Should -Be 1.667
        $m.DeploymentRecords | Should -HaveCount 5
        $m.Migrations | Should -Be 1
        $m.MigrationDowntime | Should -Be ([TimeSpan]::FromMinutes(4))
        $weeks = $rows | Where-Object Period -EQ Week
        $weeks.Rollbacks | Should -Be @(0, 1, 0)
        $weeks.Migrations | Should -Be @(0, 0, 1)

        # Kept between runs as admins keep them: Export-Clixml for the deploys, JSON for the migrations.
        $xml = Join-Path $TestDrive 'deploys.xml'
        $deploys | Export-Clixml $xml
        $json = $migrations | ConvertTo-Json -Depth 4
        $again = Get-ReleaseMetrics -Path $repo.Path @range -Deployment (Import-Clixml $xml) -Migration ($json | ConvertFrom-Json)
        $again.Deployments | Should -Be 5
        $again.Rollbacks | Should -Be 1
        $again.Migrations | Should -Be 1
        $again.MigrationDowntime | Should -Be ([TimeSpan]::FromMinutes(4))
    }

    It 'takes folders from the pipeline: one row per repository' {
        $null = New-ReleaseHistory -Path (Join-Path $TestDrive 'fleet/kmc') -Start '2026-10-05T08:00:00Z' -Events @(
            @{ At = '2026-10-06T10:00:00Z'; Feature = 'api'; Commits = @('2026-10-06T09:00:00Z') }
            @{ At = '2026-10-06T11:00:00Z'; Release = 'v1.0.0' })
        $rows = Get-ChildItem (Join-Path $TestDrive 'fleet') -Directory | Get-ReleaseMetrics @range
        $rows.Project | Should -Be @('cortico', 'kmc')
        $kmc = $rows[1]
        $kmc.Releases | Should -Be 1
        # The initial commit (27 h) and feature/api's commit (2 h); the median is the lower of the two.
        $kmc.LeadTimeMedian | Should -Be (Hours 2)
        $kmc.LeadTimeP90 | Should -Be (Hours 27)
        $kmc.LeadTimeBand | Should -Be 'Elite'
        $kmc.Violations | Should -Be 0
    }

    It 'renders its default table view' {
        $text = Get-ReleaseMetrics -Path $repo.Path @range | Out-String -Width 200
        $text | Should -Match 'cortico\s+Overall\s+3\s+1\s+1\.3/wk High\s+3d High\s+33% Low\s+2'
    }
}

Describe 'Get-ReleaseMetrics failures' {
    It 'reports a missing folder, a folder that is not a repository, and an empty range, with their ids' {
        { Get-ReleaseMetrics -Path (Join-Path $TestDrive 'nothing-here') -ErrorAction Stop } | Should -Throw -ErrorId 'ProjectPathNotFound,ReleaseOps.Commands.GetReleaseMetricsCommand'
        $plain = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'plain')
        { Get-ReleaseMetrics -Path $plain.FullName -ErrorAction Stop } | Should -Throw -ErrorId 'NotAGitRepository,ReleaseOps.Commands.GetReleaseMetricsCommand'
        { Get-ReleaseMetrics -Path $repo.Path -Since '2026-10-26' -Until '2026-10-05' -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidDateRange,ReleaseOps.Commands.GetReleaseMetricsCommand'
    }

    It 'goes on with the next repository when one fails' {
        $rows = Get-ReleaseMetrics -Path (Join-Path $TestDrive 'nothing-here'), $repo.Path @range -ErrorVariable failed -ErrorAction SilentlyContinue
        $failed | Should -HaveCount 1
        $rows.Project | Should -Be 'cortico'
    }
}
