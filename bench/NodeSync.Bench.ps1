<#
.SYNOPSIS
    Sync-NodeDatabase against a hand-written pg_dump | pg_restore pipe over ssh, and Sync-NodeFiles against plain
    rsync, between the same two sandbox nodes, in the same run.
.DESCRIPTION
    Starts two sandbox nodes (root needed) with a PostgreSQL cluster in each (Debian's postgresql package on this
    machine; the nodes share its binaries), then:
      Database, at two sizes (-SmallMB and -LargeMB of table data, generated on the source):
        - the pipe: ssh src 'sudo -u postgres pg_dump -Fc db' | ssh dst 'sudo -u postgres pg_restore -d copy' (OpenSSH,
          the same key and known_hosts), into a fresh database;
        - Sync-NodeDatabase -NoVerify (the same transfer, plus the staging database and the switch), and
          Sync-NodeDatabase with its verification (row counts and checksums of every table on both nodes);
        each Sync-NodeDatabase runs in a fresh pwsh whose peak working set is reported, to show it stays flat as
        the database grows (the dump streams through a fixed 256 KB buffer).
      Files (-Files files of -FileKB KB, half compressible text, half random bytes):
        - rsync -a --delete, run on the source node with -e ssh to the target node (the nodes share loopback);
        - Sync-NodeFiles (through this machine), and Sync-NodeFiles -NoVerify;
        first the initial copy, then an incremental run after -Changed files changed and one was deleted.
    Prints the times, the throughput ratios (target: at least 0.9 for the database) and the peak working sets.

    Recorded here on 2026-11-27 (2 cores shared with two other sessions' builds, 23 GB RAM; nodes on tmpfs;
    PostgreSQL 15; `dotnet pwsh -NoProfile -File bench/NodeSync.Bench.ps1`, defaults: 200 MB and 1 GB databases,
    2000 files of 100 KB). The whole run takes about 6 minutes, so 1 GB is the size measured.

      Database     on disk  dump    pipe     Sync -NoVerify  ratio   peak WS   Sync verified  peak WS
      small         201 MB  81 MB    9.3 s   10.5 s          0.88    148 MB    13.3 s         164 MB
      large         976 MB  405 MB  42.1 s   49.4 s          0.85    168 MB    61.6 s         164 MB

      Files (200 MB)   rsync   Sync-NodeFiles (verified)  ratio   -NoVerify  ratio   peak WS
      initial          1.8 s   5.7 s                      0.33    3.9 s      0.47    152 MB
      incremental      0.4 s   2.2 s                      0.21    0.5 s      0.91    140 MB
                       (10 files changed, 1 deleted: Sync-NodeFiles sent exactly those)

    Reading it:
      - Memory is flat: the pwsh process peaks at 148-168 MB whether the dump is 81 MB or 405 MB, and at 152 MB for
        200 MB of files. An earlier run WITHOUT the credit gate (see NodeStream.cs) peaked at 448 MB for the same files,
        because SSH.NET acknowledges channel data on arrival, so a fast source piles up in memory; that run's database
        ratio was 0.94-0.95. The gate (an extra pipe copy through perl on the source, on 2 busy cores) costs about
        10 percent: 0.85-0.88 against the target of 0.9, missed by a little. Runs vary by about 10 percent here.
      - The verified sync adds the row counts and checksums of every table on both nodes (about 12 s for 1 GB).
      - Files: rsync runs node to node directly (the sandbox nodes share loopback); Sync-NodeFiles relays through this
        machine (nodes need not reach each other), where SSH.NET's managed crypto, twice, caps it at about 50 MB/s here. The
        incremental run is as fast as rsync without verification; the default verification hashes every file on both
        nodes (rsync checks only what it sent).

#>
[CmdletBinding()]
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/ReleaseOps/ReleaseOps.psd1'),
    [int] $SmallMB = 200,
    [int] $LargeMB = 1000,
    [int] $Files = 2000,
    [int] $FileKB = 100,
    [int] $Changed = 10
)

$ErrorActionPreference = 'Stop'
$module = (Resolve-Path $ModulePath).Path
Import-Module $module
foreach ($tool in 'rsync', 'ssh', 'pg_dump') { if (-not (Get-Command $tool -ErrorAction SilentlyContinue)) { throw "$tool is missing: apt-get install rsync openssh-client postgresql" } }

# Under /var/tmp, which the nodes see through their overlay, so the source node can use the key for rsync's ssh.
$dir = "/var/tmp/releaseops-bench-sync-$PID"
$null = New-Item -ItemType Directory -Path $dir
& ssh-keygen -q -t ed25519 -N '' -f "$dir/id_ed25519" | Out-Null
$config = "$dir/ssh_config"; Set-Content $config '# empty'
$known = "$dir/known_hosts"
$ssh = @{ IdentityFile = "$dir/id_ed25519"; KnownHostsFile = $known; ConfigFile = $config }
$nodes = @()
function Invoke-Sql($Node, [string] $Db, [string] $Sql) {
    $r = $Node | Invoke-NodeCommand -Command 'printf "%s\n" "$2" | sudo -n -u postgres env PGDATABASE="$1" psql -X -q -At -v ON_ERROR_STOP=1 -f - 2>&1' -ArgumentList $Db, $Sql @ssh
    if (-not $r.Succeeded) { throw "SQL failed: $($r.Output)" }
    ($r.Output -split "`n" | Where-Object { $_ -and $_ -notmatch 'unable to resolve host' }) -join "`n" 
}
function Get-SshArgs($Node) { @('-F', $config, '-i', "$dir/id_ed25519", '-o', "UserKnownHostsFile=$known", '-o', 'StrictHostKeyChecking=yes', '-o', 'BatchMode=yes', '-p', $Node.Port, 'root@127.0.0.1') }
function Measure-Child([string] $Script) {
    # A fresh pwsh per run, so its peak working set belongs to that run alone.
    $file = "$dir/child-$([guid]::NewGuid().ToString('N')).ps1"
    # The time is the cmdlet's own (measured inside the child), without pwsh's start and the module's import.
    Set-Content $file ("`$ErrorActionPreference = 'Stop'; Import-Module '$module'; `$w = [System.Diagnostics.Stopwatch]::StartNew()`n" + $Script + "`n'TIME ' + `$w.Elapsed.TotalSeconds.ToString([cultureinfo]::InvariantCulture)`n'PEAK ' + [System.Diagnostics.Process]::GetCurrentProcess().PeakWorkingSet64")
    $out = & (Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')) -NoProfile -NonInteractive -File $file 2>&1
    if ($LASTEXITCODE -ne 0) { throw "child failed: $($out -join "`n")" }
    $seconds = [double]::Parse((($out | Where-Object { "$_" -like 'TIME *' } | Select-Object -Last 1) -replace 'TIME ', ''), [cultureinfo]::InvariantCulture)
    [pscustomobject]@{ Seconds = $seconds; PeakMB = [long](($out | Where-Object { "$_" -like 'PEAK *' } | Select-Object -Last 1) -replace 'PEAK ', '') / 1MB; Output = $out }
}

try {
    $src = New-ProjectNode -Provider Sandbox -Project bench -Client syncsrc -PublicKey "$dir/id_ed25519.pub" -KnownHostsFile $known
    $dst = New-ProjectNode -Provider Sandbox -Project bench -Client syncdst -PublicKey "$dir/id_ed25519.pub" -KnownHostsFile $known
    $nodes = $src, $dst
    $start = @'
set -e
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
mkdir -p /var/lib/releaseops-pg /run/postgresql && chown postgres:postgres /var/lib/releaseops-pg /run/postgresql
su postgres -s /bin/sh -c "$bin/initdb -A trust -D /var/lib/releaseops-pg/data >/dev/null && $bin/pg_ctl -D /var/lib/releaseops-pg/data -l /var/lib/releaseops-pg/log -o '-c listen_addresses= -c unix_socket_directories=/run/postgresql -c fsync=off -c full_page_writes=off -c max_wal_size=4GB' -w start >/dev/null"
'@
    foreach ($n in $nodes) { $r = $n | Invoke-NodeCommand -Command $start @ssh; if (-not $r.Succeeded) { throw $r.Error } }

    $results = [ordered]@{}
    $rows = 0
    $null = Invoke-Sql $src postgres 'CREATE DATABASE bench'
    $null = Invoke-Sql $src bench 'CREATE TABLE items (id bigint PRIMARY KEY, title text, body text, blob bytea); CREATE TABLE events (id bigserial PRIMARY KEY, item_id bigint, kind text, at timestamptz)'
    foreach ($size in $SmallMB, $LargeMB) {
        # About 1 KB per item row: hex text that compresses about 2:1 (as real data does, roughly), and 128 random-looking bytes.
        $target = [long]$size * 1000
        $w = [System.Diagnostics.Stopwatch]::StartNew()
        $step = 100000
        while ($rows -lt $target) {
            $to = [Math]::Min($target, $rows + $step)
            $null = Invoke-Sql $src bench "INSERT INTO items SELECT g, 'item ' || g, (SELECT string_agg(md5(g::text || '-' || i), ' ') FROM generate_series(1, 20) i), decode(md5(g::text) || md5((g + 1)::text) || md5((g + 2)::text) || md5((g + 3)::text) || md5((g + 4)::text) || md5((g + 5)::text) || md5((g + 6)::text) || md5((g + 7)::text), 'hex') FROM generate_series($($rows + 1), $to) g; INSERT INTO events (item_id, kind, at) SELECT g, 'created', now() FROM generate_series($($rows + 1), $to) g;"
            $rows = $to
        }
        $null = Invoke-Sql $src bench 'VACUUM ANALYZE'
        $dbBytes = [long](Invoke-Sql $src bench 'SELECT pg_database_size(current_database())')
        Write-Host ("Database at {0:N0} MB on disk ({1:N0} item rows), generated in {2:N0} s" -f ($dbBytes / 1MB), $rows, $w.Elapsed.TotalSeconds)

        # The hand-written pipe, into a fresh database.
        $null = Invoke-Sql $dst postgres 'DROP DATABASE IF EXISTS pipecopy WITH (FORCE)'
        $null = Invoke-Sql $dst postgres 'CREATE DATABASE pipecopy'
        $sa = (Get-SshArgs $src) -join ' '; $da = (Get-SshArgs $dst) -join ' '
        $pipe = Measure-Command { & bash -c "set -o pipefail; ssh $sa 'sudo -n -u postgres pg_dump -Fc bench 2>/dev/null' | ssh $da 'sudo -n -u postgres pg_restore --no-owner -d pipecopy 2>/dev/null'" ; if ($LASTEXITCODE) { throw 'the pipe failed' } }
        $null = Invoke-Sql $dst postgres 'DROP DATABASE IF EXISTS pipecopy WITH (FORCE)'

        $args_ = "-IdentityFile '$dir/id_ed25519' -KnownHostsFile '$known' -ConfigFile '$config'"
        $nov = Measure-Child "`$r = Sync-NodeDatabase -Source 127.0.0.1:$($src.Port) -Target 127.0.0.1:$($dst.Port) -Database bench -Force -NoVerify $args_; 'BYTES ' + `$r.Bytes"
        $ver = Measure-Child "`$r = Sync-NodeDatabase -Source 127.0.0.1:$($src.Port) -Target 127.0.0.1:$($dst.Port) -Database bench -Force $args_; if (-not `$r.Verified) { throw 'not verified' }; 'ROWS ' + `$r.Rows"
        $dumpBytes = [long](($nov.Output | Where-Object { "$_" -like 'BYTES *' }) -replace 'BYTES ', '')
        $results["db$size"] = [pscustomobject]@{ SizeMB = [long]($dbBytes / 1MB); DumpMB = [long]($dumpBytes / 1MB); Pipe = $pipe.TotalSeconds; Sync = $nov.Seconds; SyncPeakMB = $nov.PeakMB; Verified = $ver.Seconds; VerifiedPeakMB = $ver.PeakMB }
        Write-Host ("  pipe {0,7:N1} s | Sync-NodeDatabase -NoVerify {1,7:N1} s (throughput ratio {2:N2}), peak working set {3:N0} MB | verified {4,7:N1} s, peak {5:N0} MB | dump {6:N0} MB" -f `
                $pipe.TotalSeconds, $nov.Seconds, ($pipe.TotalSeconds / $nov.Seconds), $nov.PeakMB, $ver.Seconds, $ver.PeakMB, ($dumpBytes / 1MB))
    }

    # Files: half text, half random bytes.
    $gen = 'set -e; mkdir -p "$1"; cd "$1"; i=0; while [ $i -lt "$2" ]; do d=d$((i % 20)); mkdir -p $d; if [ $((i % 2)) -eq 0 ]; then yes "line $i of some upload text" | head -c "$3" > $d/f$i.txt; else head -c "$3" /dev/urandom > $d/f$i.bin; fi; i=$((i + 1)); done'
    $null = $src | Invoke-NodeCommand -Command $gen -ArgumentList '/srv/data', $Files, ($FileKB * 1024) @ssh
    $rsyncCmd = 'rsync -a --delete -e "ssh -F $1 -i $2 -o UserKnownHostsFile=$3 -o StrictHostKeyChecking=yes -o BatchMode=yes -p $4" /srv/data/ root@127.0.0.1:/srv/rsync-copy/'
    $rsyncArgs = @($config, "$dir/id_ed25519", $known, $dst.Port)
    $change = 'cd /srv/data && for f in $(find . -type f | sort | head -n "$1"); do echo changed >> "$f"; done && rm -f "$(find . -type f | sort | tail -n 1)"'
    $fileRuns = [ordered]@{}
    foreach ($phase in 'initial', 'incremental') {
        if ($phase -eq 'incremental') { $null = $src | Invoke-NodeCommand -Command $change -ArgumentList $Changed @ssh }
        $t = Measure-Command { $r = $src | Invoke-NodeCommand -Command $rsyncCmd -ArgumentList $rsyncArgs @ssh; if (-not $r.Succeeded) { throw "rsync failed: $($r.Error)" } }
        $a = Measure-Child "`$r = Sync-NodeFiles -Source 127.0.0.1:$($src.Port) -Target 127.0.0.1:$($dst.Port) -Path /srv/data -TargetPath /srv/sync-copy -IdentityFile '$dir/id_ed25519' -KnownHostsFile '$known' -ConfigFile '$config'; 'CHANGED ' + `$r.ChangedFiles"
        $b = Measure-Child "`$r = Sync-NodeFiles -Source 127.0.0.1:$($src.Port) -Target 127.0.0.1:$($dst.Port) -Path /srv/data -TargetPath /srv/sync-copy2 -NoVerify -IdentityFile '$dir/id_ed25519' -KnownHostsFile '$known' -ConfigFile '$config'"
        $fileRuns[$phase] = [pscustomobject]@{ Rsync = $t.TotalSeconds; Sync = $a.Seconds; SyncNoVerify = $b.Seconds; Peak = $a.PeakMB; Changed = (($a.Output | Where-Object { "$_" -like 'CHANGED *' }) -replace 'CHANGED ', '') }
        Write-Host ("Files {0,-11} rsync {1,6:N1} s | Sync-NodeFiles {2,6:N1} s (ratio {3:N2}; {4} changed), -NoVerify {5,6:N1} s (ratio {6:N2}) | peak {7:N0} MB" -f `
                $phase, $t.TotalSeconds, $a.Seconds, ($t.TotalSeconds / $a.Seconds), $fileRuns[$phase].Changed, $b.Seconds, ($t.TotalSeconds / $b.Seconds), $a.PeakMB)
    }
}
finally {
    $nodes | Where-Object { $_ } | Remove-ProjectNode -Force -KnownHostsFile $known
    Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue
}
