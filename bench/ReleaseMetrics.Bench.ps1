<#
.SYNOPSIS
    Get-ReleaseMetrics on the release benchmark's repository, against a git-log script that computes the same figures,
    in the same run.
.DESCRIPTION
    Generates the repository of bench/Release.Bench.ps1 with git fast-import: -Files files and -Commits commits on
    master, the last one tagged v2025.40.0 (annotated), and develop ahead of master by -Ahead commits. With
    -ReleaseEvery N, every Nth commit of master is tagged as a release too (v1.<n>.0), so that there are many releases.
    Then, timed (best of -Rounds, each in this process):
      - Get-ReleaseMetrics -Path <repo> -Since 2000-01-01 (all history: releases, lead times of every commit,
        policy violations, weeks, months, overall);
      - the script users would otherwise write: git for-each-ref for the tags, git log --first-parent for master's
        line, git log per release for the commit times it shipped, and the median and 90th percentile in PowerShell.
    Both must agree on the release count and on the overall lead-time median and p90 (to the second).
    Prints both times and the ratio; the target is Get-ReleaseMetrics at most 1 s, and at most the script's time.
#>
[CmdletBinding()]
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/ReleaseOps/ReleaseOps.psd1'),
    [int] $Files = 20000,
    [int] $Commits = 50000,
    [int] $Ahead = 25,
    [int] $ReleaseEvery = 0,
    [int] $Rounds = 3,
    # Uses (or keeps) the generated repository at this path instead of a temporary one.
    [string] $Seed
)

$ErrorActionPreference = 'Stop'
Import-Module (Resolve-Path $ModulePath).Path
$dir = Join-Path ([System.IO.Path]::GetTempPath()) "releaseops-bench-metrics-$PID"
$null = New-Item -ItemType Directory -Path $dir
function git { & (Get-Command git -CommandType Application | Select-Object -First 1) -c user.name=Bench -c user.email=bench@example.com @args; if ($LASTEXITCODE) { throw "git $args failed" } }

# The script a user would write with git alone: the same figures as Get-ReleaseMetrics' Overall row.
function Measure-WithGitLog([string] $Repo) {
    $tags = @{}
    foreach ($line in (git -C $Repo for-each-ref refs/tags --format='%(objectname) %(*objectname) %(taggerdate:unix) %(creatordate:unix) %(refname:short)')) {
        $f = $line.Split(' ')
        $target = if ($f[1]) { $f[1] } else { $f[0] }
        $time = if ($f[2]) { [long] $f[2] } else { [long] $f[3] }
        $tags[$target] = @{ Time = $time; Name = $f[4] }
    }
    $deliveries = [System.Collections.Generic.List[object]]::new()
    foreach ($line in (git -C $Repo log --first-parent --format='%H %P' master)) {
        $sha = $line.Substring(0, 40)
        if ($tags.ContainsKey($sha)) { $deliveries.Add(@{ Sha = $sha; Time = $tags[$sha].Time }) }
    }
    $deliveries.Reverse()
    $leads = [System.Collections.Generic.List[long]]::new()
    $previous = $null
    foreach ($d in $deliveries) {
        [string[]] $range = @($d.Sha)
        if ($previous) { $range += "^$previous" }
        foreach ($t in (git -C $Repo log --no-merges --format=%ct @range)) { $leads.Add([Math]::Max(0, $d.Time - [long] $t)) }
        $previous = $d.Sha
    }
    $sorted = $leads.ToArray(); [Array]::Sort($sorted)
    # Nearest rank, as Get-ReleaseMetrics: the smallest value with at least p% of the values at or below it.
    $rank = { param($p) $sorted[[Math]::Max(0, [int][Math]::Ceiling($p * $sorted.Count) - 1)] }
    [pscustomobject]@{ Releases = $deliveries.Count; Median = & $rank 0.5; P90 = & $rank 0.9 }
}

try {
    $seedPath = if ($Seed) { $Seed } else { Join-Path $dir 'seed.git' }
    if (-not (Test-Path $seedPath)) {
        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        git init -q --bare -b master $seedPath
        $stream = Join-Path $dir 'import.stream'
        $w = [System.IO.StreamWriter]::new($stream, $false, [System.Text.UTF8Encoding]::new($false))
        $w.NewLine = "`n"
        $when = [DateTimeOffset]::UtcNow.AddDays(-400).ToUnixTimeSeconds()
        function Write-Data([string] $text) { $b = [System.Text.Encoding]::UTF8.GetByteCount($text); $w.WriteLine("data $b"); $w.WriteLine($text) }
        $w.WriteLine('commit refs/heads/master'); $w.WriteLine('mark :1'); $w.WriteLine("committer Bench <bench@example.com> $when +0000"); Write-Data 'Initial import'
        for ($f = 0; $f -lt $Files; $f++) { $w.WriteLine("M 100644 inline src/m$($f % 100)/file$f.txt"); Write-Data "file $f`nline 2" }
        $w.WriteLine()
        $random = [System.Random]::new(42)
        for ($c = 1; $c -lt $Commits; $c++) {
            $f = $random.Next($Files)
            $w.WriteLine('commit refs/heads/master'); $w.WriteLine("mark :$($c + 1)"); $w.WriteLine("committer Bench <bench@example.com> $($when + $c) +0000"); Write-Data "change $c"
            $w.WriteLine("M 100644 inline src/m$($f % 100)/file$f.txt"); Write-Data "file $f`nchange $c"; $w.WriteLine()
            if ($ReleaseEvery -gt 0 -and $c % $ReleaseEvery -eq 0 -and $c -lt $Commits - 1) {
                # A release an hour after its last commit.
                $w.WriteLine("tag v1.$($c / $ReleaseEvery).0"); $w.WriteLine("from :$($c + 1)"); $w.WriteLine("tagger Bench <bench@example.com> $($when + $c + 3600) +0000"); Write-Data "Release $c"
            }
        }
        # Last week's release, on master's tip, as in bench/Release.Bench.ps1.
        $w.WriteLine('tag v2025.40.0'); $w.WriteLine('from refs/heads/master'); $w.WriteLine("tagger Bench <bench@example.com> $($when + $Commits) +0000"); Write-Data 'Release v2025.40.0'
        $w.WriteLine('reset refs/heads/develop'); $w.WriteLine('from refs/heads/master'); $w.WriteLine()
        for ($c = 0; $c -lt $Ahead; $c++) {
            $f = $random.Next($Files)
            $w.WriteLine('commit refs/heads/develop'); $w.WriteLine("committer Bench <bench@example.com> $($when + $Commits + $c) +0000"); Write-Data "feat: develop change $c"
            $w.WriteLine("M 100644 inline src/new/feature$c.txt"); Write-Data "feature $c"; $w.WriteLine()
        }
        $w.Dispose()
        & /bin/sh -c 'git -C "$1" fast-import --quiet < "$2"' sh $seedPath $stream
        if ($LASTEXITCODE) { throw 'git fast-import failed' }
        git -C $seedPath gc -q
        Write-Host ("Generated {0:N0} commits and {1:N0} files in {2:N0} s" -f ($Commits + $Ahead), $Files, $watch.Elapsed.TotalSeconds)
    }

    $best = @{ ours = [double]::MaxValue; cli = [double]::MaxValue }
    foreach ($round in 1..$Rounds) {
        $t = Measure-Command { $metrics = Get-ReleaseMetrics -Path $seedPath -Since '2000-01-01' }
        $best.ours = [Math]::Min($best.ours, $t.TotalMilliseconds)
        $oursThisRound = $t.TotalMilliseconds
        $t = Measure-Command { $cli = Measure-WithGitLog $seedPath }
        $best.cli = [Math]::Min($best.cli, $t.TotalMilliseconds)
        $overall = $metrics | Where-Object Period -EQ Overall
        $total = $overall.Releases + $overall.Hotfixes
        if ($total -ne $cli.Releases -or [long] $overall.LeadTimeMedian.TotalSeconds -ne $cli.Median -or [long] $overall.LeadTimeP90.TotalSeconds -ne $cli.P90) {
            throw "The two differ: Get-ReleaseMetrics $total deliveries, median $($overall.LeadTimeMedian), p90 $($overall.LeadTimeP90); git log $($cli.Releases), $($cli.Median) s, $($cli.P90) s."
        }
        Write-Host ("  round {0}: Get-ReleaseMetrics {1:N0} ms, git log script {2:N0} ms ({3} releases, {4:N0} changes)" -f $round, $oursThisRound, $t.TotalMilliseconds, $total, $overall.Changes)
    }
    $ratio = $best.ours / $best.cli
    '{0:N0} commits, best of {1}: Get-ReleaseMetrics {2:N0} ms (target <= 1000 ms {3}), git log script {4:N0} ms, ratio {5:N2} (target <= 1) {6}' -f `
        ($Commits + $Ahead), $Rounds, $best.ours, $(if ($best.ours -le 1000) { 'MET' } else { 'MISSED' }), $best.cli, $ratio, $(if ($ratio -le 1) { 'MET' } else { 'MISSED' })
}
finally {
    Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue
}
