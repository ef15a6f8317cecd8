# Initialize-Node's optional steps: Docker (from Debian's own packages), Jenkins (at the level of the exact commands,
# since its image cannot be pulled here), and hardening (real sshd and apt; ufw at the level of its commands,
# because a sandbox node shares this machine's network).
BeforeAll {
    Import-Module $env:RELEASEOPS_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'SshFixtures.psm1') -Force
    $script:ctx = New-SshTestContext -Directory (Join-Path $TestDrive 'ssh')
    $global:PSDefaultParameterValues = $ctx.Defaults.Clone()
    $key = Join-Path $TestDrive 'alice'
    & ssh-keygen -q -t ed25519 -N '' -C 'alice@laptop' -f $key | Out-Null
    $script:aliceKey = $key
    $script:team = @{ Name = 'Alice Smith'; Login = 'alice'; PublicKey = (Get-Content "$key.pub") }
}

AfterAll {
    Get-ProjectNode -Provider Sandbox | Remove-ProjectNode -Force -KnownHostsFile $ctx.KnownHostsFile
    $global:PSDefaultParameterValues = @{}
}

Describe 'Initialize-Node -Docker' {
    It 'installs docker.io and compose from the distribution, once' {
        $n = New-TestNode -Client docker
        # The node shares this machine's packages, and CI installs docker.io and docker-compose here for the Docker
        # test rig: inside the node (its own overlay root), remove them, so that it starts as a fresh node would.
        $fresh = $n | Invoke-NodeCommand -Command 'dpkg --purge docker-compose docker.io >/dev/null 2>&1; dpkg -s docker.io >/dev/null 2>&1 && echo installed || echo absent'
        $fresh.Output.Trim() | Should -Be 'absent'
        $first = $n | Initialize-Node -Team $team -Docker
        $docker = $first | Where-Object Step -EQ Docker
        $docker.Status | Should -Be 'Changed' -Because $docker.Detail
        $docker.Detail | Should -Match 'docker.io'
        ($n | Invoke-NodeCommand -Command 'dpkg -s docker.io | grep -c "^Status: install ok installed"').Output.Trim() | Should -Be '1'
        (($n | Initialize-Node -Team $team -Docker) | Where-Object Step -EQ Docker).Status | Should -Be 'Unchanged'
    }
}

Describe 'Initialize-Node -Jenkins' {
    It 'writes the compose file and starts it with the exact docker compose command' {
        $n = New-TestNode -Client jenkins
        # A docker that records its arguments: the real image cannot be pulled here.
        $stub = @'
#!/bin/sh
echo "$*" >> /var/log/docker-calls.log
case "$*" in
  "compose version") echo "Docker Compose version v2 (stub)"; exit 0;;
  --version) echo "Docker version (stub)"; exit 0;;
  *" ps -q jenkins") [ -f /var/lib/jenkins-up ] && echo 0123456789ab; exit 0;;
  *" up -d") touch /var/lib/jenkins-up; exit 0;;
esac
exit 0
'@
        $null = $n | Invoke-NodeCommand -Command 'printf "%s\n" "$1" > /usr/local/bin/docker && chmod 755 /usr/local/bin/docker' -ArgumentList $stub
        $steps = $n | Initialize-Node -Team $team -Jenkins
        ($steps | Where-Object Step -EQ 'Jenkins compose file').Status | Should -Be 'Changed'
        ($steps | Where-Object Step -EQ Jenkins).Status | Should -Be 'Changed'
        $r = $n | Invoke-NodeCommand -Command 'cat /var/log/docker-calls.log; cat /opt/jenkins/docker-compose.yml'
        $r.Output | Should -Match '(?m)^compose -f /opt/jenkins/docker-compose.yml up -d$'
        $r.Output | Should -Match 'image: jenkins/jenkins:lts'
        # ufw does not filter what Docker publishes: every port is on loopback, the agent port 50000 too.
        $r.Output | Should -Match '(?m)^      - "127\.0\.0\.1:50000:50000"$'
        $r.Output | Should -Not -Match '(?m)^      - "\d+:\d+"$'
        $r.Output | Should -Match '127.0.0.1:8080:8080'
        $again = $n | Initialize-Node -Team $team -Jenkins
        ($again | Where-Object Step -Like 'Jenkins*').Status | Sort-Object -Unique | Should -Be 'Unchanged'
    }
}

Describe 'Initialize-Node -Harden' {
    It 'checks that an admin can get in, then turns off root and password logins and turns on unattended upgrades' {
        $n = New-TestNode -Client harden
        $steps = $n | Initialize-Node -Team $team -Harden
        $steps.Status | Should -Not -Contain 'Failed'
        ($steps | Where-Object Step -EQ 'Hardening check').Detail | Should -Match 'alice can log in'
        ($steps | Where-Object Step -EQ 'SSH hardening').Status | Should -Be 'Changed'
        ($steps | Where-Object Step -EQ 'Unattended upgrades').Status | Should -Be 'Changed'
        ($steps | Where-Object Step -EQ 'Firewall').Status | Should -Be 'Skipped'
        Start-Sleep -Milliseconds 500
        # root is now refused, and alice still gets in and has sudo.
        $null = $n | Invoke-NodeCommand -Command 'true' -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -Be 'AuthenticationFailed,ReleaseOps.Commands.InvokeNodeCommandCommand'
        $asAlice = @{ HostName = $n.HostName; Port = $n.Port; User = 'alice'; IdentityFile = $aliceKey }
        (Invoke-NodeCommand @asAlice -Sudo -Command 'sshd -T | grep -E "^(permitrootlogin|passwordauthentication) "; cat /etc/apt/apt.conf.d/20auto-upgrades').Output |
            Should -Be "permitrootlogin no`npasswordauthentication no`nAPT::Periodic::Update-Package-Lists `"1`";`nAPT::Periodic::Unattended-Upgrade `"1`";`n"
        # The next run goes in as the admin, and changes nothing.
        ((Initialize-Node @asAlice -Team $team -Harden).Status | Where-Object { $_ -ne 'Skipped' } | Sort-Object -Unique) | Should -Be 'Unchanged'
    }

    It 'is in effect over a cloud image''s 50-cloud-init.conf, and reports Failed when an earlier setting still wins' {
        $n = New-TestNode -Client cloudimg
        # Ubuntu's cloud images ship this drop-in; sshd keeps the first value it reads.
        $null = $n | Invoke-NodeCommand -Command 'mkdir -p /etc/ssh/sshd_config.d && printf "PasswordAuthentication yes\n" > /etc/ssh/sshd_config.d/50-cloud-init.conf' -ErrorAction Stop
        $steps = $n | Initialize-Node -Team $team -Harden
        ($steps | Where-Object Step -EQ 'SSH hardening').Status | Should -Be 'Changed'
        $asAlice = @{ HostName = $n.HostName; Port = $n.Port; User = 'alice'; IdentityFile = $aliceKey }
        (Invoke-NodeCommand @asAlice -Sudo -Command 'sshd -T | grep -E "^passwordauthentication "').Output.Trim() | Should -Be 'passwordauthentication no'
        # A setting read before ours: the step must not claim success.
        $null = Invoke-NodeCommand @asAlice -Sudo -Command 'printf "PasswordAuthentication yes\n" > /etc/ssh/sshd_config.d/0-local.conf' -ErrorAction Stop
        $again = Initialize-Node @asAlice -Team $team -Harden -ErrorVariable errs -ErrorAction SilentlyContinue
        $hard = $again | Where-Object Step -EQ 'SSH hardening'
        $hard.Status | Should -Be 'Failed'
        $hard.Detail | Should -Match 'passwordauthentication=yes'
        $hard.Detail | Should -Match '0-local\.conf'
        $errs[0].FullyQualifiedErrorId | Should -Be 'HardeningNotInEffect,ReleaseOps.Commands.InitializeNodeCommand'
    }

    It 'opens ufw only for SSH, HTTP and HTTPS, with the exact commands' {
        $n = New-TestNode -Client firewall
        $stub = "#!/bin/sh`necho ""`$*"" >> /var/log/ufw-calls.log`n[ ""`$1"" = status ] && echo 'Status: inactive'`nexit 0"
        # A ufw that records its arguments, and no sandbox marker: on a real node these commands run as they are.
        $null = $n | Invoke-NodeCommand -Command 'printf "%s\n" "$1" > /usr/local/sbin/ufw && chmod 755 /usr/local/sbin/ufw && rm /etc/releaseops-sandbox' -ArgumentList $stub
        $steps = $n | Initialize-Node -Team $team -Harden
        ($steps | Where-Object Step -EQ Firewall).Status | Should -Be 'Changed'
        $calls = (Invoke-NodeCommand -HostName $n.HostName -Port $n.Port -User alice -IdentityFile $aliceKey -Sudo -Command 'grep -v "^status" /var/log/ufw-calls.log').Output.Trim().Split("`n")
        $calls | Should -Be @("allow $($n.Port)/tcp", 'allow 80/tcp', 'allow 443/tcp', 'default deny incoming', '--force enable')
    }
}
