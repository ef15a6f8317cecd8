BeforeAll {
    Import-Module $env:RELEASEOPS_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'SshFixtures.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'PostgresFixtures.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:ctx = New-SshTestContext -Directory (Join-Path $TestDrive 'ssh')
    $global:PSDefaultParameterValues = $ctx.Defaults.Clone()
    Set-PostgresFixtureContext $ctx
    $script:src = New-TestNode -Client dbsrc
    $script:dst = New-TestNode -Client dbdst
    Start-NodePostgres $src
    Start-NodePostgres $dst

    # A database with several tables: one with a bytea column and 3000 rows, one in another schema with an odd name.
    $null = Invoke-NodeSql $src postgres 'CREATE DATABASE shop'
    $null = Invoke-NodeSql $src shop @'
CREATE TABLE customers (id serial PRIMARY KEY, name text NOT NULL, email text);
CREATE TABLE orders (id bigserial PRIMARY KEY, customer_id int REFERENCES customers(id), amount numeric(12,2), placed timestamptz DEFAULT now());
CREATE TABLE blobs (id int PRIMARY KEY, data bytea NOT NULL);
CREATE SCHEMA "Odd Schema";
CREATE TABLE "Odd Schema"."it's ""odd""" (k text PRIMARY KEY, v jsonb);
INSERT INTO customers (name, email) SELECT 'customer ' || g, 'c' || g || '@example.com' FROM generate_series(1, 500) g;
INSERT INTO orders (customer_id, amount) SELECT 1 + g % 500, g * 1.25 FROM generate_series(1, 2000) g;
INSERT INTO blobs SELECT g, (SELECT decode(string_agg(md5(g || '-' || i), ''), 'hex') FROM generate_series(1, 40) i) FROM generate_series(1, 3000) g;
INSERT INTO "Odd Schema"."it's ""odd""" VALUES ('a', '{"x": 1}'), ('b;$(id)', '{"y": [1, 2]}');
'@
    # The target already has an older shop, which the sync must replace.
    $null = Invoke-NodeSql $dst postgres 'CREATE DATABASE shop'
    $null = Invoke-NodeSql $dst shop "CREATE TABLE stale (id int); INSERT INTO stale VALUES (1), (2);"

    # An independent fingerprint of a whole database (not the cmdlet's own checksum): every table's rows, sorted, hashed.
    $script:Fingerprint = {
        param($Node, [string] $Db = 'shop')
        $sql = @'
SELECT string_agg(t, ';' ORDER BY t) FROM (
  SELECT format('%I.%I', table_schema, table_name) || '=' || (xpath('/row/h/text()', query_to_xml(format('SELECT md5(coalesce(string_agg(x::text, E''\n'' ORDER BY x::text), '''')) AS h FROM %I.%I x', table_schema, table_name), false, true, '')))[1]::text AS t
  FROM information_schema.tables WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')) s;
'@
        (Invoke-NodeSql $Node $Db $sql) -join ''
    }
    $script:SetWrapper = {
        param($Node, [string] $Tool, [string] $Body)
        $r = $Node | Invoke-NodeCommand -Command 'printf "%s\n" "$2" > "/usr/local/bin/$1" && chmod 755 "/usr/local/bin/$1"' -ArgumentList $Tool, "#!/bin/sh`n$Body"
        $r.Succeeded | Should -BeTrue
    }
    $script:RemoveWrapper = { param($Node, [string] $Tool) $null = $Node | Invoke-NodeCommand -Command 'rm -f "/usr/local/bin/$1"' -ArgumentList $Tool }
    # Waits (not a timing assertion) until no advisory lock is held on the target: a stopped run's lock goes with it.
    $script:WaitForNoLock = { foreach ($i in 1..150) { if ((Invoke-NodeSql $dst postgres "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'") -eq '0') { break }; Start-Sleep -Milliseconds 100 } }
}

AfterAll {
    $src, $dst | Where-Object { $_ } | Remove-ProjectNode -Force
    $global:PSDefaultParameterValues = @{}
}

Describe 'Sync-NodeDatabase' {
    It 'copies the database, verifies every table and replaces the older one' {
        $r = Sync-NodeDatabase -Source $src -Target $dst -Database shop -Force
        $r | Should -BeOfType ReleaseOps.DatabaseSyncResult
        $r.Status | Should -Be 'Synced'
        $r.Verified | Should -BeTrue
        $r.Tables | Should -Be 4
        $r.Rows | Should -Be (500 + 2000 + 3000 + 2)
        $r.Bytes | Should -BeGreaterThan 1MB
        ($r.TableDetails | Where-Object Table -EQ 'public.blobs').TargetRows | Should -Be 3000
        (& $Fingerprint $dst) | Should -Be (& $Fingerprint $src)
        Invoke-NodeSql $dst shop "SELECT count(*) FROM pg_tables WHERE tablename = 'stale'" | Should -Be '0'
        # No staging or previous database is left behind.
        Invoke-NodeSql $dst postgres "SELECT count(*) FROM pg_database WHERE datname LIKE 'releaseops_%'" | Should -Be '0'
    }

    It 'syncs again after changes: the target equals the source, with no duplicate rows, and shows progress' {
        $null = Invoke-NodeSql $src shop @'
INSERT INTO customers (name) SELECT 'late ' || g FROM generate_series(1, 25) g;
UPDATE orders SET amount = amount + 1 WHERE id % 7 = 0;
DELETE FROM blobs WHERE id > 2990;
'@
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddCommand('Import-Module').AddArgument($env:RELEASEOPS_MODULE).AddStatement().AddCommand('Sync-NodeDatabase').AddParameters(@{
                    Source = $src; Target = $dst; Database = 'shop'; Force = $true
                    IdentityFile = $ctx.IdentityFile; KnownHostsFile = $ctx.KnownHostsFile; ConfigFile = $ctx.ConfigFile })
            $r = $ps.Invoke()
            $ps.Streams.Error | Should -BeNullOrEmpty
            $r[0].Verified | Should -BeTrue
            $r[0].Rows | Should -Be (525 + 2000 + 2990 + 2)
            $progress = @($ps.Streams.Progress | Where-Object ActivityId -EQ 4710)
            @($progress | Where-Object StatusDescription -Match 'Streaming pg_dump into pg_restore|Comparing').Count | Should -BeGreaterThan 0
            $progress[-1].RecordType | Should -Be 'Completed'
        }
        finally { $ps.Dispose() }
        (& $Fingerprint $dst) | Should -Be (& $Fingerprint $src)
        Invoke-NodeSql $dst shop 'SELECT count(*) - count(DISTINCT id) FROM customers' | Should -Be '0'
        Invoke-NodeSql $dst shop 'SELECT count(*) FROM customers' | Should -Be '525'
    }

    It 'refuses to switch when verification finds a difference, and keeps the previous database' {
        $before = & $Fingerprint $dst
        $null = Invoke-NodeSql $src shop "INSERT INTO customers (name) VALUES ('after the first syncs')"
        # pg_restore on the target restores, then a row changes before the comparison (as a faulty restore would).
        & $SetWrapper $dst 'pg_restore' @'
/usr/bin/pg_restore "$@" || exit $?
for a; do case "$a" in --dbname=*) db="${a#--dbname=}";; esac; done
psql -X -q -d "$db" -c "UPDATE orders SET amount = amount + 0.01 WHERE id = 42" >/dev/null
'@
        try {
            { Sync-NodeDatabase $src $dst shop -Force -ErrorAction Stop } | Should -Throw -ErrorId 'DatabaseVerificationFailed,ReleaseOps.Commands.SyncNodeDatabaseCommand'
            $err = $Error[0]
            $err.Exception.Message | Should -Match 'public\.orders'
            $err.Exception.Message | Should -Not -Match 'public\.customers'
            $err.TargetObject.TableDetails.Count | Should -Be 4
        }
        finally { & $RemoveWrapper $dst 'pg_restore' }
        (& $Fingerprint $dst) | Should -Be $before
        Invoke-NodeSql $dst shop "SELECT count(*) FROM customers WHERE name = 'after the first syncs'" | Should -Be '0'
    }

    It '-VerifyOnly compares without copying, and names a table changed on the target' {
        $null = Sync-NodeDatabase $src $dst shop -Force
        (Sync-NodeDatabase $src $dst shop -VerifyOnly).Status | Should -Be 'Verified'
        $null = Invoke-NodeSql $dst shop "DELETE FROM blobs WHERE id = 7"
        { Sync-NodeDatabase $src $dst shop -VerifyOnly -ErrorAction Stop } | Should -Throw -ErrorId 'DatabaseVerificationFailed,ReleaseOps.Commands.SyncNodeDatabaseCommand'
        $Error[0].Exception.Message | Should -Match 'public\.blobs \(rows 2990 vs 2989\)'
        Invoke-NodeSql $dst shop 'SELECT count(*) FROM blobs' | Should -Be '2989'
    }

    It 'leaves the previous database intact when the source connection is cut mid-stream, and a rerun completes' {
        $before = & $Fingerprint $dst
        $null = Invoke-NodeSql $src shop "INSERT INTO customers (name) VALUES ('before the cut')"
        # pg_dump on the source sends 200 KB, then the node's sshd process of this connection is killed: the cut.
        # (postgres may run kill as root on this node only, for the test.)
        $null = $src | Invoke-NodeCommand -Command 'echo "postgres ALL=(root) NOPASSWD: /usr/bin/kill" > /etc/sudoers.d/cut && chmod 440 /etc/sudoers.d/cut'
        & $SetWrapper $src 'pg_dump' @'
/usr/bin/pg_dump "$@" | head -c 200000
p=$$
while [ "$p" -gt 1 ]; do
  case "$(cat /proc/$p/comm)" in sshd) sudo -n /usr/bin/kill -9 "$p" 2>/dev/null; exit 1;; esac
  p=$(awk '{print $4}' /proc/$p/stat)
done
'@
        try {
            { Sync-NodeDatabase $src $dst shop -Force -ErrorAction Stop } | Should -Throw -ErrorId 'DatabaseDumpFailed,ReleaseOps.Commands.SyncNodeDatabaseCommand'
            $Error[0].Exception.Message | Should -Match 'connection was cut'
            $Error[0].Exception.Message | Should -Match 'unchanged'
        }
        finally { & $RemoveWrapper $src 'pg_dump' }
        (& $Fingerprint $dst) | Should -Be $before
        $r = Sync-NodeDatabase $src $dst shop -Force
        $r.Verified | Should -BeTrue
        Invoke-NodeSql $dst shop "SELECT count(*) FROM customers WHERE name = 'before the cut'" | Should -Be '1'
        (& $Fingerprint $dst) | Should -Be (& $Fingerprint $src)
    }

    It 'blames the target when pg_restore fails, and keeps the previous database' {
        $before = & $Fingerprint $dst
        & $SetWrapper $dst 'pg_restore' @'
echo "pg_restore: error: could not write: No space left on device (simulated)" >&2
exit 1
'@
        try {
            { Sync-NodeDatabase $src $dst shop -Force -ErrorAction Stop } | Should -Throw -ErrorId 'DatabaseRestoreFailed,ReleaseOps.Commands.SyncNodeDatabaseCommand'
            $Error[0].Exception.Message | Should -Match 'No space left on device \(simulated\)'
        }
        finally { & $RemoveWrapper $dst 'pg_restore' }
        (& $Fingerprint $dst) | Should -Be $before
    }

    It 'stops on Ctrl+C while the source stalls mid-stream, kills the remote commands and keeps the previous database' {
        $before = & $Fingerprint $dst
        & $SetWrapper $src 'pg_dump' @'
/usr/bin/pg_dump "$@" | head -c 100000
touch /var/tmp/stalled
sleep 300
'@
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddCommand('Import-Module').AddArgument($env:RELEASEOPS_MODULE).AddStatement().AddCommand('Sync-NodeDatabase').AddParameters(@{
                    Source = $src; Target = $dst; Database = 'shop'; Force = $true
                    IdentityFile = $ctx.IdentityFile; KnownHostsFile = $ctx.KnownHostsFile; ConfigFile = $ctx.ConfigFile })
            $handle = $ps.BeginInvoke()
            # Wait (not a timed assertion) until the source has sent its part and stalls.
            foreach ($i in 1..300) {
                if (($src | Invoke-NodeCommand -Command 'test -e /var/tmp/stalled' -ErrorAction SilentlyContinue).Succeeded) { break }
                Start-Sleep -Milliseconds 100
            }
            $ps.Stop()
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
        }
        finally {
            $ps.Dispose()
            & $RemoveWrapper $src 'pg_dump'
            $null = $src | Invoke-NodeCommand -Command 'rm -f /var/tmp/stalled'
        }
        # Nothing of the stopped sync runs on either node any more.
        ($src | Invoke-NodeCommand -Command 'pgrep -af "[s]leep 300" || true').Output.Trim() | Should -BeNullOrEmpty
        ($dst | Invoke-NodeCommand -Command 'pgrep -af "[p]g_restore" || true').Output.Trim() | Should -BeNullOrEmpty
        (& $Fingerprint $dst) | Should -Be $before
        # The stopped run's advisory lock goes with it (waited for, not a timing assertion), so the next run may start.
        & $WaitForNoLock
        Invoke-NodeSql $dst postgres "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'" | Should -Be '0'
    }

    It 'keeps owners and grants: roles that the target lacks are created, and the app role keeps its rights' {
        $null = Invoke-NodeSql $src postgres "CREATE ROLE shop_owner LOGIN PASSWORD 'owner-pw'; CREATE ROLE shop_reader NOLOGIN"
        $null = Invoke-NodeSql $src shop "ALTER TABLE customers OWNER TO shop_owner; GRANT SELECT ON orders TO shop_reader"
        $r = Sync-NodeDatabase $src $dst shop -Force -ErrorAction Stop
        $r.Verified | Should -BeTrue
        Invoke-NodeSql $dst shop "SELECT tableowner FROM pg_tables WHERE tablename = 'customers'" | Should -Be 'shop_owner'
        Invoke-NodeSql $dst shop "SELECT has_table_privilege('shop_reader', 'public.orders', 'SELECT')::text || ',' || has_table_privilege('shop_reader', 'public.blobs', 'SELECT')::text" | Should -Be 'true,false'
        Invoke-NodeSql $dst postgres "SELECT rolcanlogin::text FROM pg_roles WHERE rolname = 'shop_owner'" | Should -Be 'true'
    }

    It 'creates a role whose name would end a dollar quote (it''s $r$ odd) as it is, and runs nothing from it' {
        $null = Invoke-NodeSql $src postgres 'CREATE ROLE "it''s $r$ odd" LOGIN; CREATE ROLE "x$r$ ; CREATE ROLE pwned_by_name SUPERUSER; --" NOLOGIN'
        $null = Invoke-NodeSql $src shop 'GRANT SELECT ON customers TO "it''s $r$ odd"'
        $r = Sync-NodeDatabase $src $dst shop -Force -ErrorAction Stop
        $r.Verified | Should -BeTrue
        Invoke-NodeSql $dst shop "SELECT has_table_privilege('it''s `$r`$ odd', 'public.customers', 'SELECT')::text" | Should -Be 'true'
        Invoke-NodeSql $dst postgres "SELECT count(*) FROM pg_roles WHERE rolname = 'pwned_by_name'" | Should -Be '0'
    }

    It 'lets one run at a time into a target database: a second one stops with DatabaseSyncLocked, and each run has its own staging copy' {
        $before = & $Fingerprint $dst
        # The first run stalls mid-stream while it holds the lock.
        & $SetWrapper $src 'pg_dump' @'
/usr/bin/pg_dump "$@" | head -c 100000
touch /var/tmp/stalled
sleep 300
'@
        # The first run is another process, which is then killed (as a crashed Jenkins agent would be).
        $script = Join-Path $TestDrive 'first-sync.ps1'
        Set-Content $script @"
Import-Module '$($env:RELEASEOPS_MODULE)'
Sync-NodeDatabase -Source '127.0.0.1:$($src.Port)' -Target '127.0.0.1:$($dst.Port)' -Database shop -Force -IdentityFile '$($ctx.IdentityFile)' -KnownHostsFile '$($ctx.KnownHostsFile)' -ConfigFile '$($ctx.ConfigFile)'
"@
        $first = Start-Process -FilePath (Get-TestPwsh) -ArgumentList '-NoProfile', '-NonInteractive', '-File', $script -PassThru -RedirectStandardOutput (Join-Path $TestDrive 'first.out') -RedirectStandardError (Join-Path $TestDrive 'first.err')
        try {
            foreach ($i in 1..300) {
                if (($src | Invoke-NodeCommand -Command 'test -e /var/tmp/stalled' -ErrorAction SilentlyContinue).Succeeded) { break }
                Start-Sleep -Milliseconds 100
            }
            & $RemoveWrapper $src 'pg_dump'
            { Sync-NodeDatabase $src $dst shop -Force -ErrorAction Stop } | Should -Throw -ErrorId 'DatabaseSyncLocked,ReleaseOps.Commands.SyncNodeDatabaseCommand'
        }
        finally {
            Stop-Process -Id $first.Id -Force -ErrorAction SilentlyContinue
            & $RemoveWrapper $src 'pg_dump'
            $null = $src | Invoke-NodeCommand -Command 'rm -f /var/tmp/stalled; pkill -f "[s]leep 300" || true'
        }
        (& $Fingerprint $dst) | Should -Be $before
        # Once the first run is gone, its psql session ends and PostgreSQL releases the lock (wait for it, not a timing assertion).
        & $WaitForNoLock
        # The next run succeeds and drops the staging copy that the stopped run left.
        (Sync-NodeDatabase $src $dst shop -Force -ErrorAction Stop).Verified | Should -BeTrue
        Invoke-NodeSql $dst postgres "SELECT count(*) FROM pg_database WHERE datname LIKE 'releaseops%'" | Should -Be '0'
    }

    It 'quotes hostile database names, and rejects impossible ones before connecting' {
        $name = 'x''; DROP DATABASE shop; --$(touch /var/tmp/pwned) "q" a=b'
        $null = $src | Invoke-NodeCommand -Command 'printf "%s\n" "CREATE DATABASE \"$1\";" | sudo -n -u postgres psql -X -q -v ON_ERROR_STOP=1 -d postgres -f -' -ArgumentList ($name -replace '"', '""')
        $null = Invoke-NodeSql $src $name 'CREATE TABLE t (v text); INSERT INTO t VALUES (''hostile'');'
        $r = Sync-NodeDatabase $src $dst $name -Force
        $r.Verified | Should -BeTrue
        $r.TargetDatabase | Should -Be $name
        Invoke-NodeSql $dst $name 'SELECT v FROM t' | Should -Be 'hostile'
        Invoke-NodeSql $dst postgres "SELECT count(*) FROM pg_database WHERE datname = 'shop'" | Should -Be '1'
        foreach ($n in $src, $dst) { ($n | Invoke-NodeCommand -Command 'test -e /var/tmp/pwned' -ErrorAction SilentlyContinue).Succeeded | Should -BeFalse }
        { Sync-NodeDatabase $src $dst "bad`nname" -Force -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidDatabaseName,ReleaseOps.Commands.SyncNodeDatabaseCommand'
        { Sync-NodeDatabase $src $dst ('x' * 64) -Force -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidDatabaseName,ReleaseOps.Commands.SyncNodeDatabaseCommand'
        { Sync-NodeDatabase $src $dst nosuchdb -Force -ErrorAction Stop } | Should -Throw -ErrorId 'DatabaseNotFound,ReleaseOps.Commands.SyncNodeDatabaseCommand'
    }

    It '-WhatIf prints the commands per node and changes nothing' {
        $null = Invoke-NodeSql $src shop "INSERT INTO customers (name) VALUES ('what if')"
        $before = & $Fingerprint $dst
        $databases = Invoke-NodeSql $dst postgres 'SELECT string_agg(datname, '','' ORDER BY datname) FROM pg_database'
        $script = @"
Import-Module '$($env:RELEASEOPS_MODULE)'
`$src = [pscustomobject]@{ HostName = '127.0.0.1'; Port = $($src.Port); User = 'root' }
Sync-NodeDatabase -Source `$src -Target '127.0.0.1:$($dst.Port)' -Database shop -WhatIf -IdentityFile '$($ctx.IdentityFile)' -KnownHostsFile '$($ctx.KnownHostsFile)' -ConfigFile '$($ctx.ConfigFile)'
"@
        $r = Invoke-FreshPwsh -Script $script
        $r.ExitCode | Should -Be 0
        $text = $r.Output -join "`n"
        $text | Should -Match ([regex]::Escape("[127.0.0.1:$($src.Port)] sudo -u postgres pg_dump --format=custom"))
        $text | Should -Match ([regex]::Escape("[127.0.0.1:$($dst.Port)] sudo -u postgres pg_restore --exit-on-error"))
        # Owners and grants are kept (no --no-owner or --no-privileges), and the run holds the target's advisory lock.
        $text | Should -Not -Match 'no-owner|no-privileges'
        $text | Should -Match 'pg_try_advisory_lock|DatabaseSyncLocked'
        $text | Should -Match 'RENAME TO'
        (& $Fingerprint $dst) | Should -Be $before
        Invoke-NodeSql $dst postgres 'SELECT string_agg(datname, '','' ORDER BY datname) FROM pg_database' | Should -Be $databases
    }
}
