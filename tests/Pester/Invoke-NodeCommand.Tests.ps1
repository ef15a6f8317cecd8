BeforeAll {
    Import-Module $env:RELEASEOPS_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'SshFixtures.psm1') -Force
    $script:ctx = New-SshTestContext -Directory (Join-Path $TestDrive 'ssh')
    $global:PSDefaultParameterValues = $ctx.Defaults.Clone()
    $script:nodes = @('a', 'b', 'c') | ForEach-Object { New-TestNode -Client "inc-$_" }
}

AfterAll {
    $nodes | Remove-ProjectNode -Force
    $global:PSDefaultParameterValues = @{}
}

Describe 'Invoke-NodeCommand' {
    It 'runs on every node from the pipeline and returns one result each' {
        $results = $nodes | Invoke-NodeCommand -Command 'hostname'
        $results | Should -HaveCount 3
        ($results.Output.Trim() | Sort-Object) | Should -Be @('pester-inc-a', 'pester-inc-b', 'pester-inc-c')
        foreach ($r in $results) {
            $r | Should -BeOfType ([ReleaseOps.NodeCommandResult])
            $r.Succeeded | Should -BeTrue
            $r.ExitCode | Should -Be 0
            $r.User | Should -Be 'root'
            $r.Duration | Should -BeGreaterThan ([TimeSpan]::Zero)
        }
    }

    It 'takes addresses with -Port, and names with a HostName property' {
        $n = $nodes[0]
        (Invoke-NodeCommand -HostName 127.0.0.1 -Port $n.Port -User root -Command 'cat /etc/hostname').Output.Trim() | Should -Be $n.Name
        ([pscustomobject]@{ HostName = '127.0.0.1'; Port = $n.Port; User = 'root' } | Invoke-NodeCommand -Command 'hostname').Output.Trim() | Should -Be $n.Name
    }

    It 'passes hostile values as single literal arguments' {
        $hostile = @('x; touch /tmp/pwned-1', '$(touch /tmp/pwned-2)', '`touch /tmp/pwned-3`', "a'b", 'two words', '"quoted"', '&& touch /tmp/pwned-4', '', "multi`nline")
        $r = Invoke-NodeCommand -HostName $nodes[0].HostName -Port $nodes[0].Port -Command 'for a in "$@"; do printf "<%s>\n" "$a"; done; ls /tmp' -ArgumentList $hostile
        $r.Succeeded | Should -BeTrue
        $expected = ($hostile | ForEach-Object { "<$_>" }) -join "`n"
        $r.Output.StartsWith($expected + "`n", [StringComparison]::Ordinal) | Should -BeTrue -Because $r.Output
        (Invoke-NodeCommand -HostName $nodes[0].HostName -Port $nodes[0].Port -Command 'ls /tmp').Output | Should -Not -Match 'pwned'
    }

    It 'keeps going when one node fails, with an error record per failed node' {
        $results = $nodes | Invoke-NodeCommand -Command 'if [ "$(hostname)" = pester-inc-b ]; then echo bad >&2; exit 3; fi; echo ok' -ErrorVariable errs -ErrorAction SilentlyContinue
        $results | Should -HaveCount 3
        $bad = $results | Where-Object HostName -EQ '127.0.0.1' | Where-Object ExitCode -EQ 3
        $bad | Should -HaveCount 1
        $bad.Succeeded | Should -BeFalse
        $bad.Error.Trim() | Should -Be 'bad'
        $bad.FailureId | Should -Be 'NonZeroExit'
        ($results | Where-Object Succeeded).Count | Should -Be 2
        $errs | Should -HaveCount 1
        $errs[0].FullyQualifiedErrorId | Should -Be 'NonZeroExit,ReleaseOps.Commands.InvokeNodeCommandCommand'
    }

    It 'reports an unreachable node with a stable id and still runs the others' {
        $free = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0); $free.Start(); $port = $free.LocalEndpoint.Port; $free.Stop()
        $targets = @([pscustomobject]@{ HostName = '127.0.0.1'; Port = $port }, $nodes[0])
        $results = $targets | Invoke-NodeCommand -Command 'echo up' -ErrorVariable errs -ErrorAction SilentlyContinue
        $results.Output.Trim() | Should -Be 'up'
        $errs | Should -HaveCount 1
        $errs[0].FullyQualifiedErrorId | Should -Be 'NodeUnreachable,ReleaseOps.Commands.InvokeNodeCommandCommand'
        $errs[0].CategoryInfo.Category | Should -Be 'ConnectionError'
    }

    It 'refuses an unknown host key under Strict, and says how to trust it' {
        $empty = Join-Path $TestDrive 'empty_known_hosts'
        { Invoke-NodeCommand -HostName 127.0.0.1 -Port $nodes[1].Port -Command 'true' -KnownHostsFile $empty -ErrorAction Stop } |
            Should -Throw -ErrorId 'HostKeyUnknown,ReleaseOps.Commands.InvokeNodeCommandCommand'
        $null = Invoke-NodeCommand -HostName 127.0.0.1 -Port $nodes[1].Port -Command 'true' -KnownHostsFile $empty -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].Exception.Message | Should -Match ([regex]::Escape($nodes[1].HostKeyFingerprint))
        $errs[0].ErrorDetails.RecommendedAction | Should -Match 'AcceptNew'
        Test-Path $empty | Should -BeFalse
    }

    It 'trusts on first use with AcceptNew, records the key, and Strict then works' {
        $file = Join-Path $TestDrive 'tofu_known_hosts'
        $r = Invoke-NodeCommand -HostName 127.0.0.1 -Port $nodes[2].Port -Command 'echo first' -KnownHostsFile $file -HostKeyPolicy AcceptNew -WarningVariable w -WarningAction SilentlyContinue
        $r.Output.Trim() | Should -Be 'first'
        "$w" | Should -Match 'first use'
        Get-Content $file | Should -Match ("^\[127.0.0.1\]:$($nodes[2].Port) ssh-ed25519 ")
        (Invoke-NodeCommand -HostName 127.0.0.1 -Port $nodes[2].Port -Command 'echo again' -KnownHostsFile $file).Output.Trim() | Should -Be 'again'
    }

    It 'honours UserKnownHostsFile none as ssh does: nothing is read and no file is written' {
        # Issue #13: "none" used to be a file named none in the current folder.
        $cwd = Join-Path $TestDrive 'none-cwd'
        $null = New-Item -ItemType Directory -Path $cwd
        $config = Join-Path $TestDrive 'none_config'
        Set-Content $config "Host 127.0.0.1`n  UserKnownHostsFile none"
        $saved = $global:PSDefaultParameterValues['Invoke-NodeCommand:KnownHostsFile']
        Push-Location $cwd
        try {
            { Invoke-NodeCommand -HostName 127.0.0.1 -Port $nodes[2].Port -Command 'true' -KnownHostsFile none -ErrorAction Stop } |
                Should -Throw -ErrorId 'HostKeyUnknown,ReleaseOps.Commands.InvokeNodeCommandCommand'
            $r = Invoke-NodeCommand -HostName 127.0.0.1 -Port $nodes[2].Port -Command 'echo ok' -KnownHostsFile none -HostKeyPolicy AcceptNew -WarningVariable w -WarningAction SilentlyContinue
            $r.Output.Trim() | Should -Be 'ok'
            "$w" | Should -Match 'not recorded'
            # The same from ssh_config, with no -KnownHostsFile.
            $global:PSDefaultParameterValues.Remove('Invoke-NodeCommand:KnownHostsFile')
            $r = Invoke-NodeCommand -HostName 127.0.0.1 -Port $nodes[2].Port -Command 'echo ok' -ConfigFile $config -HostKeyPolicy AcceptNew -WarningAction SilentlyContinue
            $r.Output.Trim() | Should -Be 'ok'
            @(Get-ChildItem $cwd -Force).Count | Should -Be 0
        }
        finally {
            Pop-Location
            $global:PSDefaultParameterValues['Invoke-NodeCommand:KnownHostsFile'] = $saved
        }
    }

    It 'refuses a changed host key, naming both fingerprints, even with AcceptNew' {
        $file = Join-Path $TestDrive 'changed_known_hosts'
        $other = (Get-Content (Join-Path $ctx.Directory 'id_ed25519.pub')).Split(' ')[1]
        Set-Content $file "[127.0.0.1]:$($nodes[0].Port) ssh-ed25519 $other"
        $null = Invoke-NodeCommand -HostName 127.0.0.1 -Port $nodes[0].Port -Command 'true' -KnownHostsFile $file -HostKeyPolicy AcceptNew -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -Be 'HostKeyMismatch,ReleaseOps.Commands.InvokeNodeCommandCommand'
        $errs[0].CategoryInfo.Category | Should -Be 'SecurityError'
        $errs[0].Exception.Message | Should -Match ([regex]::Escape($nodes[0].HostKeyFingerprint))
        $otherFp = ((& ssh-keygen -lf (Join-Path $ctx.Directory 'id_ed25519.pub')) -split ' ')[1]
        $errs[0].Exception.Message | Should -Match ([regex]::Escape($otherFp))
    }

    It 'kills the remote command when it times out' {
        $n = $nodes[0]
        $r = Invoke-NodeCommand -HostName 127.0.0.1 -Port $n.Port -Command 'sleep 47; echo never' -Timeout 1 -ErrorVariable errs -ErrorAction SilentlyContinue
        $r.FailureId | Should -Be 'CommandTimedOut'
        $r.ExitCode | Should -BeNullOrEmpty
        $r.Output | Should -Not -Match 'never'
        $errs[0].FullyQualifiedErrorId | Should -Be 'CommandTimedOut,ReleaseOps.Commands.InvokeNodeCommandCommand'
        (Invoke-NodeCommand -HostName 127.0.0.1 -Port $n.Port -Command 'pgrep -f "slee[p] 47" || echo gone').Output.Trim() | Should -Be 'gone'
    }

    It 'stops the remote command on Ctrl+C' {
        $n = $nodes[1]
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddCommand('Import-Module').AddArgument($env:RELEASEOPS_MODULE).AddStatement().
                AddCommand('Invoke-NodeCommand').AddParameters(@{ HostName = '127.0.0.1'; Port = $n.Port; Command = 'sleep 53'; IdentityFile = $ctx.IdentityFile; KnownHostsFile = $ctx.KnownHostsFile; ConfigFile = $ctx.ConfigFile })
            $async = $ps.BeginInvoke()
            $deadline = [DateTime]::UtcNow.AddSeconds(20)
            do {
                Start-Sleep -Milliseconds 200
                $running = (Invoke-NodeCommand -HostName 127.0.0.1 -Port $n.Port -Command 'pgrep -f "slee[p] 53" >/dev/null && echo yes || echo no').Output.Trim()
            } until ($running -eq 'yes' -or [DateTime]::UtcNow -gt $deadline)
            $running | Should -Be 'yes'
            $ps.Stop()
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
            (Invoke-NodeCommand -HostName 127.0.0.1 -Port $n.Port -Command 'pgrep -f "slee[p] 53" || echo gone').Output.Trim() | Should -Be 'gone'
        }
        finally { $ps.Dispose() }
    }

    It 'streams output lines to the information stream as they arrive' {
        $r = Invoke-NodeCommand -HostName 127.0.0.1 -Port $nodes[0].Port -Command 'echo one; sleep 0.3; echo two >&2; sleep 0.3; echo three' -Stream -InformationVariable info
        $info.MessageData | Should -Be @("$($nodes[0].HostName): one", "$($nodes[0].HostName): two", "$($nodes[0].HostName): three")
        ($info | Where-Object { $_.Tags -contains 'stderr' }).MessageData | Should -Be "$($nodes[0].HostName): two"
        $r.Output | Should -Be "one`nthree`n"
    }

    It 'runs a local script with arguments' {
        $script = Join-Path $TestDrive 'check.sh'
        Set-Content $script "#!/bin/sh`necho ""args: `$#""`nprintf '%s\n' ""`$1""`nhostname"
        $r = Invoke-NodeCommand -HostName 127.0.0.1 -Port $nodes[2].Port -FilePath $script -ArgumentList 'a b; c', 'x'
        $r.Output | Should -Be "args: 2`na b; c`n$($nodes[2].Name)`n"
    }

    It 'runs through sudo for a non-root user, and says so when sudo needs a password' {
        $n = $nodes[0]
        $pub = Get-Content $ctx.PublicKeyFile
        $setup = 'useradd -m -s /bin/bash -p "*" deployer && useradd -m -s /bin/bash -p "*" nosudo && ' +
            'echo "deployer ALL=(ALL) NOPASSWD: ALL" > /etc/sudoers.d/deployer && chmod 440 /etc/sudoers.d/deployer && ' +
            'for u in deployer nosudo; do mkdir -p /home/$u/.ssh && printf "%s\n" "$1" > /home/$u/.ssh/authorized_keys && chown -R $u:$u /home/$u/.ssh && chmod 700 /home/$u/.ssh; done'
        (Invoke-NodeCommand -HostName 127.0.0.1 -Port $n.Port -Command $setup -ArgumentList $pub).Succeeded | Should -BeTrue
        $plain = Invoke-NodeCommand -HostName 127.0.0.1 -Port $n.Port -User deployer -Command 'id -un'
        $plain.Output.Trim() | Should -Be 'deployer'
        $elevated = Invoke-NodeCommand -HostName 127.0.0.1 -Port $n.Port -User deployer -Sudo -Command 'id -un; printf "%s\n" "$1"' -ArgumentList '$(id)'
        $elevated.Output | Should -Be "root`n`$(id)`n"
        $elevated.User | Should -Be 'root'
        $denied = Invoke-NodeCommand -HostName 127.0.0.1 -Port $n.Port -User nosudo -Sudo -Command 'id -un' -ErrorVariable errs -ErrorAction SilentlyContinue
        $denied.Succeeded | Should -BeFalse
        $errs[0].FullyQualifiedErrorId | Should -Be 'SudoFailed,ReleaseOps.Commands.InvokeNodeCommandCommand'
    }

    It 'changes nothing with -WhatIf' {
        $r = Invoke-NodeCommand -HostName 127.0.0.1 -Port $nodes[0].Port -Command 'touch /tmp/whatif-ran' -WhatIf
        $r | Should -BeNullOrEmpty
        (Invoke-NodeCommand -HostName 127.0.0.1 -Port $nodes[0].Port -Command 'test -e /tmp/whatif-ran && echo yes || echo no').Output.Trim() | Should -Be 'no'
    }
}

Describe 'Invoke-NodeCommand with mixed pipeline input' {
    It 'does not carry one record''s Port over to the next' {
        Import-Module (Join-Path $PSScriptRoot 'SshFixtures.psm1') -Force
        $ctx2 = New-SshTestContext -Directory (Join-Path $TestDrive 'mixed')
        $global:PSDefaultParameterValues = $ctx2.Defaults.Clone()
        $n = New-TestNode -Client mixed
        try {
            $results = @($n, 'unreachable.invalid') | Invoke-NodeCommand -Command 'hostname' -ErrorVariable errs -ErrorAction SilentlyContinue
            $results.Output.Trim() | Should -Be 'pester-mixed'
            $errs | Should -HaveCount 1
            $errs[0].FullyQualifiedErrorId | Should -Be 'NodeUnreachable,ReleaseOps.Commands.InvokeNodeCommandCommand'
            $errs[0].Exception.Message | Should -Match 'unreachable.invalid:22'
        }
        finally { $n | Remove-ProjectNode -Force; $global:PSDefaultParameterValues = @{} }
    }

    It 'logs in with keys that only ssh-agent holds: SSH_AUTH_SOCK, IdentityAgent, an RSA key, and IdentityAgent none' {
        # A real ssh-agent holding keys that exist nowhere on disk once loaded, and a HOME with no keys at all.
        $agentDir = Join-Path $TestDrive 'agent'; $null = New-Item -ItemType Directory -Path $agentDir
        $sock = Join-Path $agentDir 'agent.sock'; $rsaSock = Join-Path $agentDir 'rsa.sock'
        $agents = foreach ($s in $sock, $rsaSock) { Start-Process ssh-agent -ArgumentList '-D', '-a', $s -PassThru -RedirectStandardOutput (Join-Path $agentDir "$([IO.Path]::GetFileName($s)).out") }
        try {
            foreach ($s in $sock, $rsaSock) { foreach ($i in 1..100) { if (Test-Path $s) { break }; Start-Sleep -Milliseconds 50 } }
            foreach ($k in @(@{ Type = 'ed25519'; Sock = $sock; Name = 'agent-ed25519' }, @{ Type = 'rsa'; Sock = $rsaSock; Name = 'agent-rsa' })) {
                $file = Join-Path $agentDir $k.Name
                & ssh-keygen -q -t $k.Type -N '' -C $k.Name -f $file | Out-Null
                bash -c "SSH_AUTH_SOCK='$($k.Sock)' ssh-add -q '$file'" 2>&1 | Out-Null
                $null = $nodes[0] | Add-NodeSshKey -PublicKey (Get-Content "$file.pub") -IdentityFile $ctx.IdentityFile -KnownHostsFile $ctx.KnownHostsFile -ConfigFile $ctx.ConfigFile -ErrorAction Stop
                Remove-Item $file, "$file.pub"
            }
            $homeDir = Join-Path $TestDrive 'agent-home'; $null = New-Item -ItemType Directory -Path $homeDir
            $withAgent = Join-Path $TestDrive 'identityagent.conf'
            Set-Content $withAgent "Host *`n  IdentityAgent $sock"
            $noAgent = Join-Path $TestDrive 'noagent.conf'
            Set-Content $noAgent "Host *`n  IdentityAgent none"
            function Invoke-WithAgent([string] $Env, [string] $Config) {
                $script = Join-Path $TestDrive ([guid]::NewGuid().ToString('N') + '.ps1')
                Set-Content $script @"
Import-Module '$($env:RELEASEOPS_MODULE)'
try { (Invoke-NodeCommand -HostName 127.0.0.1 -Port $($nodes[0].Port) -KnownHostsFile '$($ctx.KnownHostsFile)' -ConfigFile '$Config' -Command 'id -un' -ErrorAction Stop).Output.Trim() }
catch { `$_.FullyQualifiedErrorId }
"@
                bash -c "$Env HOME='$homeDir' '$(Join-Path $PSHOME 'pwsh')' -NoProfile -NonInteractive -File '$script' 2>&1"
            }
            Invoke-WithAgent "SSH_AUTH_SOCK='$sock'" $ctx.ConfigFile | Should -Be 'root'
            Invoke-WithAgent 'SSH_AUTH_SOCK=' $withAgent | Should -Be 'root'
            Invoke-WithAgent "SSH_AUTH_SOCK='$rsaSock'" $ctx.ConfigFile | Should -Be 'root'
            Invoke-WithAgent "SSH_AUTH_SOCK='$sock'" $noAgent | Should -Be 'NoIdentityFile,ReleaseOps.Commands.InvokeNodeCommandCommand'
        }
        finally { $agents | Stop-Process -Force -ErrorAction SilentlyContinue }
    }
}
