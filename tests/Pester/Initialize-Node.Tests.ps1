BeforeAll {
    Import-Module $env:RELEASEOPS_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'SshFixtures.psm1') -Force
    $script:ctx = New-SshTestContext -Directory (Join-Path $TestDrive 'ssh')
    $global:PSDefaultParameterValues = $ctx.Defaults.Clone()
    function New-Key([string] $Name) {
        $path = Join-Path $TestDrive $Name
        & ssh-keygen -q -t ed25519 -N '' -C "$Name@laptop" -f $path | Out-Null
        [pscustomobject]@{ Path = $path; Public = (Get-Content "$path.pub") }
    }
    $script:alice = New-Key alice
    $script:bob = New-Key bob
    $script:team = @(
        @{ Name = 'Alice Smith'; Login = 'alice'; PublicKey = $alice.Public }
        @{ Name = 'Bob Jones'; Login = 'bob'; PublicKey = $bob.Public }
    )
    $script:node = New-TestNode -Client boot
}

AfterAll {
    Get-ProjectNode -Provider Sandbox | Remove-ProjectNode -Force -KnownHostsFile $ctx.KnownHostsFile
    $global:PSDefaultParameterValues = @{}
}

Describe 'Initialize-Node' {
    It 'reports what would change with -WhatIf, and changes nothing' {
        $steps = $node | Initialize-Node -Team $team -WhatIf
        ($steps | Where-Object Status -EQ WouldChange).Step | Should -Contain 'Account alice'
        $steps.Status | Should -Not -Contain 'Changed'
        ($node | Invoke-NodeCommand -Command 'getent passwd alice || echo absent').Output.Trim() | Should -Be 'absent'
    }

    It 'brings the node to the baseline on the first run' {
        $steps = $node | Initialize-Node -Team $team
        $steps | Should -Not -BeNullOrEmpty
        $steps[0] | Should -BeOfType ([ReleaseOps.NodeStepResult])
        $steps.Status | Should -Not -Contain 'Failed'
        ($steps | Where-Object Step -EQ 'Account alice').Status | Should -Be 'Changed'
        ($steps | Where-Object Step -EQ 'Keys bob').Status | Should -Be 'Changed'
        ($steps | Where-Object Step -EQ 'Sudo policy').Status | Should -Be 'Changed'
        ($steps | Where-Object Step -EQ 'Shared history').Status | Should -Be 'Changed'
    }

    It 'reports only Unchanged on a second run' {
        $steps = $node | Initialize-Node -Team $team
        $steps.Count | Should -BeGreaterThan 8
        ($steps.Status | Sort-Object -Unique) | Should -Be 'Unchanged'
    }

    It 'lets each admin log in with their key and use sudo, with groups and modes as stated' {
        foreach ($who in @(@{ Login = 'alice'; Key = $alice.Path }, @{ Login = 'bob'; Key = $bob.Path })) {
            $r = Invoke-NodeCommand -HostName $node.HostName -Port $node.Port -User $who.Login -IdentityFile $who.Key -Command 'id -un; id -nG | tr " " "\n" | sort | tr "\n" " "; echo; sudo -n id -un'
            $r.Succeeded | Should -BeTrue -Because $r.Error
            $r.Output | Should -Be "$($who.Login)`n$(( @($who.Login, 'dev', 'docker', 'sudo') | Sort-Object) -join ' ') `nroot`n"
        }
        $check = $node | Invoke-NodeCommand -Command 'stat -c "%a %U" /home/alice/.ssh /home/alice/.ssh/authorized_keys; getent shadow alice | cut -d: -f2; visudo -c >/dev/null && echo sudoers-ok; stat -c %a /etc/sudoers.d/releaseops-dev'
        $check.Output | Should -Be "700 alice`n600 alice`n*`nsudoers-ok`n440`n"
    }

    It 'refuses a password login for the admins' {
        $r = $node | Invoke-NodeCommand -Command 'su -s /bin/sh alice -c "echo x | su alice -c true" 2>&1; getent shadow alice | cut -d: -f2'
        $r.Output.Trim().Split("`n")[-1] | Should -Be '*'
    }

    It 'sets up the shared history that Get-NodeHistory reads' {
        # An interactive bash (as an admin logging in would run) appends each command with its time at once.
        $null = Invoke-NodeCommand -HostName $node.HostName -Port $node.Port -User alice -IdentityFile $alice.Path -Command 'printf "echo history-marker-42\nexit\n" | bash -i >/dev/null 2>&1; true'
        $h = $node | Get-NodeHistory -ForUser alice -Match 'history-marker-42'
        $h | Should -HaveCount 1
        $h.User | Should -Be 'alice'
        $h.Time | Should -BeGreaterThan ([DateTimeOffset]::UtcNow.AddMinutes(-5))
    }

    It 'reads the roster from team.psd1, and names a mistake in it' {
        $file = Join-Path $TestDrive 'team.psd1'
        Set-Content $file "@{ Admins = @( @{ Name = 'Alice Smith'; Login = 'alice'; PublicKey = @('$($alice.Public)') } ) }"
        ($node | Initialize-Node -TeamFile $file).Status | Sort-Object -Unique | Should -Be 'Unchanged'
        $bad = Join-Path $TestDrive 'bad-team.psd1'
        Set-Content $bad "@{ Admin = @() }"
        { $node | Initialize-Node -TeamFile $bad -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidTeamFile,ReleaseOps.Commands.InitializeNodeCommand'
    }

    It 'rejects hostile logins and names before touching any node' {
        foreach ($login in 'x;touch /tmp/pwned', 'Root', '$(id)', "a`nb", '-rf') {
            { $node | Initialize-Node -Team @{ Login = $login; PublicKey = $alice.Public } -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidLogin,ReleaseOps.Commands.InitializeNodeCommand'
        }
        { $node | Initialize-Node -Team @{ Login = 'eve'; Name = "Eve`nroot::0:0"; PublicKey = $alice.Public } -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidName,ReleaseOps.Commands.InitializeNodeCommand'
        { $node | Initialize-Node -Team @{ Login = 'eve'; PublicKey = 'ssh-ed25519 AAAA; touch /tmp/pwned' } -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidPublicKey,ReleaseOps.Commands.InitializeNodeCommand'
    }

    It 'passes hostile names and key comments literally' {
        $parts = $alice.Public.Split(' ')
        $member = @{ Login = 'mallory'; Name = 'Mal $(touch /tmp/pwned) `id` Ünïcode'; PublicKey = "$($parts[0]) $($parts[1]) x; touch /tmp/pwned2 `$(id)" }
        ($node | Initialize-Node -Team $member).Status | Should -Not -Contain 'Failed'
        $r = $node | Invoke-NodeCommand -Command 'getent passwd mallory | cut -d: -f5; cat /home/mallory/.ssh/authorized_keys; ls /tmp'
        $r.Output | Should -Match ([regex]::Escape('Mal $(touch /tmp/pwned) `id` Ünïcode'))
        $r.Output | Should -Match ([regex]::Escape('x; touch /tmp/pwned2 $(id)'))
        $r.Output | Should -Not -Match '(?m)^pwned'
    }

    It 'completes on a rerun after being killed halfway' {
        $n = New-TestNode -Client partial
        $many = 1..40 | ForEach-Object { @{ Login = "user$_"; PublicKey = $bob.Public } }
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddCommand('Import-Module').AddArgument($env:RELEASEOPS_MODULE).AddStatement().AddCommand('Initialize-Node').AddParameters(@{
                    HostName = $n.HostName; Port = $n.Port; Team = $many; IdentityFile = $ctx.IdentityFile; KnownHostsFile = $ctx.KnownHostsFile; ConfigFile = $ctx.ConfigFile })
            $async = $ps.BeginInvoke()
            $deadline = [DateTime]::UtcNow.AddSeconds(30)
            do { Start-Sleep -Milliseconds 100; $count = [int]($n | Invoke-NodeCommand -Command 'getent passwd | grep -c "^user" || true').Output.Trim() } until ($count -ge 5 -or [DateTime]::UtcNow -gt $deadline)
            $null = $n | Invoke-NodeCommand -Command 'pkill -KILL -f "ReleaseOps node bootstra[p]"; true'
            $null = $ps.EndInvoke($async)
        }
        catch { }
        finally { $ps.Dispose() }
        $created = [int]($n | Invoke-NodeCommand -Command 'getent passwd | grep -c "^user" || true').Output.Trim()
        $created | Should -BeLessThan 40 -Because 'the run was killed halfway'
        $second = $n | Initialize-Node -Team $many
        $second.Status | Should -Not -Contain 'Failed'
        ($second | Where-Object Status -EQ Changed).Count | Should -BeGreaterThan 0
        [int]($n | Invoke-NodeCommand -Command 'getent passwd | grep -c "^user"').Output.Trim() | Should -Be 40
        (($n | Initialize-Node -Team $many).Status | Sort-Object -Unique) | Should -Be 'Unchanged'
    }

    It 'works as a non-root initial user with sudo, and one failing node does not stop the others' {
        $cloud = New-TestNode -Client ubuntu
        $setup = 'useradd -m -s /bin/bash -p "*" ubuntu && echo "ubuntu ALL=(ALL) NOPASSWD: ALL" > /etc/sudoers.d/ubuntu && mkdir -p /home/ubuntu/.ssh && printf "%s\n" "$1" > /home/ubuntu/.ssh/authorized_keys && chown -R ubuntu /home/ubuntu/.ssh'
        $null = $cloud | Invoke-NodeCommand -Command $setup -ArgumentList (Get-Content $ctx.PublicKeyFile)
        $nosudo = New-TestNode -Client nosudo
        $null = $nosudo | Invoke-NodeCommand -Command ($setup -replace 'NOPASSWD: ', '') -ArgumentList (Get-Content $ctx.PublicKeyFile)
        $targets = @($cloud, $nosudo) | ForEach-Object { [pscustomobject]@{ HostName = $_.HostName; Port = $_.Port; User = 'ubuntu' } }
        $steps = $targets | Initialize-Node -Team $team -ErrorVariable errs -ErrorAction SilentlyContinue
        ($steps | Where-Object { $_.Step -eq 'Account alice' -and $_.Status -eq 'Changed' }) | Should -HaveCount 1
        $errs | Should -HaveCount 1
        $errs[0].FullyQualifiedErrorId | Should -Be 'NodeStepFailed,ReleaseOps.Commands.InitializeNodeCommand'
        "$($errs[0])" | Should -Match 'sudo'
    }

    It 'clones the dotfiles for each admin and runs their install script' {
        $repo = "/var/tmp/releaseops-dotfiles-$PID"
        try {
            $null = New-Item -ItemType Directory -Path $repo
            Set-Content "$repo/install.sh" 'echo installed > "$HOME/.dotfiles-installed"'
            & git -C $repo init -q; & git -C $repo -c user.email=t@t -c user.name=t add install.sh; & git -C $repo -c user.email=t@t -c user.name=t commit -qm dotfiles
            & chmod -R a+rX $repo
            $n = New-TestNode -Client dotfiles
            # The repository is owned by this machine's root; let the node's git read it (node-only setting).
            $null = $n | Invoke-NodeCommand -Command 'git config --system --add safe.directory "*"'
            $steps = $n | Initialize-Node -Team $team -DotfilesUrl $repo
            ($steps | Where-Object Step -EQ 'Dotfiles alice').Status | Should -Be 'Changed'
            ($n | Invoke-NodeCommand -Command 'cat /home/alice/.dotfiles-installed; stat -c %U /home/bob/.dotfiles').Output | Should -Be "installed`nbob`n"
            (($n | Initialize-Node -Team $team -DotfilesUrl $repo) | Where-Object Step -Like 'Dotfiles*').Status | Sort-Object -Unique | Should -Be 'Unchanged'
        }
        finally { Remove-Item $repo -Recurse -Force -ErrorAction SilentlyContinue }
    }
}

Describe 'Add-NodeUser, Get-NodeUser and Remove-NodeUser' {
    BeforeAll {
        $script:un = New-TestNode -Client users
        $script:carol = New-Key carol
        $script:carol2 = New-Key carol2
        $script:carol3 = New-Key carol3
    }

    It 'adds an admin, idempotently' {
        $steps = $un | Add-NodeUser -Login carol -Name 'Carol White' -PublicKey $carol.Public, $carol2.Public
        ($steps | Where-Object Step -EQ 'Account carol').Status | Should -Be 'Changed'
        (($un | Add-NodeUser -Login carol -Name 'Carol White' -PublicKey $carol.Public, $carol2.Public).Status | Sort-Object -Unique) | Should -Be 'Unchanged'
        $u = $un | Get-NodeUser -Login carol
        $u | Should -BeOfType ([ReleaseOps.NodeUser])
        $u.Name | Should -Be 'Carol White'
        $u.Groups | Should -Contain 'sudo'
        $u.KeyFingerprints | Should -HaveCount 2
        $u.Locked | Should -BeFalse
    }

    It 'rotates one key and leaves the others' {
        $fp2 = ((& ssh-keygen -lf "$($carol2.Path).pub") -split ' ')[1]
        $fp3 = ((& ssh-keygen -lf "$($carol3.Path).pub") -split ' ')[1]
        $fp1 = ((& ssh-keygen -lf "$($carol.Path).pub") -split ' ')[1]
        ($un | Add-NodeUser -Login carol -PublicKey $carol3.Public -ReplaceKey $fp2 | Where-Object Step -EQ 'Keys carol').Detail | Should -Match 'added 1, removed 1'
        ($un | Get-NodeUser -Login carol).KeyFingerprints | Sort-Object | Should -Be (@($fp1, $fp3) | Sort-Object)
    }

    It 'revokes keys and locks the account, keeping the files, and a second run changes nothing' {
        $null = $un | Invoke-NodeCommand -Command 'echo notes > /home/carol/notes.txt'
        $steps = $un | Remove-NodeUser -Login carol -Force
        ($steps | Where-Object Status -EQ Changed).Step | Should -Be @('Keys carol', 'Groups carol', 'Lock carol')
        (($un | Remove-NodeUser -Login carol -Force).Status | Sort-Object -Unique) | Should -Be 'Unchanged'
        ($un | Invoke-NodeCommand -Command 'cat /home/carol/notes.txt; wc -c < /home/carol/.ssh/authorized_keys; id -nG carol').Output | Should -Be "notes`n0`ncarol`n"
        $r = Invoke-NodeCommand -HostName $un.HostName -Port $un.Port -User carol -IdentityFile $carol.Path -Command 'true' -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -Be 'AuthenticationFailed,ReleaseOps.Commands.InvokeNodeCommandCommand'
        $un | Get-NodeUser -Login carol | Should -BeNullOrEmpty
    }

    It 'deletes the home folder only when asked' {
        $null = $un | Add-NodeUser -Login dora -PublicKey $carol.Public
        $null = $un | Remove-NodeUser -Login dora -RemoveHome -Force
        ($un | Invoke-NodeCommand -Command 'test -d /home/dora && echo kept || echo gone').Output.Trim() | Should -Be 'gone'
    }

    It 'touches only the team''s accounts: system accounts, root, the session''s own user and homes outside /home are refused' {
        # daemon's home is /usr/sbin and bin's is /bin: -RemoveHome once deleted them.
        $null = $un | Invoke-NodeCommand -Command 'useradd -m -p "*" -G dev -d /opt/otto otto; useradd -m -p "*" -G dev walt && mv /home/walt /srv/walt-real && ln -s /srv/walt-real /home/walt; useradd -m -p "*" nick' -ErrorAction Stop
        foreach ($login in 'daemon', 'bin', 'root', 'otto', 'walt', 'nick') {
            $errs = $null
            $steps = $un | Remove-NodeUser -Login $login -RemoveHome -Force -ErrorVariable errs -ErrorAction SilentlyContinue
            $errs[0].FullyQualifiedErrorId | Should -Be 'NotATeamAccount,ReleaseOps.Commands.RemoveNodeUserCommand' -Because $login
            ($steps | Where-Object Status -EQ Changed) | Should -BeNullOrEmpty -Because $login
        }
        $r = $un | Invoke-NodeCommand -Command 'ls /usr/sbin/useradd /bin/sh /opt/otto /srv/walt-real >/dev/null && echo dirs-kept; getent shadow daemon bin nick otto | cut -d: -f1,2 | grep -c ":!" || true; id -nG otto'
        $r.Output | Should -Be "dirs-kept`n0`notto dev`n"
        # An existing system account is never made an admin either.
        $steps = $un | Add-NodeUser -Login daemon -PublicKey $carol.Public -ErrorVariable addErr -ErrorAction SilentlyContinue
        $addErr[0].FullyQualifiedErrorId | Should -Be 'NotATeamAccount,ReleaseOps.Commands.AddNodeUserCommand'
        ($un | Invoke-NodeCommand -Command 'id -nG daemon').Output.Trim() | Should -Be 'daemon'
        # nobody (UID 65534, above UID_MAX) runs daemons and NFS-squashed files: passwordless sudo for it is root for them.
        $addErr = $null
        $steps = $un | Add-NodeUser -Login nobody -PublicKey $carol.Public -ErrorVariable addErr -ErrorAction SilentlyContinue
        $addErr[0].FullyQualifiedErrorId | Should -Be 'NotATeamAccount,ReleaseOps.Commands.AddNodeUserCommand'
        ($un | Invoke-NodeCommand -Command 'id -nG nobody; getent shadow nobody | cut -d: -f2').Output | Should -Not -Match 'dev|sudo|docker'
        # An app's own account (UID 1000+, home /srv/shopapp, running the app): passwordless sudo for it is root for the app.
        $null = $un | Invoke-NodeCommand -Command 'useradd -m -p "*" -d /srv/shopapp shopapp' -ErrorAction Stop
        $addErr = $null
        $steps = $un | Add-NodeUser -Login shopapp -PublicKey $carol.Public -ErrorVariable addErr -ErrorAction SilentlyContinue
        $addErr[0].FullyQualifiedErrorId | Should -Be 'NotATeamAccount,ReleaseOps.Commands.AddNodeUserCommand'
        ($un | Invoke-NodeCommand -Command 'id -nG shopapp').Output.Trim() | Should -Be 'shopapp'
    }

    It 'never follows a link that a member planted in the home (Initialize-Node and Remove-NodeUser)' {
        $null = $un | Add-NodeUser -Login hank -PublicKey $carol.Public
        $null = $un | Invoke-NodeCommand -Command 'printf "root secret\n" > /etc/releaseops-secret && chmod 600 /etc/releaseops-secret && setpriv --reuid=hank --regid=hank --init-groups sh -c "rm /home/hank/.ssh/authorized_keys && ln -s /etc/releaseops-secret /home/hank/.ssh/authorized_keys"' -ErrorAction Stop
        $steps = $un | Add-NodeUser -Login hank -PublicKey $carol2.Public -ErrorVariable addErr -ErrorAction SilentlyContinue
        $addErr[0].FullyQualifiedErrorId | Should -Be 'UnsafeKeyFile,ReleaseOps.Commands.AddNodeUserCommand'
        ($steps | Where-Object Step -EQ 'Keys hank').Detail | Should -Match 'symbolic link'
        $null = $un | Remove-NodeUser -Login hank -Force
        ($un | Invoke-NodeCommand -Command 'stat -c "%U %a %s" /etc/releaseops-secret').Output.Trim() | Should -Be 'root 600 12'
    }

    It 'ends what a removed member still runs: a process keeps the docker group (root on the node) after the account is locked' {
        $null = $un | Add-NodeUser -Login ivan -PublicKey $carol.Public
        # ivan leaves a process behind (a tmux, a nohup job): it holds dev, sudo and docker for as long as it runs.
        $null = $un | Invoke-NodeCommand -Command 'setpriv --reuid=ivan --regid=ivan --init-groups sh -c "exec sleep 600" </dev/null >/dev/null 2>&1 &' -ErrorAction Stop
        Start-Sleep -Milliseconds 300
        ($un | Invoke-NodeCommand -Command 'pgrep -u ivan -x sleep >/dev/null && echo running').Output.Trim() | Should -Be 'running'
        $steps = $un | Remove-NodeUser -Login ivan -Force -ErrorAction Stop
        ($steps | Where-Object Step -EQ 'Processes ivan').Status | Should -Be 'Changed'
        Start-Sleep -Milliseconds 300
        ($un | Invoke-NodeCommand -Command 'pgrep -u ivan >/dev/null && echo running || echo none').Output.Trim() | Should -Be 'none'
        (($un | Remove-NodeUser -Login ivan -Force).Status | Sort-Object -Unique) | Should -Be 'Unchanged'
    }

    It 'asks before removing unless -Force, and -WhatIf changes nothing' {
        $null = $un | Add-NodeUser -Login gina -PublicKey $carol.Public
        ($un | Remove-NodeUser -Login gina -WhatIf).Status | Should -Contain 'WouldChange'
        ($un | Get-NodeUser -Login gina).Locked | Should -BeFalse
        { $un | Remove-NodeUser -Login gina -ErrorAction Stop } | Should -Throw
        ($un | Get-NodeUser -Login gina).Locked | Should -BeFalse
    }
}

Describe 'New-ProjectNode | Initialize-Node | Invoke-NodeCommand' {
    It 'works as one pipeline, with the steps on the verbose stream' {
        Import-Module (Join-Path $PSScriptRoot 'SshFixtures.psm1') -Force
        $c = New-SshTestContext -Directory (Join-Path $TestDrive 'pipeline')
        $global:PSDefaultParameterValues = $c.Defaults.Clone()
        $k = Join-Path $TestDrive 'pipe-admin'
        & ssh-keygen -q -t ed25519 -N '' -f $k | Out-Null
        $admins = @{ Name = 'Pipe Admin'; Login = 'pipeadmin'; PublicKey = (Get-Content "$k.pub") }
        try {
            $r = New-ProjectNode -Provider Sandbox -Project pester -Client pipe -PublicKey $c.PublicKeyFile -KnownHostsFile $c.KnownHostsFile |
                Initialize-Node -Team $admins -PassThru -Verbose 4>&1 |
                ForEach-Object { if ($_ -is [System.Management.Automation.VerboseRecord]) { $script:verbose += @($_.Message) } else { $_ } } |
                Invoke-NodeCommand -Command 'id -un; id -nG pipeadmin'
            $r.Output | Should -Match '^root\n.*\bdev\b'
            ($script:verbose -join "`n") | Should -Match 'Account pipeadmin: Changed'
        }
        finally { Get-ProjectNode -Project pester | Where-Object Name -EQ 'pester-pipe' | Remove-ProjectNode -Force; $global:PSDefaultParameterValues = @{} }
    }
}
