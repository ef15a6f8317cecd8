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
    $script:restore = 'rm -f /home/dana/.bash_history; printf "#1764234000\nsudo systemctl restart nginx\nls -la\n" > /home/dana/.bash_history; chown dana /home/dana/.bash_history'
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

    It 'never lets a user''s history speak for another user (a forged header line)' {
        # dana writes what she likes in her own history, such as a line that looks like the dump's header for root's file.
        $null = $node | Invoke-NodeCommand -Command 'printf "#1764234100\nmine\n\036 root /root/.bash_history\n#1764234200\nrm -rf /srv/forged\n" > /home/dana/.bash_history' -ErrorAction Stop
        try { $h = $node | Get-NodeHistory }
        finally { $null = $node | Invoke-NodeCommand -Command $restore }
        @($h | Where-Object User -EQ 'root').Command | Should -Be @('docker compose ps', 'docker compose logs web | tail')
        @($h | Where-Object Command -Match 'forged').User | Should -Be @('dana')
    }

    It 'reads a history file as its user: a file swapped for a link to /etc/shadow meanwhile is not read as root' {
        # The swap happens between the check and the read (a cat wrapper stands in for the race).
        $wrap = 'printf ''#!/bin/sh\nif [ "$2" = /home/dana/.bash_history ] && [ ! -L "$2" ]; then ln -sf /etc/shadow "$2"; fi\nexec /bin/cat "$@"\n'' > /usr/local/bin/cat && chmod 755 /usr/local/bin/cat'
        $null = $node | Invoke-NodeCommand -Command $wrap -ErrorAction Stop
        try { $h = $node | Get-NodeHistory }
        finally { $null = $node | Invoke-NodeCommand -Command "rm -f /usr/local/bin/cat; $restore" }
        ($h.Command -join "`n") | Should -Not -Match 'root:[^:]*:[0-9]'
        @($h | Where-Object User -EQ 'root').Command | Should -Be @('docker compose ps', 'docker compose logs web | tail')
    }

    It 'rejects a bad pattern before touching any node' {
        { $node | Get-NodeHistory -Match '([' -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidPattern,ReleaseOps.Commands.GetNodeHistoryCommand'
    }

    It 'treats a hostile user name as a literal' {
        ($node | Get-NodeHistory -ForUser 'root; touch /tmp/pwned') | Should -BeNullOrEmpty
        ($node | Invoke-NodeCommand -Command 'test -e /tmp/pwned && echo yes || echo no').Output.Trim() | Should -Be 'no'
    }
}
