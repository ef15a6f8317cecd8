BeforeAll {
    Import-Module $env:RELEASEOPS_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'SshFixtures.psm1') -Force
    $script:ctx = New-SshTestContext -Directory (Join-Path $TestDrive 'ssh')
    $global:PSDefaultParameterValues = $ctx.Defaults.Clone()
    $script:node = New-TestNode -Client history
    # The format the bootstrap sets up: bash with HISTTIMEFORMAT writes "#<epoch>" before each command.
    $setup = @'
useradd -m -p '*' dana
printf '#1764230400\ndocker compose ps\n#1764230460\ndocker compose logs web | tail\n' > /root/.bash_history
printf '#1764234000\nsudo systemctl restart nginx\nls -la\n' > /home/dana/.bash_history
chown dana /home/dana/.bash_history
'@
    $null = $node | Invoke-NodeCommand -Command $setup
}

AfterAll {
    $node | Remove-ProjectNode -Force
    $global:PSDefaultParameterValues = @{}
}

Describe 'Get-NodeHistory' {
    It 'reads every user''s history with who and when, in time order' {
        $h = $node | Get-NodeHistory
        $h | Should -HaveCount 4
        $h[0] | Should -BeOfType ([ReleaseOps.NodeHistoryEntry])
        $h[0].User | Should -Be 'root'
        $h[0].Command | Should -Be 'docker compose ps'
        $h[0].Time | Should -Be ([DateTimeOffset]::FromUnixTimeSeconds(1764230400))
        $h[2].User | Should -Be 'dana'
        $h[2].Command | Should -Be 'sudo systemctl restart nginx'
        $h[3].Command | Should -Be 'ls -la'
        $h[3].Time | Should -BeNullOrEmpty
        $h[1].Source | Should -Be '/root/.bash_history'
    }

    It 'filters by user, time, pattern and count' {
        ($node | Get-NodeHistory -ForUser dana).Command | Should -Be @('sudo systemctl restart nginx', 'ls -la')
        ($node | Get-NodeHistory -Since ([DateTimeOffset]::FromUnixTimeSeconds(1764230450).UtcDateTime)).Command | Should -Be @('docker compose logs web | tail', 'sudo systemctl restart nginx')
        ($node | Get-NodeHistory -Match 'docker').Count | Should -Be 2
        ($node | Get-NodeHistory -Last 1).Command | Should -Be 'ls -la'
    }

    It 'rejects a bad pattern before touching any node' {
        { $node | Get-NodeHistory -Match '([' -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidPattern,ReleaseOps.Commands.GetNodeHistoryCommand'
    }

    It 'treats a hostile user name as a literal' {
        ($node | Get-NodeHistory -ForUser 'root; touch /tmp/pwned') | Should -BeNullOrEmpty
        ($node | Invoke-NodeCommand -Command 'test -e /tmp/pwned && echo yes || echo no').Output.Trim() | Should -Be 'no'
    }
}
