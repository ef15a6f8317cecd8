# The Docker test rig (DockerFixtures.psm1): two sandbox nodes, each with its own Docker engine, and the sample stack
# (samples/stack: web + PostgreSQL) from /srv/shop on node A, written to by tests/rig/loadgen.py. It proves what the
# migration tests rely on: acknowledged writes are in the database, the db service answers pg_dump while web is
# stopped, docker-compose down keeps the data, the engines are separate, a size-limited disk fills up, and nothing
# outlives the nodes. The image is built once (tests/rig/build-image.sh, cached under /var/tmp/releaseops-rig).
BeforeAll {
    Import-Module $env:RELEASEOPS_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'SshFixtures.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'DockerFixtures.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:ctx = New-SshTestContext -Directory (Join-Path $TestDrive 'ssh')
    $global:PSDefaultParameterValues = $ctx.Defaults.Clone()
    Set-DockerFixtureContext $ctx
    $null = Install-DockerRigImage

    $script:a = New-DockerTestNode -Client rig-a
    $script:b = New-DockerTestNode -Client rig-b
    $script:engineA = Initialize-DockerNode -Node $a -DiskSizeMB 96
    $script:engineB = Initialize-DockerNode -Node $b
    Write-Information -InformationAction Continue "Docker rig: dockerd up in $($engineA.StartSeconds) s, image loaded in $($engineA.LoadSeconds) s (node A), $($engineB.LoadSeconds) s (node B)"
    $script:port = Get-FreePort
    $script:urlA = Install-SampleStack -Node $a -Address 127.0.0.72 -Port $port -Up
    $script:load = Join-Path $TestDrive 'load'

    function Get-Json([string] $Url) { Invoke-RestMethod $Url -TimeoutSec 5 }
    function Get-Dump { Invoke-NodeCompose $a 'exec -T db pg_dump --username=postgres shop' }
}

AfterAll {
    $a, $b | Where-Object { $_ } | Remove-ProjectNode -Force -ErrorAction SilentlyContinue
    foreach ($n in 'pester-rig-a', 'pester-rig-b') { $null = Remove-DockerNodeCgroup -NodeName $n }
    $global:PSDefaultParameterValues = @{}
}

Describe 'Docker test rig' {
    It 'gives each node its own engine, and the stack on A serves as A' {
        $idA = Invoke-RigCommand $a 'docker info --format "{{.ID}}"'
        $idB = Invoke-RigCommand $b 'docker info --format "{{.ID}}"'
        $idA | Should -Not -BeNullOrEmpty
        $idA | Should -Not -Be $idB
        (Invoke-RigCommand $a 'docker ps --format "{{.Names}}" | sort') -split "`n" | Should -Be @('shop_db_1', 'shop_web_1')
        (Invoke-RigCommand $a 'docker volume ls -q') | Should -Be 'shop_pgrun'
        # B has the image but none of A's containers or volumes.
        Invoke-RigCommand $b 'docker image inspect -f "{{.Id}}" releaseops-rig:latest' | Should -Match '^sha256:'
        Invoke-RigCommand $b 'docker ps -aq; docker volume ls -q' | Should -BeNullOrEmpty
        (Invoke-WebRequest "$urlA/node" -TimeoutSec 5).Content.Trim() | Should -Be 'pester-rig-a'
        # The node's address is not in the stack folder (a migration copies it): it comes from the node's env file.
        Invoke-RigCommand $a 'grep -rl 127.0.0.72 /srv/shop || true' | Should -BeNullOrEmpty
        Invoke-RigCommand $a 'cat /etc/releaseops-stack.env' | Should -Match 'ADDRESS=127\.0\.0\.72'
    }

    It 'finds every write the load generator saw acknowledged in the database' {
        $run = Start-LoadGenerator -Url $urlA -Directory $load -Prefix steady -Rate 40 -Duration 3
        $r = Wait-LoadGenerator $run
        $r.Errors | Should -Be 0
        $r.Acked | Should -BeGreaterThan 60
        $r.Keys.Count | Should -Be $r.Acked
        $inDb = Get-StackItem $a | Where-Object { $_ -like 'steady-*' }
        Compare-Object $r.Keys $inDb | Should -BeNullOrEmpty
        (Get-Json "$urlA/items").count | Should -Be $r.Acked
    }

    It 'refuses writes once web is stopped, keeps every acknowledged one, and db still answers pg_dump' {
        $run = Start-LoadGenerator -Url $urlA -Directory $load -Prefix freeze -Rate 40 -Duration 30
        $watch = [Diagnostics.Stopwatch]::StartNew()
        while (@(Get-Content $run.AckedFile -ErrorAction SilentlyContinue).Count -lt 20 -and $watch.Elapsed.TotalSeconds -lt 10) { Start-Sleep -Milliseconds 100 }
        # The migration's freeze: every service but db stops.
        $null = Invoke-NodeCompose $a 'stop web'
        Start-Sleep -Milliseconds 500
        $r = Wait-LoadGenerator $run -Stop

        $r.Acked | Should -BeGreaterOrEqual 20
        $r.Errors | Should -BeGreaterThan 0
        { Invoke-WebRequest "$urlA/health" -TimeoutSec 2 } | Should -Throw
        Invoke-RigCommand $a 'cd /srv/shop && docker-compose ps --services --filter status=running' | Should -Be 'db'
        $dump = Get-Dump
        $dump | Should -Match 'CREATE TABLE public\.items'
        $dumped = @($dump -split "`n" | Where-Object { $_ -match "^\d+\t(freeze-\d+)\t" } | ForEach-Object { $Matches[1] })
        # Acknowledged writes are all there, and no write the client did not see acknowledged was committed.
        Compare-Object $r.Keys $dumped | Should -BeNullOrEmpty
    }

    It 'keeps the database and the uploads through docker-compose down and up' {
        $null = Invoke-NodeCompose $a 'start web'
        Wait-StackHealthy -Url $urlA
        $before = (Get-Json "$urlA/items").keys
        (Invoke-WebRequest -Method Put "$urlA/uploads/invoice-1.pdf" -Body 'invoice one' -TimeoutSec 5).StatusCode | Should -Be 201
        Invoke-RigCommand $a 'cat /var/lib/shop/uploads/invoice-1.pdf' | Should -Be 'invoice one'

        $null = Invoke-NodeCompose $a 'down'
        Invoke-RigCommand $a 'docker ps -aq' | Should -BeNullOrEmpty
        $null = Invoke-NodeCompose $a 'up -d'
        Wait-StackHealthy -Url $urlA

        $before.Count | Should -BeGreaterThan 80
        Compare-Object $before (Get-Json "$urlA/items").keys | Should -BeNullOrEmpty
        [Text.Encoding]::UTF8.GetString((Invoke-WebRequest "$urlA/uploads/invoice-1.pdf" -TimeoutSec 5).Content) | Should -Be 'invoice one'
    }

    It 'runs a second copy of the stack on B with a database of its own' {
        $urlB = Install-SampleStack -Node $b -Address 127.0.0.73 -Port $port -Up
        (Invoke-WebRequest "$urlB/node" -TimeoutSec 5).Content.Trim() | Should -Be 'pester-rig-b'
        (Get-Json "$urlB/items").count | Should -Be 0
        (Invoke-WebRequest -Method Post "$urlB/items?key=only-on-b" -TimeoutSec 5).StatusCode | Should -Be 201
        Get-StackItem $b | Should -Be 'only-on-b'
        Get-StackItem $a | Should -Not -Contain 'only-on-b'
        @((Invoke-RigCommand $a 'docker ps -q') -split "`n").Count | Should -Be 2
    }

    It 'fills the size-limited disk of node A: writes fail with ENOSPC, and work again once space is freed' {
        Invoke-RigCommand $a 'df -m --output=size /var/lib/shop | tail -n 1' | Should -BeIn (95..96 | ForEach-Object { "$_" })
        $r = $a | Invoke-NodeCommand -Command 'dd if=/dev/zero of=/var/lib/shop/uploads/filler bs=1M count=200 2>&1' -ErrorAction SilentlyContinue
        $r.Succeeded | Should -BeFalse
        $r.Output | Should -Match 'No space left on device'
        $put = Invoke-WebRequest -Method Put "$urlA/uploads/photo.jpg" -Body ('x' * 65536) -TimeoutSec 5 -SkipHttpErrorCheck
        $put.StatusCode | Should -Be 507
        $put.Content | Should -Match 'No space left on device'
        $null = Invoke-RigCommand $a 'rm /var/lib/shop/uploads/filler'
        (Invoke-WebRequest -Method Put "$urlA/uploads/photo.jpg" -Body ('x' * 65536) -TimeoutSec 5).StatusCode | Should -Be 201
    }

    It 'leaves no dockerd, containerd or container process behind when the nodes are removed' {
        $procs = @(Get-DockerNodeProcess $a) + @(Get-DockerNodeProcess $b)
        foreach ($name in 'dockerd', 'containerd', 'postgres', 'python3') { $procs.Name | Should -Contain $name }
        $a, $b | Remove-ProjectNode -Force
        $alive = $procs | Where-Object { Test-Path "/proc/$($_.Id)" }
        $alive | Should -BeNullOrEmpty
        # Only empty cgroup folders remain (rmdir fails on one with a process in it).
        Remove-DockerNodeCgroup -NodeName 'pester-rig-a' | Should -BeGreaterThan 0
        Remove-DockerNodeCgroup -NodeName 'pester-rig-b' | Should -BeGreaterThan 0
    }
}
