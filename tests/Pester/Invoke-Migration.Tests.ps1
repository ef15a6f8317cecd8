# A whole migration between two sandbox nodes: a small stack (a web server started by the stack's own scripts),
# its files, the DNS switch at the DigitalOcean fake (checked at its authoritative DNS server) and the redirect
# with Debian's HAProxy. The freeze fails on the first run; the same command then resumes from the journal.
BeforeAll {
    Import-Module $env:RELEASEOPS_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'SshFixtures.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:ctx = New-SshTestContext -Directory (Join-Path $TestDrive 'ssh')
    $global:PSDefaultParameterValues = $ctx.Defaults.Clone()
    $env:RELEASEOPS_MIGRATIONS = Join-Path $TestDrive 'migrations'
    $script:cloud = Start-FakeCloud
    Invoke-RestMethod -Method Post "$($cloud.BaseUrl)_fake/digitalocean/domains/countable.ca" | Out-Null
    Set-FakeCloudEnvironment -Fake $cloud
    $script:old = New-TestNode -Client mig-old
    $script:new = New-TestNode -Client mig-new
    $script:port = Get-FreePort
    $stack = @"
mkdir -p /srv/shop /var/lib/shop/www
cat > /srv/shop/start.sh <<'EOS'
mkdir -p /var/lib/shop/www && cd /var/lib/shop && hostname > node.txt
nohup python3 -m http.server $port --bind "`$(cat /etc/stack-address)" --directory /var/lib/shop >/dev/null 2>&1 &
echo `$! > /var/lib/shop/pid
for i in 1 2 3 4 5 6 7 8 9 10; do curl -fs "http://`$(cat /etc/stack-address):$port/node.txt" >/dev/null && exit 0; sleep 0.3; done; exit 1
EOS
printf 'test -e /etc/allow-freeze || { echo "freeze not allowed yet" >&2; exit 9; }\ntouch /var/lib/shop/www/frozen\n' > /srv/shop/freeze.sh
printf 'kill `$(cat /var/lib/shop/pid) 2>/dev/null; rm -f /var/lib/shop/pid; exit 0\n' > /srv/shop/stop.sh
"@
    $null = $old | Invoke-NodeCommand -Command ($stack + "`n" + @"
echo 127.0.0.70 > /etc/stack-address
echo 'the shop, version 1' > /var/lib/shop/www/index.html
for i in 1 2 3; do echo "upload `$i" > /var/lib/shop/www/upload-`$i.txt; done
cd /srv/shop && sh ./start.sh
"@) -ErrorAction Stop
    $null = $new | Invoke-NodeCommand -Command 'echo 127.0.0.71 > /etc/stack-address' -ErrorAction Stop
    $null = Set-DnsRecord -Zone countable.ca -Name shop -Value 127.0.0.70 -Ttl 60 -ErrorAction Stop
    $script:migrate = @{
        Source = $old; Target = $new; Project = 'shop'; StackPath = '/srv/shop'; SourceAddress = '127.0.0.70'
        StartCommand = 'sh ./start.sh'; FreezeCommand = 'sh ./freeze.sh'; StopCommand = 'sh ./stop.sh'
        FilePath = '/var/lib/shop/www'; DnsZone = 'countable.ca'; DnsName = 'shop'; TargetAddress = '127.0.0.71'
        RedirectPort = $port; RedirectListenAddress = '127.0.0.70'; DnsTimeout = '00:00:10'; Force = $true
    }
    function Get-Page([string] $Address, [string] $Path) { (Invoke-WebRequest "http://${Address}:$port/$Path" -TimeoutSec 5).Content.Trim() }
}

AfterAll {
    $old | Remove-NodeRedirect -ErrorAction SilentlyContinue | Out-Null
    foreach ($n in $old, $new) { $n | Invoke-NodeCommand -Command 'sh /srv/shop/stop.sh' -ErrorAction SilentlyContinue | Out-Null; $n | Remove-ProjectNode -Force }
    Clear-FakeCloudEnvironment
    Stop-FakeCloud -Fake $cloud
    Remove-Item env:RELEASEOPS_MIGRATIONS -ErrorAction SilentlyContinue
    $global:PSDefaultParameterValues = @{}
}

Describe 'Invoke-Migration' {
    It 'prints the plan under -WhatIf and starts nothing' {
        $out = Invoke-Migration @migrate -WhatIf 6>&1 | Out-String
        @(Get-Migration -Project shop).Count | Should -Be 0
        Get-Page 127.0.0.70 node.txt | Should -Be 'pester-mig-old'
    }

    It 'stops at the failed freeze with the resume command, and the old node keeps serving' {
        Invoke-Migration @migrate -ErrorAction SilentlyContinue -ErrorVariable failed | Out-Null
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'MigrationStepFailed*'
        $failed[0].ErrorDetails.RecommendedAction | Should -Match 'Invoke-Migration -Resume'
        $m = Get-Migration -Project shop
        $m.Status | Should -Be 'Failed'
        ($m.Steps | Where-Object Name -EQ 'PrepareTarget').State | Should -Be 'Done'
        ($m.Steps | Where-Object Name -EQ 'Freeze').State | Should -Be 'Failed'
        Get-Page 127.0.0.70 node.txt | Should -Be 'pester-mig-old'
        # The new node has the stack's files but runs nothing of it before the cutover: no workers or cron jobs on
        # both nodes with the copied .env.
        ($new | Invoke-NodeCommand -Command 'test -f /srv/shop/start.sh && echo copied; test -e /var/lib/shop/pid && echo running || echo not-running').Output | Should -Be "copied`nnot-running`n"
    }

    It 'resumes by id alone, runs each step once more at most, and ends with the new node serving everything' {
        $null = $old | Invoke-NodeCommand -Command 'touch /etc/allow-freeze; echo "upload 4, written before the freeze" > /var/lib/shop/www/upload-4.txt' -ErrorAction Stop
        $id = (Get-Migration -Project shop).Id
        # Nothing but the id: the nodes, the stack's commands, the DNS names and the redirect come from the stored plan.
        $m = Invoke-Migration -Resume $id -Force -ErrorAction Stop

        $m.Status | Should -Be 'Completed'
        ($m.Steps | Where-Object Name -EQ 'PrepareTarget').Attempts | Should -Be 1
        ($m.Steps | Where-Object Name -EQ 'InitialSync').Attempts | Should -Be 1
        ($m.Steps | Where-Object Name -EQ 'Freeze').Attempts | Should -Be 2
        $m.Downtime | Should -BeGreaterThan ([TimeSpan]::Zero)
        $m.DeleteAfter | Should -BeGreaterThan ([DateTimeOffset]::UtcNow.AddDays(6))
        # The old address now reaches the new node, through HAProxy; the files and the freeze's last write came along.
        Get-Page 127.0.0.70 node.txt | Should -Be 'pester-mig-new'
        Get-Page 127.0.0.70 www/upload-4.txt | Should -Be 'upload 4, written before the freeze'
        Get-Page 127.0.0.71 www/index.html | Should -Be 'the shop, version 1'
        (Test-DnsRecord -Zone countable.ca -Name shop -Expected 127.0.0.71).Matches | Should -BeTrue
        ($old | Invoke-NodeCommand -Command 'test -e /var/lib/shop/pid && echo running || echo stopped').Output.Trim() | Should -Be 'stopped'
        (Get-Migration -Project shop).Status | Should -Be 'Completed'
    }

    It 'keeps the old node for its week: Complete-Migration says when, and deletes nothing' {
        $m = Get-Migration -Project shop | Complete-Migration -Force -WarningVariable warned -ErrorAction Stop
        "$warned" | Should -Match 'kept until'
        $m.Status | Should -Be 'Completed'
        ($old | Invoke-NodeCommand -Command 'hostname').Output.Trim() | Should -Be 'pester-mig-old'
        Resume-Migration -Id $m.Id -Force -WarningVariable again -ErrorAction Stop | Out-Null
        "$again" | Should -Match 'kept until'
    }

    It 'is undone by Undo-Migration: the redirect goes, DNS points back, and the old stack serves again' {
        $r = Get-Migration -Project shop | Undo-Migration -Force -WarningVariable warned -ErrorAction Stop
        $r.Status | Should -Be 'RolledBack'
        "$warned" | Should -Match 'not copied back'
        Get-Page 127.0.0.70 node.txt | Should -Be 'pester-mig-old'
        (Test-DnsRecord -Zone countable.ca -Name shop -Expected 127.0.0.70).Matches | Should -BeTrue
        ($old | Invoke-NodeCommand -Command 'test -e /etc/releaseops/redirect.cfg && echo present || echo gone').Output.Trim() | Should -Be 'gone'
        (Get-Migration -Project shop).Status | Should -Be 'RolledBack'
        { Undo-Migration @migrate -ErrorAction Stop } | Should -Throw -ErrorId 'MigrationNotFound*'
        { Undo-Migration -Id $r.Id -Force -ErrorAction Stop } | Should -Throw -ErrorId 'MigrationNotUndoable*'
        { Complete-Migration -Id $r.Id -Force -ErrorAction Stop } | Should -Throw -ErrorId 'MigrationNotCompleted*'
        { Resume-Migration -Id $r.Id -Force -ErrorAction Stop } | Should -Throw -ErrorId 'MigrationRolledBack*'
        { Resume-Migration -Id 'shop-19990101-000000' -Force -ErrorAction Stop } | Should -Throw -ErrorId 'MigrationNotFound*'
        { Resume-Migration -Id '../../etc/passwd' -Force -ErrorAction Stop } | Should -Throw -ErrorId 'MigrationNotFound*'
    }

    It 'runs no stack command as root in a stack folder that another account owns' {
        # mallory owns the stack folder, so its compose and env files are hers: running them as root would give her root.
        $null = $old | Invoke-NodeCommand -Command 'useradd -m -p "*" mallory; mkdir -p /srv/mallory && printf "touch /var/tmp/frozen-as-root\n" > /srv/mallory/freeze.sh && chown -R mallory /srv/mallory' -ErrorAction Stop
        $p = @{ Source = $old; Target = $new; Project = 'mallory'; StackPath = '/srv/mallory'; SourceAddress = '127.0.0.70'; TargetAddress = '127.0.0.71'
            StartCommand = 'true'; FreezeCommand = 'sh ./freeze.sh'; StopCommand = 'true'; RedirectPort = $port; RedirectListenAddress = '127.0.0.70'; Force = $true }
        Invoke-Migration @p -ErrorAction SilentlyContinue -ErrorVariable failed | Out-Null
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'MigrationStepFailed*'
        $failed[0].Exception.Message | Should -Match 'stopped at Freeze.*belongs to mallory'
        $failed[0].Exception.InnerException.ErrorId | Should -Be 'UnsafeStackFolder'
        ($old | Invoke-NodeCommand -Command 'test -e /var/tmp/frozen-as-root && echo ran || echo not-run').Output.Trim() | Should -Be 'not-run'
    }

    It 'runs no stack command as root when a file directly in the root stack folder belongs to another account' {
        # The folder is root's, but its script (or compose or env file: a sync copies owners by number, so a file of
        # the source's deploy user arrives as whoever has that UID on the target) is mallory's to rewrite.
        $null = $old | Invoke-NodeCommand -Command 'id mallory >/dev/null 2>&1 || useradd -m -p "*" mallory; mkdir -p /srv/mallory2 && printf "touch /var/tmp/frozen2-as-root\n" > /srv/mallory2/freeze.sh && chown mallory /srv/mallory2/freeze.sh' -ErrorAction Stop
        $p = @{ Source = $old; Target = $new; Project = 'mallory2'; StackPath = '/srv/mallory2'; SourceAddress = '127.0.0.70'; TargetAddress = '127.0.0.71'
            StartCommand = 'true'; FreezeCommand = 'sh ./freeze.sh'; StopCommand = 'true'; RedirectPort = $port; RedirectListenAddress = '127.0.0.70'; Force = $true }
        Invoke-Migration @p -ErrorAction SilentlyContinue -ErrorVariable failed | Out-Null
        $failed[0].Exception.InnerException.ErrorId | Should -Be 'UnsafeStackFolder'
        $failed[0].Exception.Message | Should -Match 'freeze.sh'
        ($old | Invoke-NodeCommand -Command 'test -e /var/tmp/frozen2-as-root && echo ran || echo not-run').Output.Trim() | Should -Be 'not-run'
    }
}
