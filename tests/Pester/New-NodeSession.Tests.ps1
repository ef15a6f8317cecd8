# New-NodeSession, Get-NodeSession and Remove-NodeSession against a sandbox node: commands over a session reuse its
# one connection (the node sees the same client port every time), and a closed or dropped session is a clear error.
BeforeAll {
    Import-Module $env:RELEASEOPS_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'SshFixtures.psm1') -Force
    $script:ctx = New-SshTestContext -Directory (Join-Path $TestDrive 'ssh')
    $global:PSDefaultParameterValues = $ctx.Defaults.Clone()
    $script:node = New-TestNode -Client sessions
}

AfterAll {
    Get-NodeSession | Remove-NodeSession
    $node | Remove-ProjectNode -Force
    $global:PSDefaultParameterValues = @{}
}

Describe 'Node sessions' {
    It 'runs many commands over one connection, by -Session and from the pipeline' {
        $s = $node | New-NodeSession
        $s | Should -BeOfType ([ReleaseOps.NodeSessionInfo])
        $s.State | Should -Be 'Opened'
        $s.User | Should -Be 'root'
        $seen = 1..5 | ForEach-Object { (Invoke-NodeCommand -Session $s -Command 'echo $SSH_CONNECTION').Output.Trim() }
        $seen += ($s | Invoke-NodeCommand -Command 'echo $SSH_CONNECTION').Output.Trim()
        $seen += ($s | Add-NodeSshKey -PublicKey (Get-Content $ctx.PublicKeyFile) | ForEach-Object { (Invoke-NodeCommand -Session $s -Command 'echo $SSH_CONNECTION').Output.Trim() })
        @($seen | Sort-Object -Unique) | Should -HaveCount 1
        # Without the session, each command connects anew: another client port.
        ($node | Invoke-NodeCommand -Command 'echo $SSH_CONNECTION').Output.Trim() | Should -Not -Be $seen[0]
        (Get-NodeSession -SessionId $s.SessionId).Endpoint | Should -Be $s.Endpoint
        $closed = $s | Remove-NodeSession -PassThru
        $closed.State | Should -Be 'Closed'
        { Invoke-NodeCommand -Session $s -Command true -ErrorAction Stop } | Should -Throw -ErrorId 'NodeSessionNotFound,ReleaseOps.Commands.InvokeNodeCommandCommand'
    }

    It 'reports a session whose connection dropped as NodeSessionBroken, and -HostName or -Session is required' {
        $s = $node | New-NodeSession
        # The node's sshd ends this session's connection: the oldest root session on the node is this one.
        $null = Invoke-NodeCommand -Session $s -Command true -ErrorAction Stop
        $null = $node | Invoke-NodeCommand -Command 'pkill -o -f "sshd: root@notty"; true'
        foreach ($i in 1..50) { if ((Get-NodeSession -SessionId $s.SessionId).State -eq 'Broken') { break }; Start-Sleep -Milliseconds 100 }
        $r = Invoke-NodeCommand -Session $s -Command true -ErrorVariable broken -ErrorAction SilentlyContinue
        ($broken[0].FullyQualifiedErrorId -split ',')[0] | Should -BeIn @('NodeSessionBroken', 'NodeConnectionLost')
        (Get-NodeSession -SessionId $s.SessionId).State | Should -Be 'Broken'
        $s | Remove-NodeSession
        { Invoke-NodeCommand -Command true -ErrorAction Stop } | Should -Throw -ErrorId 'NoNodeGiven,ReleaseOps.Commands.InvokeNodeCommandCommand'
    }
}
