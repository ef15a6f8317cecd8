<#
.SYNOPSIS
    The release insights of the sample project: Get-ReleaseMetrics and Export-ReleaseReport on a generated history.
.DESCRIPTION
    Generates the sample project, cortico, in a scratch folder: twelve weeks of git flow (weekly releases of merged
    feature branches, two hotfixes, a commit straight on master and a feature branch merged into master), with its
    deploy records (one rolled back) and a migration. Prints the measures per week and overall, and writes the report
    to -OutFile. With -Screenshot, Debian's chromium renders the report headless to that PNG (docs/release-report.png
    is made so). The scratch folder is removed at the end unless -Keep is given.
#>
[CmdletBinding()]
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/ReleaseOps/ReleaseOps.psd1'),
    [string] $OutFile = (Join-Path ([System.IO.Path]::GetTempPath()) 'cortico-release-report.html'),
    [string] $Screenshot,
    [switch] $Keep
)

$ErrorActionPreference = 'Stop'
Import-Module (Resolve-Path $ModulePath).Path
Import-Module (Join-Path $PSScriptRoot 'ReleaseHistory.psm1')
$root = Join-Path ([System.IO.Path]::GetTempPath()) "releaseops-insights-demo-$PID"

try {
    # Twelve weeks from Monday 2026-09-07: a release every Thursday at 15:00 of the features merged that week, each
    # feature's commits a few days old (the time a branch waited counts in the lead time).
    $start = [DateTimeOffset]::Parse('2026-09-07T00:00:00Z')
    $at = { param([double] $days, [double] $hours) $start.AddDays($days).AddHours($hours).ToString('yyyy-MM-ddTHH:mm:ssZ') }
    $random = [System.Random]::new(7)
    $events = [System.Collections.Generic.List[hashtable]]::new()
    for ($week = 0; $week -lt 12; $week++) {
        $d = $week * 7
        foreach ($f in 1..(1 + $random.Next(3))) {
            $age = 1 + $random.Next(5 + ($week % 4) * 2)
            $events.Add(@{ At = (& $at ($d + 2) (9 + $f)); Feature = "w$week-$f"; Commits = @((& $at ($d + 2 - $age) 10), (& $at ($d + 1) 16)) })
        }
        if ($week -eq 4) { $events.Add(@{ At = (& $at ($d + 2) 14); Direct = 'quick fix straight on master' }) }
        if ($week -eq 9) { $events.Add(@{ At = (& $at ($d + 2) 14); FeatureIntoMaster = 'pricing'; Commits = @((& $at ($d + 1) 11)) }) }
        $tag = 'v{0}.{1}.0' -f $start.AddDays($d).Year, (37 + $week)
        $events.Add(@{ At = (& $at ($d + 3) 15); Release = $tag })
        if ($week -eq 2) { $events.Add(@{ At = (& $at ($d + 4) 11); Hotfix = 'booking-crash'; Tag = ($tag -replace '\.0$', '.1'); Commits = @((& $at ($d + 4) 9)) }) }
        if ($week -eq 7) { $events.Add(@{ At = (& $at ($d + 5) 10); Hotfix = 'timezone'; Tag = ($tag -replace '\.0$', '.1'); Commits = @((& $at ($d + 3) 18), (& $at ($d + 4) 10)) }) }
    }
    $repo = New-ReleaseHistory -Path (Join-Path $root 'cortico') -Start (& $at 0 8) -Events $events -Slug cortico

    # What Deploy-ProjectStack returned over those weeks: each tag deployed ten minutes after it, one rolled back.
    $deploys = foreach ($tag in $repo.Tags.Keys) {
        $when = [DateTimeOffset]::Parse((git -C $repo.Path for-each-ref "refs/tags/$tag" --format='%(taggerdate:iso-strict)'))
        $rolledBack = $tag -eq 'v2026.42.0'
        [ReleaseOps.DeploymentInfo]@{ HostName = 'cortico.ca'; Ref = $tag; Commit = $repo.Tags[$tag]; StartTime = $when.AddMinutes(10); Status = $(if ($rolledBack) { 'RolledBack' } else { 'Deployed' }); RolledBack = $rolledBack }
        if ($rolledBack) { [ReleaseOps.DeploymentInfo]@{ HostName = 'cortico.ca'; Ref = $tag; Commit = $repo.Tags[$tag]; StartTime = $when.AddHours(2); Status = 'Deployed' } }
    }
    # And the move to a new node in week 6 (Invoke-Migration; Get-Migration returns these).
    $migration = [ReleaseOps.MigrationInfo]@{ Id = 'cortico-20261014-200000'; Project = 'cortico'; Source = 'old.cortico.ca'; Target = 'cortico.ca'; Status = 'Completed'
        FreezeStarted = (& $at 37 20); ServingAt = [DateTimeOffset]::Parse((& $at 37 20)).AddSeconds(212) }

    $range = @{ Since = $start.UtcDateTime; Until = $start.AddDays(84).UtcDateTime }
    $metrics = Get-ReleaseMetrics -Path $repo.Path @range -Period Week, Overall -Deployment $deploys -Migration $migration
    $metrics | Format-Table | Out-String | Write-Host
    $metrics | Export-ReleaseReport -Path $OutFile -Title 'Cortico: release insights' | Format-Table | Out-String | Write-Host

    if ($Screenshot) {
        $profileDir = Join-Path $root 'chromium'
        $null = New-Item -ItemType Directory -Path $profileDir
        $saved = $env:HOME
        try {
            $env:HOME = $profileDir
            & chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --force-device-scale-factor=1 --window-size=1280,1080 `
                "--user-data-dir=$profileDir" --no-first-run --disable-background-networking --disable-component-update `
                "--screenshot=$((New-Item -ItemType File -Path $Screenshot -Force).FullName)" ([Uri]::new((Resolve-Path $OutFile).Path).AbsoluteUri) 2>$null
            if ($LASTEXITCODE) { throw "chromium exited $LASTEXITCODE" }
        }
        finally { $env:HOME = $saved }
        Write-Host "Screenshot: $Screenshot"
    }
}
finally {
    if (-not $Keep) { Remove-Item $root -Recurse -Force -ErrorAction SilentlyContinue }
}
