# The migration's database by PostgreSQL logical replication, on the Docker test rig (issue 16), under the load generator.
# Two sandbox nodes, each with its own Docker engine and the sample stack's PostgreSQL 15 listening on the node's own
# address (DB_ADDRESS) as well as on its socket. The old database has 100,000 items, a table of 2,500,000 small rows
# (so that the subscription's copy lasts long enough to be cut) and a role with a grant.
#   1. a -> b: -AllowDatabaseRestart sets wal_level = logical and restarts the db container; the rows go by a
#      subscription through the SSH forwards. The SSH connections of the old database's node are cut while the
#      subscription copies, and the process is killed as the subscriber catches up at the freeze; each time
#      Resume-Migration goes on. In the end every acknowledged write is on the new node once, the sequence continues
#      past the old values, the grant is kept, and no replication slot, publication or role is left on the old node.
#   2. b -> a: b's wal_level is replica and a table has no key, so the migration falls back to dump and restore, warns,
#      records both reasons and the table on the migration, and loses no write either.
BeforeAll {
    Import-Module $env:RELEASEOPS_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'SshFixtures.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'DockerFixtures.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:ctx = New-SshTestContext -Directory (Join-Path $TestDrive 'ssh')
    $global:PSDefaultParameterValues = $ctx.Defaults.Clone()
    Set-DockerFixtureContext $ctx
    $env:RELEASEOPS_MIGRATIONS = Join-Path $TestDrive 'migrations'
    $env:RELEASEOPS_POLL_SECONDS = '0.2'
    $script:cloud = Start-FakeCloud
    Invoke-RestMethod -Method Post "$($cloud.BaseUrl)_fake/digitalocean/domains/countable.ca" | Out-Null
    Set-FakeCloudEnvironment -Fake $cloud
    $null = Install-DockerRigImage

    $script:a = New-DockerTestNode -Client rep-a
    $script:b = New-DockerTestNode -Client rep-b
    $null = Initialize-DockerNode -Node $a
    $null = Initialize-DockerNode -Node $b
    $script:port = Get-FreePort
    $script:addr = @{ $a.Name = '127.0.0.86'; $b.Name = '127.0.0.87' }
    $script:urlA = Install-SampleStack -Node $a -Address 127.0.0.86 -DatabaseAddress 127.0.0.86 -Port $port -Up
    $null = Invoke-RigCommand $b 'printf "ADDRESS=127.0.0.87\nPORT=%s\nDB_ADDRESS=127.0.0.87\n" "$1" > /etc/releaseops-stack.env' -ArgumentList $port
    $null = Set-DnsRecord -Zone countable.ca -Name shop -Value 127.0.0.86 -Ttl 60 -ErrorAction Stop

    function Invoke-StackSql($Node, [string] $Sql) {
        # psql in the node's db container (docker exec: docker-compose v1 costs half a second a call).
        Invoke-RigCommand $Node 'c=$(cd /srv/shop && docker-compose ps -q db) && printf "%s\n" "$1" | docker exec -i "$c" psql --username=postgres -X -q -At -v ON_ERROR_STOP=1 shop' -ArgumentList $Sql
    }

    $null = Invoke-RestMethod -Method Post "$urlA/items?key=seed-0" -TimeoutSec 5
    $null = Invoke-StackSql $a @"
INSERT INTO items (key) SELECT 'seed-' || g FROM generate_series(1, 100000) g;
CREATE TABLE bulk (id bigserial PRIMARY KEY, n int NOT NULL);
INSERT INTO bulk (n) SELECT g FROM generate_series(1, 2500000) g;
CREATE ROLE shop_app LOGIN;
GRANT SELECT, INSERT ON items TO shop_app;
"@

    $script:migrate = @{
        Project = 'shop'; StackPath = '/srv/shop'; Database = 'shop'; DnsZone = 'countable.ca'; DnsName = 'shop'
        RedirectPort = $port; DnsTimeout = '00:00:20'; Force = $true
    }
    function Get-Journal {
        $file = Get-ChildItem $env:RELEASEOPS_MIGRATIONS -Filter 'shop-*.json' -ErrorAction SilentlyContinue | Sort-Object LastWriteTime | Select-Object -Last 1
        if ($file) { try { Get-Content -Raw $file.FullName | ConvertFrom-Json } catch { $null } }
    }

    function Start-MigrationProcess([string] $Command) { TestHelpers\Start-MigrationProcess -Command $Command -Nodes @{ A = $a; B = $b } -Context $ctx -Directory $TestDrive }

    # Invoke-Migration -WhatIf in a process of its own, whose standard output holds what -WhatIf prints.
    function Get-WhatIfText([string] $Command) {
        $run = Start-MigrationProcess $Command
        $run.Process.WaitForExit(120000) | Should -BeTrue
        $run.Process.ExitCode | Should -Be 0 -Because (Get-Content -Raw "$($run.Log).err" -ErrorAction SilentlyContinue)
        Get-Content -Raw $run.Log
    }

    # The migration command of these tests (a -> b), run in a process of its own; $More adds switches.
    function New-MigrateCommand([string] $More) {
        "Invoke-Migration -Source `$nodes.A -Target `$nodes.B -Project shop -StackPath /srv/shop -Database shop -DnsZone countable.ca -DnsName shop -TargetAddress 127.0.0.87 " +
            "-SourceAddress 127.0.0.86 -RedirectPort $port -RedirectListenAddress 127.0.0.86 -DnsTimeout 00:00:20 -AllowDatabaseRestart $More -Force @ssh"
    }

    # Waits (up to 120 s, or until the run ends) until the subscription on $Node copies tables; true when it does.
    function Wait-SubscriptionCopying($Node, $Run) {
        $deadline = [DateTime]::UtcNow.AddSeconds(120)
        $cid = $null
        while (-not $Run.Process.HasExited -and [DateTime]::UtcNow -lt $deadline) {
            # The container's id once (docker-compose v1 costs half a second), then plain docker exec.
            if (-not $cid) { try { $cid = Invoke-RigCommand $Node 'cd /srv/shop && docker-compose ps -q db' } catch { } }
            else { try { if ([int] (Invoke-RigCommand $Node 'docker exec "$1" psql --username=postgres -X -At -c "SELECT count(*) FROM pg_subscription_rel WHERE srsubstate NOT IN (''r'', ''s'')" shop' -ArgumentList $cid) -gt 0) { return $true } } catch { } }
            Start-Sleep -Milliseconds 20
        }
        $false
    }

    # A wrapper for ssh on a node that records every call's arguments (the database tunnel's, with -DirectDatabase).
    function Set-TunnelSshWrapper($Node) {
        $wrapper = "#!/bin/sh`nprintf '%s\n' `"`$*`" >> /var/tmp/tunnel-ssh.log`nexec /usr/bin/ssh `"`$@`""
        $null = Invoke-RigCommand $Node 'printf "%s\n" "$1" > /usr/local/bin/ssh && chmod 755 /usr/local/bin/ssh' -ArgumentList $wrapper
    }

    # What the wrapper recorded; the wrapper and its log are removed.
    function Get-TunnelSshLog($Node) { Invoke-RigCommand $Node 'cat /var/tmp/tunnel-ssh.log 2>/dev/null; rm -f /usr/local/bin/ssh /var/tmp/tunnel-ssh.log' }

    function Get-Keys($Node, [string] $Prefix) {
        @((Invoke-StackSql $Node "SELECT key FROM items WHERE key LIKE '$Prefix-%' ORDER BY id") -split "`n" | ForEach-Object Trim | Where-Object { $_ })
    }
}

AfterAll {
    foreach ($l in $load1, $load2, $load3) { if ($l -and -not $l.Process.HasExited) { $l.Process.Kill(); $null = $l.Process.WaitForExit(10000) } }
    $a, $b | Where-Object { $_ } | ForEach-Object { $_ | Remove-NodeRedirect -ErrorAction SilentlyContinue | Out-Null }
    $a, $b | Where-Object { $_ } | Remove-ProjectNode -Force -ErrorAction SilentlyContinue
    foreach ($n in 'pester-rep-a', 'pester-rep-b') { $null = Remove-DockerNodeCgroup -NodeName $n }
    Clear-FakeCloudEnvironment
    Stop-FakeCloud -Fake $cloud
    Remove-Item env:RELEASEOPS_MIGRATIONS, env:RELEASEOPS_POLL_SECONDS -ErrorAction SilentlyContinue
    $global:PSDefaultParameterValues = @{}
}

Describe 'Invoke-Migration moves the database by logical replication, or says why not' {
    It 'reads the preconditions under -WhatIf, says how the database would move and why, and changes nothing' {
        $plan = "Invoke-Migration -Source `$nodes.A -Target `$nodes.B -Project shop -StackPath /srv/shop -Database shop -TargetAddress 127.0.0.87 -SourceAddress 127.0.0.86 @ssh"
        $text = (Get-WhatIfText "$plan -WhatIf") -replace '\s+', ' '
        $text | Should -Match 'Preconditions \(read from the nodes'
        $text | Should -Match '- [^ ]+: PostgreSQL 15\.\d+, wal_level replica, every table has a primary key or replica identity, TCP on'
        $text | Should -Match 'database shop: dump and restore, so the freeze grows with its size, because wal_level is replica, not logical'
        # The new node's database is not up before PrepareTarget: the versions are checked then.
        $text | Should -Match '- [^ ]+: its database does not answer yet \(ServiceNotRunning\)'
        $allowed = (Get-WhatIfText "$plan -AllowDatabaseRestart -DirectDatabase -WhatIf") -replace '\s+', ' '
        $allowed | Should -Match 'database shop: logical replication, so the freeze does not grow with its size \(after wal_level = logical and a restart'
        $allowed | Should -Match 'database shop \(replication node to node: the new node''s ssh to the old node''s address as this machine uses it forwards its 127\.0\.0\.1 to the old database, with a temporary key allowed only that forward from its addresses'
        # -DirectDatabase alone leaves the files to the relay.
        $allowed | Should -Not -Match 'files /srv/shop node to node'
        Invoke-StackSql $a 'SHOW wal_level' | Should -Be 'replica'
        @(Get-Migration -Project shop).Count | Should -Be 0
    }

    It 'moves by replication after the restart it was allowed, through an SSH cut during the copy and a kill during the catch-up' {
        Invoke-StackSql $a 'SHOW wal_level' | Should -Be 'replica'
        # TCP needs a password (scram-sha-256), so the subscription gets in only with its role's password.
        { Invoke-RigCommand $a 'c=$(cd /srv/shop && docker-compose ps -q db) && docker exec "$c" psql -X -At "host=127.0.0.86 dbname=shop user=postgres" -c "SELECT 1"' } | Should -Throw '*password*'
        $maxBefore = [long] (Invoke-StackSql $a 'SELECT max(id) FROM items')
        $script:load1 = Start-LoadGenerator -Url $urlA -Directory (Join-Path $TestDrive 'load') -Prefix r1 -Rate 25 -Duration 300

        $command = New-MigrateCommand
        $aNamespace = Invoke-RigCommand $a 'readlink /proc/1/ns/pid'
        $run = Start-MigrationProcess $command
        # As soon as the subscription copies tables on b, every SSH connection of a (the old database's node) is cut.
        $copying = Wait-SubscriptionCopying $b $run
        $copying | Should -BeTrue -Because "the subscription copies on b ($(Get-Content -Raw "$($run.Log).err" -ErrorAction SilentlyContinue))"
        # From this machine, in one pass over /proc (the copy must still be running): SIGKILL to the node's sshd sessions.
        $cut = & bash -c 'n=0; for p in /proc/[0-9]*; do [ "$(readlink "$p/ns/pid" 2>/dev/null)" = "$1" ] || continue; c=$(tr "\0" " " < "$p/cmdline" 2>/dev/null); case "$c" in "sshd: "*"[priv]"*|"sshd: "*@*) kill -9 "${p#/proc/}" && n=$((n + 1));; esac; done; echo $n' cut $aNamespace
        [int] $cut | Should -BeGreaterThan 0
        $run.Process.WaitForExit(90000) | Should -BeTrue
        $run.Process.ExitCode | Should -Not -Be 0
        $j = Get-Migration -Project shop | Sort-Object Id | Select-Object -Last 1
        $j.Status | Should -Be 'Failed' -Because "$(Get-Content -Raw "$($run.Log).err" -ErrorAction SilentlyContinue)"
        ($j.Steps | Where-Object Name -EQ 'InitialSync').State | Should -Be 'Failed' -Because "the cut came while the subscription copied"
        "$(Get-Content -Raw "$($run.Log).err")" | Should -Match 'NodeConnectionLost|connection'
        $j.DatabaseMethod | Should -Be 'Replication'
        $j.ReplicationSlot | Should -Match '^releaseops_'
        Invoke-StackSql $a 'SHOW wal_level' | Should -Be 'logical'
        Invoke-StackSql $a "SELECT count(*) FROM pg_replication_slots WHERE slot_name = '$($j.ReplicationSlot)'" | Should -Be '1'
        # While the slot exists, the WAL it may hold is bounded (it was unlimited): a migration never finished cannot fill the disk.
        $j.ReplicationWalLimitMB | Should -BeGreaterOrEqual 64
        Invoke-StackSql $a "SELECT setting FROM pg_settings WHERE name = 'max_slot_wal_keep_size'" | Should -Be "$($j.ReplicationWalLimitMB)"

        # Resumed, and killed as the final sync starts: the subscriber catching up with the frozen old database.
        $run = Start-MigrationProcess "Resume-Migration -Id $($j.Id) -Force @ssh"
        $deadline = [DateTime]::UtcNow.AddSeconds(120)
        $killedIn = $null
        while (-not $killedIn -and -not $run.Process.HasExited -and [DateTime]::UtcNow -lt $deadline) {
            $journal = Get-Journal
            $running = @($journal.Steps | Where-Object State -EQ 'Running')
            if ($running.Count -gt 0 -and $running[0].Name -eq 'FinalSync') { Stop-Process -Id $run.Process.Id -Force; $run.Process.WaitForExit(); $killedIn = 'FinalSync' }
            else { Start-Sleep -Milliseconds 10 }
        }
        $killedIn | Should -Be 'FinalSync' -Because "$(Get-Content -Raw "$($run.Log).err" -ErrorAction SilentlyContinue)"

        $m = Resume-Migration -Id $j.Id -Force -ErrorAction Stop
        $m.Status | Should -Be 'Completed'
        $m.DatabaseMethod | Should -Be 'Replication'
        $m.DatabaseFallbackReason | Should -BeNullOrEmpty
        $m.ReplicationSlot | Should -BeNullOrEmpty
        $m.ReplicationWalLimitMB | Should -BeNullOrEmpty
        ($m.Steps | Where-Object Name -EQ 'FinalSync').Detail | Should -Match 'logical replication'
        Start-Sleep -Seconds 1
        $r = Wait-LoadGenerator $load1 -Stop
        Write-Information -InformationAction Continue "Replication: downtime $($m.Downtime.TotalSeconds) s; users' longest gap $($r.LongestGap) s; $($r.Acked) acknowledged"

        # Every acknowledged write, once; the sequence goes on past the old values; the grant is kept.
        $found = Get-Keys $b r1
        @($found | Select-Object -Unique).Count | Should -Be $found.Count
        Compare-Object -ReferenceObject $r.Keys -DifferenceObject $found | Should -BeNullOrEmpty
        $r.Acked | Should -BeGreaterThan 20
        Invoke-StackSql $b 'SELECT count(*) FROM bulk' | Should -Be '2500000'
        [long] (Invoke-StackSql $b 'SELECT last_value FROM items_id_seq') | Should -BeGreaterOrEqual ([long] (Invoke-StackSql $b 'SELECT max(id) FROM items'))
        $null = Invoke-WebRequest -Method Post "$urlA/items?key=after-cutover" -TimeoutSec 5
        [long] (Invoke-StackSql $b "SELECT id FROM items WHERE key = 'after-cutover'") | Should -BeGreaterThan $maxBefore
        Invoke-StackSql $b "SELECT has_table_privilege('shop_app', 'items', 'INSERT')" | Should -Be 't'
        Invoke-StackSql $b 'SELECT count(*) FROM pg_subscription' | Should -Be '0'

        # Nothing of the replication is left on the old node (its database started again only to look).
        $null = Invoke-NodeCompose $a 'up -d db'
        $left = $null
        foreach ($i in 1..50) { try { $left = Invoke-StackSql $a "SELECT (SELECT count(*) FROM pg_replication_slots) || ',' || (SELECT count(*) FROM pg_publication) || ',' || (SELECT count(*) FROM pg_roles WHERE rolname LIKE 'releaseops%')"; break } catch { Start-Sleep -Milliseconds 200 } }
        $left | Should -Be '0,0,0'
        # The WAL bound is gone with the slot: the old database is configured as it was.
        Invoke-StackSql $a "SELECT setting FROM pg_settings WHERE name = 'max_slot_wal_keep_size'" | Should -Be '-1'
        Invoke-RigCommand $a 'cat /var/lib/shop/pgdata/postgresql.auto.conf' | Should -Not -Match 'max_slot_wal_keep_size'
    }

    It 'falls back to dump and restore when wal_level is not logical and a table has no key, says why, and loses no write' {
        # The way back, b -> a: a's stack is gone (its redirect removed, its data wiped); b gets a table without a key.
        $null = $a | Remove-NodeRedirect -ErrorAction Stop
        $null = Invoke-RigCommand $a 'cd /srv/shop && docker-compose down >/dev/null 2>&1; rm -rf /var/lib/shop/pgdata/* /var/lib/shop/uploads/*'
        $null = Invoke-StackSql $b "DROP TABLE bulk; CREATE TABLE nokey (note text); INSERT INTO nokey VALUES ('no primary key here');"
        $urlB = "http://127.0.0.87:$port"
        $script:load2 = Start-LoadGenerator -Url $urlB -Directory (Join-Path $TestDrive 'load') -Prefix r2 -Rate 25 -Duration 300
        Start-Sleep -Seconds 1
        # -WhatIf names the table without a key; a's database (down) is checked by the migration itself.
        $text = (Get-WhatIfText "Invoke-Migration -Source `$nodes.B -Target `$nodes.A -Project shop -StackPath /srv/shop -Database shop -TargetAddress 127.0.0.86 -SourceAddress 127.0.0.87 -WhatIf @ssh") -replace '\s+', ' '
        $text | Should -Match '- [^ ]+: PostgreSQL 15\.\d+, wal_level replica, 1 table\(s\) without a key: public\.nokey'
        $text | Should -Match 'database shop: dump and restore, .*1 table\(s\) have no primary key or replica identity: public\.nokey'
        $m = Invoke-Migration @migrate -Source $b -Target $a -TargetAddress 127.0.0.86 -SourceAddress 127.0.0.87 -RedirectListenAddress 127.0.0.87 -WarningVariable warned -ErrorAction Stop
        $m.Status | Should -Be 'Completed'
        $m.DatabaseMethod | Should -Be 'DumpRestore'
        $m.DatabaseFallbackReason | Should -Match 'wal_level is replica'
        $m.DatabaseFallbackReason | Should -Match 'public\.nokey'
        $m.TablesWithoutKey | Should -Be @('public.nokey')
        $m.ReplicationSlot | Should -BeNullOrEmpty
        "$warned" | Should -Match 'dump and restore'
        (Get-Migration -Id $m.Id).DatabaseFallbackReason | Should -Be $m.DatabaseFallbackReason
        Start-Sleep -Seconds 1
        $r = Wait-LoadGenerator $load2 -Stop
        $found = Get-Keys $a r2
        @($found | Select-Object -Unique).Count | Should -Be $found.Count
        Compare-Object -ReferenceObject $r.Keys -DifferenceObject $found | Should -BeNullOrEmpty
        $r.Acked | Should -BeGreaterThan 20
        Invoke-StackSql $a "SELECT has_table_privilege('shop_app', 'items', 'INSERT')" | Should -Be 't'
        Invoke-StackSql $a "SELECT count(*) FROM nokey" | Should -Be '1'
        Write-Information -InformationAction Continue "Dump and restore: downtime $($m.Downtime.TotalSeconds) s; users' longest gap $($r.LongestGap) s"
    }

    It 'replicates node to node with -DirectDatabase, and drops the replication slot on the old node when the migration is undone' {
        # a -> b again, the subscription through b's own ssh to a (-DirectDatabase), stopped after the initial sync (the
        # slot holds the old node's WAL from here), then undone. A wrapper records the tunnel's ssh on b.
        $null = $b | Remove-NodeRedirect -ErrorAction Stop
        $null = Invoke-RigCommand $b 'cd /srv/shop && docker-compose down >/dev/null 2>&1; rm -rf /var/lib/shop/pgdata/* /var/lib/shop/uploads/*'
        $null = Invoke-StackSql $a 'DROP TABLE nokey'
        $keysBefore = Invoke-RigCommand $a 'cat ~/.ssh/authorized_keys'
        Set-TunnelSshWrapper $b
        $command = New-MigrateCommand '-DirectDatabase'
        $earlier = @(Get-Migration -Project shop | ForEach-Object Id)
        $run = Start-MigrationProcess $command
        $deadline = [DateTime]::UtcNow.AddSeconds(120)
        $stopped = $false
        while (-not $stopped -and -not $run.Process.HasExited -and [DateTime]::UtcNow -lt $deadline) {
            $journal = Get-Journal
            if ($journal -and $journal.Id -notin $earlier -and @($journal.Steps | Where-Object { $_.Name -eq 'InitialSync' -and $_.State -eq 'Done' }).Count -gt 0) { Stop-Process -Id $run.Process.Id -Force; $run.Process.WaitForExit(); $stopped = $true }
            else { Start-Sleep -Milliseconds 10 }
        }
        $stopped | Should -BeTrue -Because "$(Get-Content -Raw "$($run.Log).err" -ErrorAction SilentlyContinue)"
        $j = Get-Migration -Project shop | Sort-Object Id | Select-Object -Last 1
        $j.DatabaseMethod | Should -Be 'Replication'
        # The subscription copied through b's own ssh: a forward on b's 127.0.0.1 to a's database, with b's key; the
        # subscription points at that port. The key is gone from a, its folder from b, and with the process the tunnel.
        $log = Get-TunnelSshLog $b
        $log | Should -Match '-N -o ExitOnForwardFailure=yes'
        $log | Should -Match 'IdentityFile=/tmp/releaseops-direct-[0-9a-f]{16}\.[A-Za-z0-9]{10}/id'
        $log -match '-L 127\.0\.0\.1:(\d+):127\.0\.0\.86:5432 releaseops-old-node' | Should -BeTrue -Because $log
        $tunnelPort = $Matches[1]
        Invoke-StackSql $b 'SELECT subconninfo FROM pg_subscription' | Should -Match "host=127\.0\.0\.1 port=$tunnelPort "
        [long] (Invoke-StackSql $b 'SELECT count(*) FROM items') | Should -BeGreaterThan 100000
        Invoke-RigCommand $a 'cat ~/.ssh/authorized_keys' | Should -Be $keysBefore
        Invoke-RigCommand $b 'ls -d /tmp/releaseops-direct-* 2>/dev/null; true' | Should -BeNullOrEmpty
        $gone = $false
        foreach ($i in 1..50) { if ((Invoke-RigCommand $b 'ps -eo args | grep -c "[r]eleaseops-old-node"; true').Trim() -eq '0') { $gone = $true; break }; Start-Sleep -Milliseconds 200 }
        $gone | Should -BeTrue -Because 'the tunnel ends with the migration''s process'
        $j.ReplicationSlot | Should -Match '^releaseops_'
        Invoke-StackSql $a "SELECT count(*) FROM pg_replication_slots WHERE slot_name = '$($j.ReplicationSlot)'" | Should -Be '1'
        Invoke-StackSql $a "SELECT setting FROM pg_settings WHERE name = 'max_slot_wal_keep_size'" | Should -Be "$($j.ReplicationWalLimitMB)"

        $u = $j | Undo-Migration -Force -ErrorAction Stop
        $u.ReplicationWalLimitMB | Should -BeNullOrEmpty
        Invoke-StackSql $a "SELECT setting FROM pg_settings WHERE name = 'max_slot_wal_keep_size'" | Should -Be '-1'
        $u.Status | Should -Be 'RolledBack'
        $u.ReplicationSlot | Should -BeNullOrEmpty
        (Get-Migration -Id $j.Id).ReplicationSlot | Should -BeNullOrEmpty
        Invoke-StackSql $a "SELECT (SELECT count(*) FROM pg_replication_slots) || ',' || (SELECT count(*) FROM pg_publication) || ',' || (SELECT count(*) FROM pg_roles WHERE rolname LIKE 'releaseops%')" | Should -Be '0,0,0'
        Wait-StackHealthy -Url $urlA
    }

    It 'completes a migration whose replication goes node to node (-DirectDatabase) under load, through a tunnel cut during the copy, losing no write and leaving no key or tunnel' {
        $null = Invoke-RigCommand $b 'cd /srv/shop && docker-compose down >/dev/null 2>&1; rm -rf /var/lib/shop/pgdata/* /var/lib/shop/uploads/*'
        $keysBefore = Invoke-RigCommand $a 'cat ~/.ssh/authorized_keys'
        Set-TunnelSshWrapper $b
        $script:load3 = Start-LoadGenerator -Url $urlA -Directory (Join-Path $TestDrive 'load') -Prefix r3 -Rate 25 -Duration 300
        Start-Sleep -Seconds 1
        try {
            # As soon as the subscription copies tables on b, the tunnel's ssh on b is killed (the sessions of this
            # machine stay up): the run must stop with NodeConnectionLost, and a resume must open a new tunnel.
            $command = New-MigrateCommand '-DirectDatabase'
            $earlier = @(Get-Migration -Project shop | ForEach-Object Id)
            $run = Start-MigrationProcess $command
            $copying = Wait-SubscriptionCopying $b $run
            $copying | Should -BeTrue -Because "the subscription copies on b ($(Get-Content -Raw "$($run.Log).err" -ErrorAction SilentlyContinue))"
            [int] (Invoke-RigCommand $b 'n=0; for p in $(pgrep -f "ssh .*-N .*[r]eleaseops-old-node"); do kill -9 "$p" && n=$((n + 1)); done; echo $n') | Should -BeGreaterThan 0
            $run.Process.WaitForExit(90000) | Should -BeTrue
            $run.Process.ExitCode | Should -Not -Be 0
            $err = "$(Get-Content -Raw "$($run.Log).err" -ErrorAction SilentlyContinue)"
            $err | Should -Match "node-to-node tunnel to the old node ended.*Resume with: Resume-Migration"
            $j = Get-Migration -Project shop | Sort-Object Id | Select-Object -Last 1
            $j.Id | Should -Not -BeIn $earlier
            $j.Status | Should -Be 'Failed' -Because $err
            $step = $j.Steps | Where-Object Name -EQ 'InitialSync'
            $step.State | Should -Be 'Failed' -Because 'the cut came while the subscription copied'
            $step.Error | Should -Match 'tunnel to the old node ended'
            $m = Resume-Migration -Id $j.Id -Force -ErrorAction Stop
        }
        finally { $log = Get-TunnelSshLog $b }
        $m.Status | Should -Be 'Completed'
        $m.DatabaseMethod | Should -Be 'Replication'
        $m.ReplicationSlot | Should -BeNullOrEmpty
        # Two tunnels: the one cut, and the resume's.
        $tunnels = @($log -split "`n" | Where-Object { $_ -match '-N -o ExitOnForwardFailure=yes .*-L 127\.0\.0\.1:\d+:127\.0\.0\.86:5432 releaseops-old-node' })
        $tunnels.Count | Should -BeGreaterOrEqual 2 -Because $log
        Start-Sleep -Seconds 1
        $r = Wait-LoadGenerator $load3 -Stop
        Write-Information -InformationAction Continue "Replication node to node: downtime $($m.Downtime.TotalSeconds) s; users' longest gap $($r.LongestGap) s; $($r.Acked) acknowledged"
        $found = Get-Keys $b r3
        @($found | Select-Object -Unique).Count | Should -Be $found.Count
        Compare-Object -ReferenceObject $r.Keys -DifferenceObject $found | Should -BeNullOrEmpty
        $r.Acked | Should -BeGreaterThan 20
        # The tunnel closed with the migration, its key is gone from both nodes, and nothing of the replication is left.
        (Invoke-RigCommand $b 'ps -eo args | grep -c "[r]eleaseops-old-node"; true').Trim() | Should -Be '0'
        Invoke-RigCommand $a 'cat ~/.ssh/authorized_keys' | Should -Be $keysBefore
        Invoke-RigCommand $b 'ls -d /tmp/releaseops-direct-* 2>/dev/null; true' | Should -BeNullOrEmpty
        Invoke-StackSql $b 'SELECT count(*) FROM pg_subscription' | Should -Be '0'
    }
}
