# The whole migration on the Docker test rig, with faults at every step and a load generator writing all along.
# Two sandbox nodes, each with its own Docker engine; the sample stack (web + PostgreSQL 15 + an uploads folder) runs
# on the old node with the migration's default commands (docker-compose up -d, stop every service but db, down); DNS
# goes through the DigitalOcean fake and its authoritative DNS server; the redirect is Debian's HAProxy.
#
# While it runs, tests/rig/loadgen.py writes unique keys through the old node's address, then through the redirect.
# The migration is interrupted again and again, and each time resumed:
#   - the new node's disk is full, so the initial copy fails; space is freed and the same command resumes;
#   - the SSH connections of the old node are cut while the uploads stream;
#   - the process is killed (SIGKILL) as each step starts: PrepareTarget, Freeze, FinalSync, SwitchDns and Redirect.
# In the end every acknowledged write is on the new node, once, and nothing else is; DNS and the redirect point at the
# new node, the old stack is down with its data kept, and Complete-Migration deletes the old node.
BeforeAll {
    Import-Module $env:RELEASEOPS_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'SshFixtures.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'DockerFixtures.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:ctx = New-SshTestContext -Directory (Join-Path $TestDrive 'ssh')
    $global:PSDefaultParameterValues = $ctx.Defaults.Clone()
    Set-DockerFixtureContext $ctx
    $env:RELEASEOPS_MIGRATIONS = Join-Path $TestDrive 'migrations'
    $script:cloud = Start-FakeCloud
    Invoke-RestMethod -Method Post "$($cloud.BaseUrl)_fake/digitalocean/domains/countable.ca" | Out-Null
    Set-FakeCloudEnvironment -Fake $cloud
    $null = Install-DockerRigImage

    $script:old = New-DockerTestNode -Client mig-old
    $script:new = New-DockerTestNode -Client mig-new
    $null = Initialize-DockerNode -Node $old
    $null = Initialize-DockerNode -Node $new -DiskSizeMB 640
    $script:port = Get-FreePort
    $script:oldUrl = Install-SampleStack -Node $old -Address 127.0.0.80 -Port $port -Up
    # The new node has its own env file (its address), and nothing of the stack: the migration copies the folder.
    $null = Invoke-RigCommand $new 'printf "ADDRESS=127.0.0.81\nPORT=%s\n" "$1" > /etc/releaseops-stack.env' -ArgumentList $port
    $null = Set-DnsRecord -Zone countable.ca -Name shop -Value 127.0.0.80 -Ttl 60 -ErrorAction Stop

    # Uploads: a few small files and one of 256 MB of random data, so that the transfer lasts long enough to be cut.
    foreach ($i in 1..5) { $null = Invoke-WebRequest -Method Put "$oldUrl/uploads/photo-$i.txt" -Body "photo $i" -TimeoutSec 5 }
    $null = Invoke-RigCommand $old 'head -c 268435456 /dev/urandom > /var/lib/shop/uploads/big.bin && sha256sum /var/lib/shop/uploads/big.bin'

    $script:migrate = @{
        Source = $old; Target = $new; Project = 'shop'; StackPath = '/srv/shop'; Database = 'shop'; FilePath = '/var/lib/shop/uploads'
        DnsZone = 'countable.ca'; DnsName = 'shop'; TargetAddress = '127.0.0.81'; SourceAddress = '127.0.0.80'
        RedirectPort = $port; RedirectListenAddress = '127.0.0.80'; DnsTimeout = '00:00:20'; Force = $true
    }
    $script:load = Start-LoadGenerator -Url $oldUrl -Directory (Join-Path $TestDrive 'load') -Prefix w -Rate 25 -Duration 600
    $script:interrupted = [System.Collections.Generic.List[string]]::new()

    function Get-Journal {
        $file = Get-ChildItem $env:RELEASEOPS_MIGRATIONS -Filter 'shop-*.json' -ErrorAction SilentlyContinue | Select-Object -First 1
        if ($file) { try { Get-Content -Raw $file.FullName | ConvertFrom-Json } catch { $null } }
    }

    function Start-MigrationProcess([string] $Command) { TestHelpers\Start-MigrationProcess -Command $Command -Nodes @{ Old = $old; New = $new } -Context $ctx -Directory $TestDrive }

    function Stop-WhenStepRuns([pscustomobject] $Run, [string] $Step, [int] $TimeoutSeconds = 120) {
        # Kills the process (SIGKILL) as soon as the journal shows the step running, or a later one when it was too
        # short to see; returns the step that was running when it died.
        $names = 'PrepareTarget', 'InitialSync', 'Freeze', 'FinalSync', 'SwitchDns', 'Redirect', 'Snapshot'
        $from = [array]::IndexOf($names, $Step)
        $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
        while ([DateTime]::UtcNow -lt $deadline -and -not $Run.Process.HasExited) {
            $j = Get-Journal
            $running = if ($j) { @($j.Steps | Where-Object State -EQ 'Running') } else { @() }
            if ($running.Count -gt 0 -and [array]::IndexOf($names, $running[0].Name) -ge $from) {
                Stop-Process -Id $Run.Process.Id -Force
                $Run.Process.WaitForExit()
                $script:interrupted.Add($running[0].Name)
                return $running[0].Name
            }
            Start-Sleep -Milliseconds 10
        }
        throw "The migration process did not reach $Step (exited: $($Run.Process.HasExited)): $(Get-Content -Raw $Run.Log -ErrorAction SilentlyContinue) $(Get-Content -Raw "$($Run.Log).err" -ErrorAction SilentlyContinue)"
    }

    function Stop-NodeSshSession($Node) {
        # Cuts every SSH connection to the node, as a network failure would: its sshd session processes are killed
        # from this machine (the listener stays, so the node can be reached again).
        $sessions = @(Get-NodeHostProcess $Node | Where-Object CommandLine -Match '^sshd: \S+ \[priv\]|^sshd: \S+@')
        $sessions | ForEach-Object { Stop-Process -Id $_.Id -Force -ErrorAction SilentlyContinue }
        $sessions.Count
    }

    # True while a process with this name runs in the node.
    function Test-NodeRuns($Node, [string] $Name) { @(Get-NodeHostProcess $Node | Where-Object Name -EQ $Name).Count -gt 0 }
}

AfterAll {
    if ($load -and -not $load.Process.HasExited) { Set-Content -Path $load.StopFile -Value stop; $null = $load.Process.WaitForExit(10000) }
    if ($old) { $old | Remove-NodeRedirect -ErrorAction SilentlyContinue | Out-Null }
    $old, $new | Where-Object { $_ } | Remove-ProjectNode -Force -ErrorAction SilentlyContinue
    foreach ($n in 'pester-mig-old', 'pester-mig-new') { $null = Remove-DockerNodeCgroup -NodeName $n }
    Clear-FakeCloudEnvironment
    Stop-FakeCloud -Fake $cloud
    Remove-Item env:RELEASEOPS_MIGRATIONS -ErrorAction SilentlyContinue
    $global:PSDefaultParameterValues = @{}
}

Describe 'Invoke-Migration of a docker-compose stack, interrupted at every step' {
    It 'is killed as it prepares the new node, and has stored its plan' {
        $command = 'Invoke-Migration -Source $nodes.Old -Target $nodes.New -Project shop -StackPath /srv/shop -Database shop -FilePath /var/lib/shop/uploads ' +
            "-DnsZone countable.ca -DnsName shop -TargetAddress 127.0.0.81 -SourceAddress 127.0.0.80 -RedirectPort $port -RedirectListenAddress 127.0.0.80 -DnsTimeout 00:00:20 -Force @ssh"
        $run = Start-MigrationProcess $command
        Stop-WhenStepRuns $run PrepareTarget | Should -Be 'PrepareTarget'
        $m = Get-Migration -Project shop
        $m.Status | Should -Be 'Running'
        Test-Path (Join-Path $env:RELEASEOPS_MIGRATIONS "$($m.Id).plan") | Should -BeTrue
        (Invoke-WebRequest "$oldUrl/node" -TimeoutSec 5).Content.Trim() | Should -Be 'pester-mig-old'
    }

    It 'stops at the initial copy when the new node''s disk is full, before the freeze, and the old node keeps serving' {
        # Leave 96 MB: enough for the new stack's database, not for the 256 MB upload.
        $null = Invoke-RigCommand $new 'avail=$(df -m --output=avail /var/lib/shop | tail -1); dd if=/dev/zero of=/var/lib/shop/filler bs=1M count=$((avail - 96)) status=none'
        $m = Invoke-Migration @migrate -ErrorAction SilentlyContinue -ErrorVariable failed
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'MigrationStepFailed*'
        "$($failed[0])" | Should -Match 'InitialSync'
        "$($failed[0])" | Should -Match 'No space left on device'
        "$($failed[0])" | Should -Match 'Nothing was sent'
        $failed[0].ErrorDetails.RecommendedAction | Should -Match 'Invoke-Migration -Resume shop-'
        $j = Get-Migration -Project shop
        ($j.Steps | Where-Object Name -EQ 'PrepareTarget').State | Should -Be 'Done'
        ($j.Steps | Where-Object Name -EQ 'Freeze').State | Should -Be 'Pending'
        # Until the cutover the new node runs the database alone: the web service (and any worker or cron job) with
        # the copied .env would run on both nodes at once.
        $running = @((Invoke-NodeCompose $new 'ps --services --filter status=running') -split "`n" | ForEach-Object Trim | Where-Object { $_ -in 'db', 'web' })
        $running | Should -Be @('db')
        (Test-DnsRecord -Zone countable.ca -Name shop -Expected 127.0.0.80).Matches | Should -BeTrue
        (Invoke-WebRequest "$oldUrl/node" -TimeoutSec 5).Content.Trim() | Should -Be 'pester-mig-old'
        $null = Invoke-RigCommand $new 'rm -f /var/lib/shop/filler'
    }

    It 'fails cleanly when the SSH connections are cut while the uploads stream, and says how to resume' {
        $null = Invoke-RigCommand $new 'rm -f /var/lib/shop/filler'
        $id = (Get-Migration -Project shop).Id
        $run = Start-MigrationProcess "Resume-Migration -Id $id -Force @ssh"
        $deadline = [DateTime]::UtcNow.AddSeconds(60)
        while (-not (Test-NodeRuns $old 'rsync') -and -not $run.Process.HasExited -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 20 }
        Test-NodeRuns $old 'rsync' | Should -BeTrue -Because 'the uploads are streaming from the old node'
        Stop-NodeSshSession $old | Should -BeGreaterThan 0
        $run.Process.WaitForExit(60000) | Should -BeTrue
        $run.Process.ExitCode | Should -Not -Be 0
        (Get-Content -Raw "$($run.Log).err") + (Get-Content -Raw $run.Log) | Should -Match 'Resume-Migration shop-'
        $j = Get-Migration -Project shop
        $j.Status | Should -Be 'Failed'
        ($j.Steps | Where-Object Name -EQ 'InitialSync').State | Should -Be 'Failed'
        $script:interrupted.Add('InitialSync (SSH cut)')
    }

    It 'is killed as each later step starts, and resumed each time by its id' {
        $id = (Get-Migration -Project shop).Id
        # Snapshot is not among them: for a sandbox node it makes no call and only writes the journal, too fast to
        # catch from outside (the journal's own tests, MigrationJournalTests, interrupt it before and after its effect).
        foreach ($step in 'Freeze', 'FinalSync', 'SwitchDns', 'Redirect') {
            $run = Start-MigrationProcess "Resume-Migration -Id $id -Force @ssh"
            $hit = Stop-WhenStepRuns $run $step
            $hit | Should -Not -BeNullOrEmpty
        }
        # Every step from the freeze on was interrupted at least once (a step too short to catch counts for the next).
        foreach ($step in 'PrepareTarget', 'Freeze', 'FinalSync', 'SwitchDns', 'Redirect') { $interrupted | Should -Contain $step }
    }

    It 'finishes on the last resume, with every acknowledged write on the new node once, and nothing else' {
        $id = (Get-Migration -Project shop).Id
        $m = Resume-Migration -Id $id -Force -ErrorAction Stop
        $m.Status | Should -Be 'Completed'
        $m.Downtime | Should -BeGreaterThan ([TimeSpan]::Zero)
        Write-Information -InformationAction Continue "Interrupted: $($interrupted -join ', '); downtime $($m.Downtime.TotalSeconds) s; attempts: $(($m.Steps | ForEach-Object { "$($_.Name) $($_.Attempts)" }) -join ', ')"
        foreach ($step in 'PrepareTarget', 'InitialSync', 'Freeze', 'FinalSync') { ($m.Steps | Where-Object Name -EQ $step).Attempts | Should -BeGreaterThan 1 }

        # Writes go on through the redirect for a moment, then the generator stops.
        $before = @(Get-Content $load.AckedFile).Count
        Start-Sleep -Seconds 2
        $r = Wait-LoadGenerator $load -Stop
        $r.Keys.Count | Should -BeGreaterThan ($before + 10) -Because 'the old address reaches the new node through HAProxy'
        $found = Get-StackItem $new | Where-Object { $_ -like 'w-*' }
        @($found | Select-Object -Unique).Count | Should -Be @($found).Count
        Compare-Object -ReferenceObject $r.Keys -DifferenceObject $found | Should -BeNullOrEmpty
        $r.Acked | Should -BeGreaterThan 100
    }

    It 'leaves DNS, the redirect, the files and the old stack as the process says' {
        (Test-DnsRecord -Zone countable.ca -Name shop -Expected 127.0.0.81).Matches | Should -BeTrue
        (Invoke-WebRequest "$oldUrl/node" -TimeoutSec 5).Content.Trim() | Should -Be 'pester-mig-new'
        [Text.Encoding]::UTF8.GetString((Invoke-WebRequest "$oldUrl/uploads/photo-3.txt" -TimeoutSec 5).RawContentStream.ToArray()) | Should -Be 'photo 3'
        $sum = { param($n) (Invoke-RigCommand $n 'sha256sum /var/lib/shop/uploads/big.bin').Split(' ')[0] }
        & $sum $new | Should -Be (& $sum $old)
        # docker compose down, never -v: no container runs on the old node, and its volume and data are kept.
        Invoke-RigCommand $old 'docker ps -q' | Should -BeNullOrEmpty
        Invoke-RigCommand $old 'docker volume ls -q' | Should -Be 'shop_pgrun'
        Invoke-RigCommand $old 'test -s /var/lib/shop/pgdata/PG_VERSION && echo kept' | Should -Be 'kept'
    }

    It 'keeps the old node for its week, then Complete-Migration deletes it and closes the migration' {
        $m = Get-Migration -Project shop | Complete-Migration -Force -WarningVariable early
        "$early" | Should -Match 'kept until'
        $m.Status | Should -Be 'Completed'
        $closed = Get-Migration -Project shop | Complete-Migration -DeleteNow -Force -ErrorAction Stop
        $closed.Status | Should -Be 'Closed'
        $closed.OldNodeRemoved | Should -Not -BeNullOrEmpty
        { $old | Invoke-NodeCommand -Command true -ErrorAction Stop } | Should -Throw
        $script:old = $null
    }
}
