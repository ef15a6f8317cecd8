BeforeAll {
    Import-Module $env:RELEASEOPS_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'SshFixtures.psm1') -Force
    $script:ctx = New-SshTestContext -Directory (Join-Path $TestDrive 'ssh')
    $global:PSDefaultParameterValues = $ctx.Defaults.Clone()
}

AfterAll {
    Get-ProjectNode -Provider Sandbox | Remove-ProjectNode -Force
    $global:PSDefaultParameterValues = @{}
}

Describe 'New-ProjectNode -Provider Sandbox' {
    It 'creates a reachable node named by slug and client, and records its host key' {
        $n = New-ProjectNode -Provider Sandbox -Project cortico -Client clinic
        $n | Should -BeOfType ([ReleaseOps.ProjectNode])
        $n.Name | Should -Be 'cortico-clinic'
        $n.Project | Should -Be 'cortico'
        $n.Provider | Should -Be 'Sandbox'
        $n.HostName | Should -Be '127.0.0.1'
        $n.User | Should -Be 'root'
        Get-Content $ctx.KnownHostsFile | Should -Contain ("[127.0.0.1]:$($n.Port) " + (Get-Content $ctx.KnownHostsFile | Where-Object { $_ -like "``[127.0.0.1``]:$($n.Port) *" }).Split(' ', 2)[1])
        ($n | Invoke-NodeCommand -Command 'hostname').Output.Trim() | Should -Be 'cortico-clinic'
    }

    It 'is idempotent: the same call returns the same node' {
        $a = New-ProjectNode -Provider Sandbox -Project idem
        $b = New-ProjectNode -Provider Sandbox -Project idem
        $b.Id | Should -Be $a.Id
        @(Get-ProjectNode -Project idem).Count | Should -Be 1
    }

    It 'takes the provider from Select-HostingProvider-shaped objects' {
        $n = [pscustomobject]@{ Project = 'piped'; Provider = 'Sandbox' } | New-ProjectNode
        $n.Name | Should -Be 'piped'
    }

    It 'rejects names that are not DNS labels' {
        { New-ProjectNode -Provider Sandbox -Project 'Bad_Slug' -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidProjectSlug,ReleaseOps.Commands.NewProjectNodeCommand'
    }

    It 'creates nothing with -WhatIf' {
        New-ProjectNode -Provider Sandbox -Project whatif -WhatIf | Should -BeNullOrEmpty
        Get-ProjectNode -Project whatif | Should -BeNullOrEmpty
    }

    It 'removes a node, stops its sshd and forgets its key' {
        $n = New-ProjectNode -Provider Sandbox -Project gone
        $n | Remove-ProjectNode -Force
        Get-ProjectNode -Project gone | Should -BeNullOrEmpty
        Get-Content $ctx.KnownHostsFile | Where-Object { $_ -like "``[127.0.0.1``]:$($n.Port) *" } | Should -BeNullOrEmpty
        $c = [System.Net.Sockets.TcpClient]::new()
        { $c.Connect('127.0.0.1', $n.Port) } | Should -Throw
        $c.Dispose()
    }

    It 'prints a table by default' {
        $null = New-ProjectNode -Provider Sandbox -Project table
        Get-ProjectNode -Project table | Out-String | Should -Match 'table\s+Sandbox\s+127\.0\.0\.1'
    }
}

Describe 'New-ProjectNode -Provider Client and host keys' {
    # Issue #13: a client's server exists before we register it, so its key is never trusted on first use by default.
    BeforeAll {
        $script:savedRegistry = $env:RELEASEOPS_NODE_REGISTRY
        $env:RELEASEOPS_NODE_REGISTRY = Join-Path $TestDrive 'client-nodes.json'
        $script:server = New-TestNode -Client hostkey
        $script:clientKnown = Join-Path $TestDrive 'client_known_hosts'
        $script:client = @{ Provider = 'Client'; Project = 'acme'; Address = '127.0.0.1'; SshPort = $server.Port; IdentityFile = $ctx.IdentityFile; KnownHostsFile = $clientKnown; Timeout = [TimeSpan]::FromSeconds(30) }
    }
    AfterAll {
        if ($null -eq $savedRegistry) { Remove-Item Env:RELEASEOPS_NODE_REGISTRY -ErrorAction SilentlyContinue } else { $env:RELEASEOPS_NODE_REGISTRY = $savedRegistry }
    }

    It 'is Strict by default for a client server, and records its key only with -HostKeyPolicy AcceptNew' {
        { New-ProjectNode @client -ErrorAction Stop } | Should -Throw -ErrorId 'HostKeyUnknown,ReleaseOps.Commands.NewProjectNodeCommand'
        @(Get-Content $clientKnown -ErrorAction SilentlyContinue | Where-Object { $_ }).Count | Should -Be 0
        $n = New-ProjectNode @client -HostKeyPolicy AcceptNew -WarningAction SilentlyContinue -ErrorAction Stop
        $n.HostKeyFingerprint | Should -Not -BeNullOrEmpty
        @(Get-Content $clientKnown | Where-Object { $_ }).Count | Should -Be 1
        (New-ProjectNode @client -ErrorAction Stop).HostKeyFingerprint | Should -Be $n.HostKeyFingerprint
    }
}
