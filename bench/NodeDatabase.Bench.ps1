<#
.SYNOPSIS
    Sync-NodeDatabase against the hand-written `ssh old 'docker exec db pg_dump -Fc' | ssh new 'docker exec -i db
    pg_restore'` pipe, between the same two Docker nodes, in the same run.
.DESCRIPTION
    Builds the Docker test rig (tests/Pester/DockerFixtures.psm1: two sandbox nodes, each with its own Docker engine;
    root, docker.io, docker-compose and debootstrap, as in .ci/run) and runs the sample stack (samples/stack) on both,
    so that PostgreSQL 15 runs in each node's compose `db` service, as on the agency's nodes. Then, at two sizes
    (-SmallMB and -LargeMB of table data, generated on the source in the database `bench`):
      - the pipe: ssh src 'docker exec shop_db_1 pg_dump -Fc' | ssh dst 'docker exec -i shop_db_1 pg_restore' (OpenSSH,
        the same key and known_hosts), into a fresh database;
      - Sync-NodeDatabase -ComposeDirectory /srv/shop -NoVerify: the same transfer through the admin's machine, plus the
        staging database and the switch, with its default compression (zlib level 1), and again at pg_dump's own
        default level (6, as the pipe dumps) to show the cost of the relay alone; and Sync-NodeDatabase with its
        verification (row counts and checksums of every table on both nodes). Each runs in a fresh pwsh, whose peak
        working set is reported.
    Prints the times, the throughput ratio (pipe time / Sync time; target: at least 0.9) and the peak working sets
    (target: flat as the database grows).

    The figures of the last run are in README.md ("Benchmarks").
#>
[CmdletBinding()]
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/ReleaseOps/ReleaseOps.psd1'),
    [int] $SmallMB = 200,
    [int] $LargeMB = 1000,
    [int] $Rounds = 1
)

$ErrorActionPreference = 'Stop'
$root = (Resolve-Path (Join-Path $PSScriptRoot '..')).Path
$module = (Resolve-Path $ModulePath).Path
Import-Module $module
Import-Module (Join-Path $root 'tests/Pester/SshFixtures.psm1') -Force
Import-Module (Join-Path $root 'tests/Pester/DockerFixtures.psm1') -Force
Import-Module (Join-Path $root 'tests/Pester/TestHelpers.psm1') -Force

$dir = "/var/tmp/releaseops-bench-db-$PID"
$ctx = New-SshTestContext -Directory "$dir/ssh"
$global:PSDefaultParameterValues = $ctx.Defaults.Clone()
Set-DockerFixtureContext $ctx
$nodes = @()
function Invoke-Sql($Node, [string] $Db, [string] $Sql) {
    Invoke-RigCommand $Node 'printf "%s\n" "$2" | docker exec -i shop_db_1 psql --username=postgres -X -q -At -v ON_ERROR_STOP=1 -d "$1" -f -' -ArgumentList $Db, $Sql
}
function Get-SshArgs($Node) { "-F $($ctx.ConfigFile) -i $($ctx.IdentityFile) -o UserKnownHostsFile=$($ctx.KnownHostsFile) -o StrictHostKeyChecking=yes -o BatchMode=yes -p $($Node.Port) root@127.0.0.1" }
function Measure-Child([string] $Script) {
    # A fresh pwsh per run, so that its peak working set belongs to that run alone; the time is the cmdlet's own.
    $file = "$dir/child-$([guid]::NewGuid().ToString('N')).ps1"
    Set-Content $file ("`$ErrorActionPreference = 'Stop'; Import-Module '$module'; `$w = [System.Diagnostics.Stopwatch]::StartNew()`n" + $Script + "`n'TIME ' + `$w.Elapsed.TotalSeconds.ToString([cultureinfo]::InvariantCulture)`n'PEAK ' + [System.Diagnostics.Process]::GetCurrentProcess().PeakWorkingSet64")
    $out = & (Join-Path $PSHOME 'pwsh') -NoProfile -NonInteractive -File $file 2>&1
    if ($LASTEXITCODE -ne 0) { throw "child failed: $($out -join "`n")" }
    [pscustomobject]@{
        Seconds = [double]::Parse((($out | Where-Object { "$_" -like 'TIME *' } | Select-Object -Last 1) -replace 'TIME ', ''), [cultureinfo]::InvariantCulture)
        PeakMB  = [long](($out | Where-Object { "$_" -like 'PEAK *' } | Select-Object -Last 1) -replace 'PEAK ', '') / 1MB
        Output  = $out
    }
}

try {
    $null = Install-DockerRigImage
    $src = New-DockerTestNode -Client db-src
    $dst = New-DockerTestNode -Client db-dst
    $nodes = $src, $dst
    $port = Get-FreePort
    $i = 0
    foreach ($n in $nodes) { $null = Initialize-DockerNode -Node $n; $null = Install-SampleStack -Node $n -Address "127.0.0.9$(5 + $i++)" -Port $port -Up }
    $null = Invoke-Sql $src postgres 'CREATE DATABASE bench'
    $null = Invoke-Sql $src bench 'CREATE TABLE items (id bigint PRIMARY KEY, title text, body text, blob bytea); CREATE TABLE events (id bigserial PRIMARY KEY, item_id bigint, kind text, at timestamptz)'
    $common = "-IdentityFile '$($ctx.IdentityFile)' -KnownHostsFile '$($ctx.KnownHostsFile)' -ConfigFile '$($ctx.ConfigFile)' -ComposeDirectory /srv/shop -Force"
    $rows = 0
    $results = @()
    foreach ($size in $SmallMB, $LargeMB) {
        # About 1 KB per item row: hex text that compresses about 2:1, and 128 random-looking bytes.
        $target = [long]$size * 1000
        while ($rows -lt $target) {
            $to = [Math]::Min($target, $rows + 100000)
            $null = Invoke-Sql $src bench "INSERT INTO items SELECT g, 'item ' || g, (SELECT string_agg(md5(g::text || '-' || i), ' ') FROM generate_series(1, 20) i), decode(md5(g::text) || md5((g + 1)::text) || md5((g + 2)::text) || md5((g + 3)::text) || md5((g + 4)::text) || md5((g + 5)::text) || md5((g + 6)::text) || md5((g + 7)::text), 'hex') FROM generate_series($($rows + 1), $to) g; INSERT INTO events (item_id, kind, at) SELECT g, 'created', now() FROM generate_series($($rows + 1), $to) g;"
            $rows = $to
        }
        $null = Invoke-Sql $src bench 'VACUUM ANALYZE'
        $dbMB = [long](Invoke-Sql $src bench 'SELECT pg_database_size(current_database())') / 1MB
        $best = $null
        for ($round = 1; $round -le $Rounds; $round++) {
            $null = Invoke-Sql $dst postgres 'DROP DATABASE IF EXISTS pipecopy WITH (FORCE)'
            $null = Invoke-Sql $dst postgres 'CREATE DATABASE pipecopy'
            $pipe = Measure-Command {
                & bash -c "set -o pipefail; ssh $(Get-SshArgs $src) 'docker exec shop_db_1 pg_dump --username=postgres -Fc bench' | ssh $(Get-SshArgs $dst) 'docker exec -i shop_db_1 pg_restore --username=postgres --no-owner -d pipecopy'"
                if ($LASTEXITCODE) { throw 'the pipe failed' }
            }
            $null = Invoke-Sql $dst postgres 'DROP DATABASE IF EXISTS pipecopy WITH (FORCE)'
            $nov = Measure-Child "`$r = Sync-NodeDatabase -Source 127.0.0.1:$($src.Port) -Target 127.0.0.1:$($dst.Port) -Database bench -NoVerify $common; 'BYTES ' + `$r.Bytes"
            # At pg_dump's own default level (6), as the pipe dumps: the same work on both sides.
            $same = Measure-Child "`$r = Sync-NodeDatabase -Source 127.0.0.1:$($src.Port) -Target 127.0.0.1:$($dst.Port) -Database bench -NoVerify -CompressionLevel 6 $common"
            $ver = Measure-Child "`$r = Sync-NodeDatabase -Source 127.0.0.1:$($src.Port) -Target 127.0.0.1:$($dst.Port) -Database bench $common; if (-not `$r.Verified) { throw 'not verified' }"
            $dumpMB = [long](($nov.Output | Where-Object { "$_" -like 'BYTES *' }) -replace 'BYTES ', '') / 1MB
            $row = [pscustomobject]@{ Size = $size; DatabaseMB = [long]$dbMB; DumpMB = $dumpMB; Round = $round; Pipe = $pipe.TotalSeconds; Sync = $nov.Seconds; Ratio = $pipe.TotalSeconds / $nov.Seconds
                SyncLevel6 = $same.Seconds; RatioLevel6 = $pipe.TotalSeconds / $same.Seconds; PeakMB = $nov.PeakMB; Verified = $ver.Seconds; VerifiedPeakMB = $ver.PeakMB }
            Write-Host ("{0,5} MB (dump {1} MB at level 1), round {2}: pipe {3,6:N1} s | Sync-NodeDatabase -NoVerify {4,6:N1} s, ratio {5:N2} (at level 6 like the pipe: {6,6:N1} s, ratio {7:N2}), peak {8:N0} MB | verified {9,6:N1} s, peak {10:N0} MB" -f `
                    $row.DatabaseMB, $dumpMB, $round, $row.Pipe, $row.Sync, $row.Ratio, $row.SyncLevel6, $row.RatioLevel6, $row.PeakMB, $row.Verified, $row.VerifiedPeakMB)
            $results += $row
        }
    }
    $results | Group-Object Size | ForEach-Object {
        $b = $_.Group | Sort-Object Ratio -Descending | Select-Object -First 1
        $l6 = ($_.Group | Measure-Object RatioLevel6 -Maximum).Maximum
        Write-Host ("{0} MB: best ratio {1:N2} (target at least 0.9: {2}); at the pipe's compression level {3:N2}; peak working set {4:N0} MB" -f $b.DatabaseMB, $b.Ratio, ($(if ($b.Ratio -ge 0.9) { 'met' } else { 'missed' })), $l6, $b.PeakMB)
    }
    $results
}
finally {
    $nodes | Where-Object { $_ } | Remove-ProjectNode -Force
    foreach ($n in $nodes) { $null = Remove-DockerNodeCgroup -NodeName $n.Name }
    $global:PSDefaultParameterValues = @{}
    Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue
}
