<#
.SYNOPSIS
    Start-Release end to end on a large repository, against the same steps done with the git CLI, in the same run.
.DESCRIPTION
    Generates a repository with git fast-import: -Files files and -Commits commits on master, and develop ahead of
    master by -Ahead commits. Two identical bare "origin" copies and two clones (each on develop) are made from it.
    Then, timed:
      - Start-Release on one clone (fetch, merge --no-ff, tag, atomic push; no gate is configured);
      - the git CLI on the other: git fetch, git checkout master, git merge --no-ff origin/develop, git tag -a,
        git push --atomic origin master <tag>.
    Prints both times and the ratio; the target is at most 1 (ReleaseOps takes at most the git CLI's time).
#>
[CmdletBinding()]
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/ReleaseOps/ReleaseOps.psd1'),
    [int] $Files = 20000,
    [int] $Commits = 50000,
    [int] $Ahead = 25,
    [int] $Rounds = 3,
    # Keeps the generated repository at this path (for profiling) instead of deleting it.
    [string] $KeepSeed
)

$ErrorActionPreference = 'Stop'
Import-Module (Resolve-Path $ModulePath).Path
$dir = Join-Path ([System.IO.Path]::GetTempPath()) "releaseops-bench-release-$PID"
$null = New-Item -ItemType Directory -Path $dir
function git { & (Get-Command git -CommandType Application | Select-Object -First 1) -c user.name=Bench -c user.email=bench@example.com @args; if ($LASTEXITCODE) { throw "git $args failed" } }

try {
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    $seed = Join-Path $dir 'seed.git'
    git init -q --bare -b master $seed
    $stream = Join-Path $dir 'import.stream'
    $w = [System.IO.StreamWriter]::new($stream, $false, [System.Text.UTF8Encoding]::new($false))
    $w.NewLine = "`n"
    $when = [DateTimeOffset]::UtcNow.AddDays(-400).ToUnixTimeSeconds()
    function Write-Data([string] $text) { $b = [System.Text.Encoding]::UTF8.GetByteCount($text); $w.WriteLine("data $b"); $w.WriteLine($text) }
    $w.WriteLine('commit refs/heads/master'); $w.WriteLine("committer Bench <bench@example.com> $when +0000"); Write-Data 'Initial import'
    for ($f = 0; $f -lt $Files; $f++) { $w.WriteLine("M 100644 inline src/m$($f % 100)/file$f.txt"); Write-Data "file $f`nline 2" }
    $w.WriteLine()
    $random = [System.Random]::new(42)
    for ($c = 1; $c -lt $Commits; $c++) {
        $f = $random.Next($Files)
        $w.WriteLine('commit refs/heads/master'); $w.WriteLine("committer Bench <bench@example.com> $($when + $c) +0000"); Write-Data "change $c"
        $w.WriteLine("M 100644 inline src/m$($f % 100)/file$f.txt"); Write-Data "file $f`nchange $c"; $w.WriteLine()
    }
    # Last week's release, on master's tip, as a real project has.
    $w.WriteLine('tag v2025.40.0'); $w.WriteLine('from refs/heads/master'); $w.WriteLine("tagger Bench <bench@example.com> $($when + $Commits) +0000"); Write-Data 'Release v2025.40.0'
    $w.WriteLine('reset refs/heads/develop'); $w.WriteLine('from refs/heads/master'); $w.WriteLine()
    for ($c = 0; $c -lt $Ahead; $c++) {
        $f = $random.Next($Files)
        $w.WriteLine('commit refs/heads/develop'); $w.WriteLine("committer Bench <bench@example.com> $($when + $Commits + $c) +0000"); Write-Data "feat: develop change $c"
        $w.WriteLine("M 100644 inline src/new/feature$c.txt"); Write-Data "feature $c"; $w.WriteLine()
    }
    $w.Dispose()
    & /bin/sh -c 'git -C "$1" fast-import --quiet < "$2"' sh $seed $stream
    if ($LASTEXITCODE) { throw 'git fast-import failed' }
    git -C $seed gc -q
    $branches = & git -C $seed for-each-ref --format="%(refname)" refs/heads
    if ($branches -notcontains "refs/heads/develop") { throw "fast-import made no develop: $branches" }
    Write-Host ("Generated {0:N0} commits and {1:N0} files in {2:N0} s" -f ($Commits + $Ahead), $Files, $watch.Elapsed.TotalSeconds)

    $best = @{ ours = [double]::MaxValue; cli = [double]::MaxValue }
    foreach ($round in 1..$Rounds) {
        $pair = foreach ($name in 'ours', 'cli') {
            $origin = Join-Path $dir "$name-$round.git"; $work = Join-Path $dir "$name-$round"
            git clone -q --bare --no-local $seed $origin
            git clone -q --no-local -b develop $origin $work
            git -C $work branch -q master origin/master
            [pscustomobject]@{ Name = $name; Work = $work; Origin = $origin }
        }
        $tag = "v9.$round.0"
        $t = Measure-Command { $info = Start-Release -Path $pair[0].Work -WarningAction SilentlyContinue }
        if ($info.Status -ne 'Released') { throw "Start-Release: $($info.Status)" }
        $oursThisRound = $t.TotalMilliseconds
        $best.ours = [Math]::Min($best.ours, $oursThisRound)
        $cli = $pair[1].Work
        $t = Measure-Command {
            git -C $cli fetch -q origin
            git -C $cli checkout -q master
            git -C $cli merge -q --no-ff origin/develop -m "Release $tag"
            git -C $cli tag -a $tag -m "Release $tag"
            git -C $cli push -q --atomic origin master $tag
        }
        $best.cli = [Math]::Min($best.cli, $t.TotalMilliseconds)
        if ((& git -C $pair[0].Origin rev-list --count master) -ne (& git -C $pair[1].Origin rev-list --count master)) { throw 'The two releases differ.' }
        Write-Host ("  round {0}: Start-Release {1:N0} ms, git CLI {2:N0} ms" -f $round, $oursThisRound, $t.TotalMilliseconds)
        $pair | ForEach-Object { Remove-Item $_.Work, $_.Origin -Recurse -Force }
    }
    $ratio = $best.ours / $best.cli
    '{0:N0} commits, {1:N0} files, best of {2}: Start-Release {3:N0} ms, git CLI {4:N0} ms, ratio {5:N2} (target <= 1) {6}' -f `
        ($Commits + $Ahead), $Files, $Rounds, $best.ours, $best.cli, $ratio, $(if ($ratio -le 1) { 'MET' } else { 'MISSED' })
}
finally {
    if ($KeepSeed -and (Test-Path (Join-Path $dir 'seed.git'))) { Move-Item (Join-Path $dir 'seed.git') $KeepSeed }
    Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue
}
