# Git-flow histories with known times, for Get-ReleaseMetrics' tests and the report's sample: each event is a
# hashtable with an At time (UTC) and one kind:
#   @{ At = ...; Feature = 'login'; Commits = @(times) }    feature/login from develop, its commits, merged into develop
#   @{ At = ...; Release = 'v2026.41.0' }                   develop merged into master (--no-ff), tagged (annotated)
#   @{ At = ...; Hotfix = 'crash'; Tag = 'v2026.41.1'; Commits = @(times) }
#                                                           hotfix/crash from master, merged into master as
#                                                           "Hotfix <tag>: crash", tagged, and merged back into develop
#   @{ At = ...; Direct = 'quick fix' }                     a commit straight on master (a policy violation)
#   @{ At = ...; FeatureIntoMaster = 'rogue'; Commits = @(times) }
#                                                           feature/rogue merged straight into master (a violation)
# Commits are empty (--allow-empty), so merges never conflict; author, committer and tagger times are the event's.

function Invoke-HistoryGit {
    # A simple function on purpose: git's own flags (-q, -m) must not bind to PowerShell parameters.
    $Repo, $At, $Rest = $args
    $env:GIT_AUTHOR_DATE = $At; $env:GIT_COMMITTER_DATE = $At
    try {
        $out = & git -C $Repo -c user.name='Dana Dev' -c user.email=dana@example.com -c init.defaultBranch=master -c core.hooksPath=/dev/null @Rest 2>&1
        if ($LASTEXITCODE -ne 0) { throw "git $($Rest -join ' ') failed: $out" }
        $out
    }
    finally { Remove-Item env:GIT_AUTHOR_DATE, env:GIT_COMMITTER_DATE -ErrorAction SilentlyContinue }
}

function New-ReleaseHistory {
    <# Creates the repository at -Path (master with an initial commit at -Start, develop from it), plays -Events in order, and returns the commit of each tag. #>
    param([Parameter(Mandatory)] [string] $Path, [Parameter(Mandatory)] [string] $Start, [Parameter(Mandatory)] [hashtable[]] $Events, [string] $Slug)
    $null = New-Item -ItemType Directory -Path $Path -Force
    Invoke-HistoryGit $Path $Start init -q -b master | Out-Null
    if ($Slug) { Set-Content (Join-Path $Path 'releaseops.psd1') "@{ Slug = '$Slug' }"; Invoke-HistoryGit $Path $Start add releaseops.psd1 | Out-Null }
    Invoke-HistoryGit $Path $Start commit -q --allow-empty -m 'Initial commit' | Out-Null
    Invoke-HistoryGit $Path $Start branch develop | Out-Null
    $tags = [ordered]@{}
    foreach ($e in $Events) {
        $at = $e.At
        if ($e.Feature) {
            Invoke-HistoryGit $Path $at switch -qc "feature/$($e.Feature)" develop | Out-Null
            foreach ($t in $e.Commits) { Invoke-HistoryGit $Path $t commit -q --allow-empty -m "feat: $($e.Feature) ($t)" | Out-Null }
            Invoke-HistoryGit $Path $at switch -q develop | Out-Null
            Invoke-HistoryGit $Path $at merge -q --no-ff "feature/$($e.Feature)" -m "Merge pull request from team/feature/$($e.Feature)" | Out-Null
        }
        elseif ($e.Release) {
            Invoke-HistoryGit $Path $at switch -q master | Out-Null
            Invoke-HistoryGit $Path $at merge -q --no-ff develop -m "Release $($e.Release)" -m 'Merge develop into master.' | Out-Null
            Invoke-HistoryGit $Path $at tag -a $e.Release -m "Release $($e.Release)" | Out-Null
            $tags[$e.Release] = (Invoke-HistoryGit $Path $at rev-parse HEAD)
        }
        elseif ($e.Hotfix) {
            Invoke-HistoryGit $Path $at switch -qc "hotfix/$($e.Hotfix)" master | Out-Null
            foreach ($t in $e.Commits) { Invoke-HistoryGit $Path $t commit -q --allow-empty -m "fix: $($e.Hotfix) ($t)" | Out-Null }
            Invoke-HistoryGit $Path $at switch -q master | Out-Null
            Invoke-HistoryGit $Path $at merge -q --no-ff "hotfix/$($e.Hotfix)" -m "Hotfix $($e.Tag): $($e.Hotfix)" -m "Merge hotfix/$($e.Hotfix) into master." | Out-Null
            Invoke-HistoryGit $Path $at tag -a $e.Tag -m "Hotfix $($e.Hotfix)" | Out-Null
            $tags[$e.Tag] = (Invoke-HistoryGit $Path $at rev-parse HEAD)
            Invoke-HistoryGit $Path $at switch -q develop | Out-Null
            Invoke-HistoryGit $Path $at merge -q --no-ff master -m "Merge hotfix $($e.Tag) ($($e.Hotfix)) back into develop" | Out-Null
        }
        elseif ($e.Direct) {
            Invoke-HistoryGit $Path $at switch -q master | Out-Null
            Invoke-HistoryGit $Path $at commit -q --allow-empty -m $e.Direct | Out-Null
        }
        elseif ($e.FeatureIntoMaster) {
            Invoke-HistoryGit $Path $at switch -qc "feature/$($e.FeatureIntoMaster)" master | Out-Null
            foreach ($t in $e.Commits) { Invoke-HistoryGit $Path $t commit -q --allow-empty -m "feat: $($e.FeatureIntoMaster) ($t)" | Out-Null }
            Invoke-HistoryGit $Path $at switch -q master | Out-Null
            Invoke-HistoryGit $Path $at merge -q --no-ff "feature/$($e.FeatureIntoMaster)" -m "Merge branch 'feature/$($e.FeatureIntoMaster)'" | Out-Null
        }
        else { throw "Unknown event: $($e.Keys -join ', ')" }
    }
    Invoke-HistoryGit $Path $Start switch -q develop | Out-Null
    [pscustomobject]@{ Path = (Resolve-Path $Path).Path; Tags = $tags }
}

function Get-SampleHistory {
    <#
    The history that the tests assert exactly (three ISO weeks, 2026-W41 to W43, with its times in hours before each
    tag in the comments), and that the report's sample shows.
    #>
    @(
        @{ At = '2026-10-07T12:00:00Z'; Feature = 'login'; Commits = '2026-10-05T10:00:00Z', '2026-10-06T10:00:00Z' }    # 78 h, 54 h
        @{ At = '2026-10-08T16:00:00Z'; Release = 'v2026.41.0' }                                                            # + Initial commit, 80 h
        @{ At = '2026-10-14T09:00:00Z'; Feature = 'booking'; Commits = '2026-10-09T09:00:00Z', '2026-10-13T09:00:00Z' }  # 150 h (waited), 54 h
        @{ At = '2026-10-15T15:00:00Z'; Release = 'v2026.42.0' }
        @{ At = '2026-10-16T12:00:00Z'; Hotfix = 'crash'; Tag = 'v2026.42.1'; Commits = @('2026-10-16T10:00:00Z') }       # 2 h, restored in 2 h
        @{ At = '2026-10-17T09:00:00Z'; Direct = 'quick fix straight on master' }                                           # 121 h; a violation
        @{ At = '2026-10-20T10:00:00Z'; Feature = 'reminders'; Commits = @('2026-10-19T10:00:00Z') }                        # 72 h
        @{ At = '2026-10-20T12:00:00Z'; FeatureIntoMaster = 'rogue'; Commits = @('2026-10-20T11:00:00Z') }                  # 47 h; a violation
        @{ At = '2026-10-22T10:00:00Z'; Release = 'v2026.43.0' }
    )
}

Export-ModuleMember -Function New-ReleaseHistory, Get-SampleHistory, Invoke-HistoryGit
