<#
.SYNOPSIS
    Sync-NodeFile against plain rsync, between the same two sandbox nodes, in the same run.
.DESCRIPTION
    Starts two sandbox nodes (root needed), writes -Files files of -FileKB KB on the source (half compressible text,
    half random bytes), then:
      - rsync -a --delete, run on the source node with -e ssh to the target node (the nodes share loopback), started
        through the bench's open session; and the same as an admin types it (ssh old-node rsync ..., OpenSSH from this
        machine's shell, its start and handshake included), into a folder of its own;
      - Sync-NodeFile (rsync's protocol relayed through this machine), and Sync-NodeFile -NoVerify;
      - Sync-NodeFile -Direct (node to node, with a temporary key), and Sync-NodeFile -Direct -NoVerify;
      - Sync-NodeFile -Direct again, in a process that has run one sync already (of a small folder), as in a migration;
    first the initial copy, then an incremental run after -Changed files changed and one was deleted. Each
    Sync-NodeFile runs in a fresh pwsh whose peak working set is reported. Prints the times and the ratios (rsync's
    time over Sync-NodeFile' time). The database's benchmark is bench/NodeDatabase.Bench.ps1 (on the Docker rig).

    The figures of the last run are in README.md ("Benchmarks").
#>
[CmdletBinding()]
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/ReleaseOps/ReleaseOps.psd1'),
    [int] $Files = 2000,
    [int] $FileKB = 100,
    [int] $Changed = 10
)

$ErrorActionPreference = 'Stop'
$module = (Resolve-Path $ModulePath).Path
Import-Module $module
foreach ($tool in 'rsync', 'ssh') { if (-not (Get-Command $tool -ErrorAction SilentlyContinue)) { throw "$tool is missing: apt-get install rsync openssh-client" } }

# Under /var/tmp, which the nodes see through their overlay, so the source node can use the key for rsync's ssh.
$dir = "/var/tmp/releaseops-bench-sync-$PID"
$null = New-Item -ItemType Directory -Path $dir
& ssh-keygen -q -t ed25519 -N '' -f "$dir/id_ed25519" | Out-Null
$config = "$dir/ssh_config"; Set-Content $config '# empty'
$known = "$dir/known_hosts"
$ssh = @{ IdentityFile = "$dir/id_ed25519"; KnownHostsFile = $known; ConfigFile = $config }
$nodes = @()
function Measure-Child([string] $Script, [string] $Warmup = '') {
    # A fresh pwsh per run, so its peak working set belongs to that run alone.
    $file = "$dir/child-$([guid]::NewGuid().ToString('N')).ps1"
    # The time is the cmdlet's own (measured inside the child), without pwsh's start and the module's import; after
    # -Warmup, when given (a first sync in the same process, as in Invoke-Migration, whose process is running already).
    Set-Content $file ("`$ErrorActionPreference = 'Stop'; Import-Module '$module'; `$null = & { $Warmup }; `$w = [System.Diagnostics.Stopwatch]::StartNew()`n" + $Script + "`n'TIME ' + `$w.Elapsed.TotalSeconds.ToString([cultureinfo]::InvariantCulture)`n'PEAK ' + [System.Diagnostics.Process]::GetCurrentProcess().PeakWorkingSet64")
    $out = & (Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')) -NoProfile -NonInteractive -File $file 2>&1
    if ($LASTEXITCODE -ne 0) { throw "child failed: $($out -join "`n")" }
    $seconds = [double]::Parse((($out | Where-Object { "$_" -like 'TIME *' } | Select-Object -Last 1) -replace 'TIME ', ''), [cultureinfo]::InvariantCulture)
    [pscustomobject]@{ Seconds = $seconds; PeakMB = [long](($out | Where-Object { "$_" -like 'PEAK *' } | Select-Object -Last 1) -replace 'PEAK ', '') / 1MB; Output = $out }
}

try {
    $src = New-ProjectNode -Provider Sandbox -Project bench -Client syncsrc -PublicKey "$dir/id_ed25519.pub" -KnownHostsFile $known
    $dst = New-ProjectNode -Provider Sandbox -Project bench -Client syncdst -PublicKey "$dir/id_ed25519.pub" -KnownHostsFile $known
    $nodes = $src, $dst
    # Files: half text, half random bytes.
    $gen = 'set -e; mkdir -p "$1"; cd "$1"; i=0; while [ $i -lt "$2" ]; do d=d$((i % 20)); mkdir -p $d; if [ $((i % 2)) -eq 0 ]; then yes "line $i of some upload text" | head -c "$3" > $d/f$i.txt; else head -c "$3" /dev/urandom > $d/f$i.bin; fi; i=$((i + 1)); done'
    $null = $src | Invoke-NodeCommand -Command $gen -ArgumentList '/srv/data', $Files, ($FileKB * 1024) @ssh
    $null = $src | Invoke-NodeCommand -Command $gen -ArgumentList '/srv/warmup', 4, 1024 @ssh
    $rsyncCmd = 'rsync -a --delete -e "ssh -F $1 -i $2 -o UserKnownHostsFile=$3 -o StrictHostKeyChecking=yes -o BatchMode=yes -p $4" /srv/data/ root@127.0.0.1:/srv/rsync-copy/'
    $rsyncArgs = @($config, "$dir/id_ed25519", $known, $dst.Port)
    $change = 'cd /srv/data && for f in $(find . -type f | sort | head -n "$1"); do echo changed >> "$f"; done && rm -f "$(find . -type f | sort | tail -n 1)"'
    $fileRuns = [ordered]@{}
    foreach ($phase in 'initial', 'incremental') {
        if ($phase -eq 'incremental') { $null = $src | Invoke-NodeCommand -Command $change -ArgumentList $Changed @ssh }
        $t = Measure-Command { $r = $src | Invoke-NodeCommand -Command $rsyncCmd -ArgumentList $rsyncArgs @ssh; if (-not $r.Succeeded) { throw "rsync failed: $($r.Error)" } }
        # The same rsync as an admin types it: OpenSSH from this machine's shell to the old node (its process start and
        # handshake included), into a folder of its own so that it does the same work.
        $typed = "rsync -a --delete -e 'ssh -F $config -i $dir/id_ed25519 -o UserKnownHostsFile=$known -o StrictHostKeyChecking=yes -o BatchMode=yes -p $($dst.Port)' /srv/data/ root@127.0.0.1:/srv/rsync-typed/"
        $u = Measure-Command { & ssh -F $config -i "$dir/id_ed25519" -o "UserKnownHostsFile=$known" -o StrictHostKeyChecking=yes -o BatchMode=yes -p $src.Port root@127.0.0.1 $typed; if ($LASTEXITCODE -ne 0) { throw "ssh rsync failed: $LASTEXITCODE" } }
        $a = Measure-Child "`$r = Sync-NodeFile -Source 127.0.0.1:$($src.Port) -Target 127.0.0.1:$($dst.Port) -Path /srv/data -TargetPath /srv/sync-copy -IdentityFile '$dir/id_ed25519' -KnownHostsFile '$known' -ConfigFile '$config'; 'CHANGED ' + `$r.ChangedFiles + ' via ' + `$r.Transport + ', ' + `$r.Bytes + ' bytes relayed, ' + `$r.Hashed + ' hashed'"
        $b = Measure-Child "`$r = Sync-NodeFile -Source 127.0.0.1:$($src.Port) -Target 127.0.0.1:$($dst.Port) -Path /srv/data -TargetPath /srv/sync-copy2 -NoVerify -IdentityFile '$dir/id_ed25519' -KnownHostsFile '$known' -ConfigFile '$config'"
        # The direct path, in the same run: the new node's rsync fetches from the old node over its own ssh.
        $c = Measure-Child "`$r = Sync-NodeFile -Source 127.0.0.1:$($src.Port) -Target 127.0.0.1:$($dst.Port) -Path /srv/data -TargetPath /srv/direct-copy -Direct -IdentityFile '$dir/id_ed25519' -KnownHostsFile '$known' -ConfigFile '$config'; if (`$r.Transport -ne 'rsync-direct') { throw `$r.Transport }; 'CHANGED ' + `$r.ChangedFiles + ', ' + `$r.Bytes + ' bytes received, ' + `$r.Hashed + ' hashed'"
        $d = Measure-Child "`$r = Sync-NodeFile -Source 127.0.0.1:$($src.Port) -Target 127.0.0.1:$($dst.Port) -Path /srv/data -TargetPath /srv/direct-copy2 -Direct -NoVerify -IdentityFile '$dir/id_ed25519' -KnownHostsFile '$known' -ConfigFile '$config'"
        # The same -Direct sync in a process that has run one already (a small folder, first), as within a migration.
        $warm = "Sync-NodeFile -Source 127.0.0.1:$($src.Port) -Target 127.0.0.1:$($dst.Port) -Path /srv/warmup -TargetPath /srv/warmup-copy-$phase -Direct -IdentityFile '$dir/id_ed25519' -KnownHostsFile '$known' -ConfigFile '$config'"
        $e = Measure-Child "`$r = Sync-NodeFile -Source 127.0.0.1:$($src.Port) -Target 127.0.0.1:$($dst.Port) -Path /srv/data -TargetPath /srv/direct-copy3 -Direct -IdentityFile '$dir/id_ed25519' -KnownHostsFile '$known' -ConfigFile '$config'; if (-not `$r.Verified) { throw 'not verified' }" -Warmup $warm
        $fileRuns[$phase] = [pscustomobject]@{ Rsync = $t.TotalSeconds; RsyncTyped = $u.TotalSeconds; Sync = $a.Seconds; SyncNoVerify = $b.Seconds; Direct = $c.Seconds; DirectNoVerify = $d.Seconds; DirectWarm = $e.Seconds; Peak = $a.PeakMB; Changed = (($a.Output | Where-Object { "$_" -like 'CHANGED *' }) -replace 'CHANGED ', '') }
        Write-Host ("Files {0,-11} rsync {1,6:N1} s | Sync-NodeFile {2,6:N1} s (ratio {3:N2}; {4} changed), -NoVerify {5,6:N1} s (ratio {6:N2}) | peak {7:N0} MB" -f `
                $phase, $t.TotalSeconds, $a.Seconds, ($t.TotalSeconds / $a.Seconds), $fileRuns[$phase].Changed, $b.Seconds, ($t.TotalSeconds / $b.Seconds), $a.PeakMB)
        Write-Host ("Files {0,-11} rsync {1,6:N1} s | Sync-NodeFile -Direct {2,6:N1} s (ratio {3:N2}; {4}), -Direct -NoVerify {5,6:N1} s (ratio {6:N2}) | target 0.9" -f `
                $phase, $t.TotalSeconds, $c.Seconds, ($t.TotalSeconds / $c.Seconds), (($c.Output | Where-Object { "$_" -like 'CHANGED *' }) -replace 'CHANGED ', ''), $d.Seconds, ($t.TotalSeconds / $d.Seconds))
        Write-Host ("Files {0,-11} rsync {1,6:N1} s | Sync-NodeFile -Direct in a process that ran one already {2,6:N1} s (ratio {3:N2}) | target 0.9" -f $phase, $t.TotalSeconds, $e.Seconds, ($t.TotalSeconds / $e.Seconds))
        Write-Host ("Files {0,-11} rsync typed (ssh old-node rsync ..., OpenSSH from this shell) {1,6:N2} s | ratios: Sync-NodeFile {2:N2} ({3:N2} -NoVerify), -Direct {4:N2} ({5:N2} -NoVerify), -Direct warm {6:N2}" -f `
                $phase, $u.TotalSeconds, ($u.TotalSeconds / $a.Seconds), ($u.TotalSeconds / $b.Seconds), ($u.TotalSeconds / $c.Seconds), ($u.TotalSeconds / $d.Seconds), ($u.TotalSeconds / $e.Seconds))
    }
}
finally {
    $nodes | Where-Object { $_ } | Remove-ProjectNode -Force -KnownHostsFile $known
    Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue
}
