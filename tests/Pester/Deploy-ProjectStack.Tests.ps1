# Deploy-ProjectStack against sandbox nodes (real sshd, real git) with a real stack: a python3 web server that the
# project's StackUpCommand starts on a loopback port of the node, serving the deployed checkout. The health check
# requests it over HTTP. Docker is not used here (no image registry is reachable, see the README section); the
# compose path is the same script with StackUpCommand unset.
BeforeAll {
    Import-Module $env:RELEASEOPS_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'SshFixtures.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:ctx = New-SshTestContext -Directory (Join-Path $TestDrive 'ssh')
    $global:PSDefaultParameterValues = $ctx.Defaults.Clone()

    function Invoke-TestGit { & git -C $script:work -c user.name=Test -c user.email=test@example.com @args 2>&1 | Out-Null; if ($LASTEXITCODE) { throw "git $args failed" } }
    function Head { (& git -C $script:work rev-parse HEAD).Trim() }

    # The project's origin lives under /var/tmp, which the nodes see (they mount their own /tmp).
    $script:shared = "/var/tmp/ro-deploy-$([guid]::NewGuid().ToString('N').Substring(0, 10))"
    $script:origin = "$shared/app.git"
    $null = & git init -q --bare $origin
    $script:work = Join-Path $TestDrive 'app'
    $null = & git init -q $work
    Set-Content "$work/up.sh" -NoNewline -Value @'
#!/bin/sh
# The test stack: python3's web server on the node's own loopback port, serving this checkout.
set -e
while [ -f /srv/hold-up ]; do sleep 0.1; done
if [ -f /srv/server.pid ]; then
  old=$(cat /srv/server.pid); kill "$old" 2>/dev/null || true
  while kill -0 "$old" 2>/dev/null; do sleep 0.05; done
fi
git rev-parse HEAD >> /srv/up.log
setsid python3 -m http.server --bind 127.0.0.1 "$(cat /srv/port)" --directory "$PWD" >/dev/null 2>&1 </dev/null &
echo $! > /srv/server.pid

'@
    Set-Content "$work/migrate.sh" -Value 'git rev-parse HEAD >> /srv/migrations.log; echo "migrated to $(git rev-parse HEAD)"'
    Set-Content "$work/health.txt" -Value 'ok'
    Set-Content "$work/version.txt" -Value 'one'
    Invoke-TestGit add -A; Invoke-TestGit commit -qm 'One'
    $script:one = Head
    Set-Content "$work/version.txt" -Value 'two'
    Invoke-TestGit commit -qam 'Two'
    $script:two = Head
    Invoke-TestGit rm -q health.txt; Invoke-TestGit commit -qm 'Broken: no health page'
    $script:broken = Head
    Invoke-TestGit checkout -q --detach $two
    Set-Content "$work/up.sh" -Value 'echo "no such service: web" >&2; exit 3'
    Invoke-TestGit commit -qam 'Broken: the stack cannot come up'
    $script:badUp = Head
    Invoke-TestGit push -q $origin "${one}:refs/heads/develop" "${two}:refs/heads/release" "${broken}:refs/heads/broken" "${two}:refs/tags/v2" "${badUp}:refs/heads/bad-up"
    $null = & git -C $origin symbolic-ref HEAD refs/heads/develop

    # Settings for one node: its port is in the health check URL.
    function New-Settings([int] $Port, [string] $Extra = '') {
        $dir = Join-Path $TestDrive "settings-$Port"
        $null = New-Item -ItemType Directory -Path $dir -Force
        Set-Content "$dir/releaseops.psd1" @"
@{
    Slug = 'app'
    StackPath = '/srv/app'
    RepositoryUrl = 'file://$origin'
    StackUpCommand = 'sh ./up.sh'
    MigrateCommand = 'sh ./migrate.sh'
    HealthCheckUrl = 'http://127.0.0.1:$Port/health.txt'
    HealthCheckTimeout = 3
    $Extra
}
"@
        $dir
    }

    function New-StackNode([string] $Client) {
        $n = New-TestNode -Client $Client
        $port = Get-FreePort
        $null = $n | Invoke-NodeCommand -Command 'mkdir -p /srv && echo "$1" > /srv/port' -ArgumentList $port -ErrorAction Stop
        [pscustomobject]@{ Node = $n; Port = $port; Settings = (New-Settings $port) }
    }

    function Get-NodeText($Node, [string] $Command) { ($Node | Invoke-NodeCommand -Command $Command).Output.Trim() }
    function Get-Live($Node) { Get-NodeText $Node 'git -C /srv/app rev-parse HEAD' }
    function Get-Served($s) { Get-NodeText $s.Node "curl -s http://127.0.0.1:$($s.Port)/version.txt" }

    $script:main = New-StackNode -Client deploy
}

AfterAll {
    Get-ProjectNode -Provider Sandbox | Remove-ProjectNode -Force -KnownHostsFile $ctx.KnownHostsFile
    $global:PSDefaultParameterValues = @{}
    Remove-Item -Recurse -Force $shared -ErrorAction SilentlyContinue
}

Describe 'Deploy-ProjectStack' {
    It 'changes nothing with -WhatIf, and shows the exact commands per node' {
        $r = Invoke-FreshPwsh -WorkingDirectory $main.Settings -Script @"
Import-Module '$($env:RELEASEOPS_MODULE)'
Deploy-ProjectStack -HostName $($main.Node.HostName) -Port $($main.Node.Port) -IdentityFile '$($ctx.IdentityFile)' -KnownHostsFile '$($ctx.KnownHostsFile)' -ConfigFile '$($ctx.ConfigFile)' -Ref develop -WhatIf
"@
        $r.ExitCode | Should -Be 0
        $text = $r.Output -join "`n"
        $text | Should -Match ([regex]::Escape("git -C /srv/app fetch --quiet --force --prune -- origin '+refs/heads/*:refs/remotes/origin/*'"))
        $text | Should -Match ([regex]::Escape("cd /srv/app && sh -c 'sh ./up.sh'"))
        $text | Should -Match ([regex]::Escape("cd /srv/app && sh -c 'sh ./migrate.sh'"))
        $text | Should -Match ([regex]::Escape("http://127.0.0.1:$($main.Port)/health.txt"))
        $text | Should -Match ([regex]::Escape("127.0.0.1:$($main.Port)"))   # the target node
        Get-NodeText $main.Node 'test -e /srv/app && echo present || echo absent' | Should -Be 'absent'
    }

    It 'deploys a ref: clones, fetches, brings the stack up, migrates and checks its health' {
        $out = @($main.Node | Deploy-ProjectStack -Ref develop -Path $main.Settings -InformationVariable said -ErrorAction Stop -Verbose 4>&1)
        $info = @($out | Where-Object { $_ -is [ReleaseOps.DeploymentInfo] })
        # The output of the project's commands goes to the verbose stream.
        ($out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message | Should -Contain "$($main.Node.HostName): migrated to $one"
        $info | Should -HaveCount 1
        $info[0] | Should -BeOfType ([ReleaseOps.DeploymentInfo])
        $info[0].Status | Should -Be 'Deployed'
        $info[0].Commit | Should -Be $one
        $info[0].LiveCommit | Should -Be $one
        $info[0].PreviousCommit | Should -BeNullOrEmpty
        $info[0].Healthy | Should -BeTrue
        $info[0].HealthResult | Should -Be "HTTP 200 from http://127.0.0.1:$($main.Port)/health.txt"
        $info[0].RolledBack | Should -BeFalse
        $info[0].UpCommand | Should -Be 'sh ./up.sh'
        $info[0].Duration | Should -BeGreaterThan ([TimeSpan]::Zero)
        Get-Live $main.Node | Should -Be $one
        Get-Served $main | Should -Be 'one'
        Get-NodeText $main.Node 'cat /srv/migrations.log' | Should -Be $one
        # One concise line per step on the information stream.
        $lines = @($said | ForEach-Object { "$_" })
        $lines | Should -Contain "$($main.Node.HostName): deploying develop to /srv/app"
        ($lines -match ': (Clone|Fetch|Checkout|Up|Migrate|HealthCheck) ok').Count | Should -Be 6
    }

    It 'is a fast no-op for the ref that is already live, unless -Force' {
        $info = $main.Node | Deploy-ProjectStack -Ref develop -Path $main.Settings -ErrorAction Stop
        $info.Status | Should -Be 'Unchanged'
        $info.Commit | Should -Be $one
        $info.UpDuration | Should -Be ([TimeSpan]::Zero)
        Get-NodeText $main.Node 'wc -l < /srv/up.log' | Should -Be '1'
        Get-NodeText $main.Node 'wc -l < /srv/migrations.log' | Should -Be '1'
        $forced = $main.Node | Deploy-ProjectStack -Ref develop -Path $main.Settings -Force -ErrorAction Stop
        $forced.Status | Should -Be 'Deployed'
        Get-NodeText $main.Node 'wc -l < /srv/up.log' | Should -Be '2'
        Get-NodeText $main.Node 'wc -l < /srv/migrations.log' | Should -Be '2'
    }

    It 'deploys a tag over the live commit and records the previous one' {
        $info = $main.Node | Deploy-ProjectStack -Ref v2 -Path $main.Settings -ErrorAction Stop
        $info.Status | Should -Be 'Deployed'
        $info.Commit | Should -Be $two
        $info.PreviousCommit | Should -Be $one
        $info.PreviousRef | Should -Be 'develop'
        Get-Served $main | Should -Be 'two'
        Get-NodeText $main.Node 'cat /srv/app/.git/releaseops/deploy.state' | Should -Match "(?m)^previous_commit=$one$"
    }

    It 'rolls back on its own when the health check fails, and reports both refs' {
        $info = $main.Node | Deploy-ProjectStack -Ref broken -Path $main.Settings -ErrorVariable failed -ErrorAction SilentlyContinue
        $info.Status | Should -Be 'RolledBack'
        $info.RolledBack | Should -BeTrue
        $info.FailedStep | Should -Be 'HealthCheck'
        $info.Healthy | Should -BeFalse
        $info.HealthResult | Should -Match 'HTTP 404 .* \(expected 200\)'
        $info.Ref | Should -Be 'broken'
        $info.Commit | Should -Be $broken
        $info.PreviousRef | Should -Be 'v2'
        $info.PreviousCommit | Should -Be $two
        $info.LiveCommit | Should -Be $two
        $info.RollbackDuration | Should -BeGreaterThan ([TimeSpan]::Zero)
        $failed | Should -HaveCount 1
        $failed[0].FullyQualifiedErrorId | Should -Be 'HealthCheckFailed,ReleaseOps.Commands.DeployProjectStackCommand'
        "$failed" | Should -Match "rolled back from $($broken.Substring(0, 12)) \(broken\) to $($two.Substring(0, 12)) \(v2\)"
        Get-Live $main.Node | Should -Be $two
        Get-Served $main | Should -Be 'two'
        # The stack was brought up again on the previous commit.
        Get-NodeText $main.Node 'tail -n 1 /srv/up.log' | Should -Be $two
        { $main.Node | Deploy-ProjectStack -Ref broken -Path $main.Settings -ErrorAction Stop } | Should -Throw -ErrorId 'HealthCheckFailed,ReleaseOps.Commands.DeployProjectStackCommand'
    }

    It 'rolls back when the stack cannot come up, without running the migrations' {
        $migrations = Get-NodeText $main.Node 'wc -l < /srv/migrations.log'
        $info = $main.Node | Deploy-ProjectStack -Ref bad-up -Path $main.Settings -ErrorVariable failed -ErrorAction SilentlyContinue
        $info.Status | Should -Be 'RolledBack'
        $info.FailedStep | Should -Be 'Up'
        $info.Healthy | Should -BeNullOrEmpty
        $info.Commit | Should -Be $badUp
        $info.LiveCommit | Should -Be $two
        $failed[0].FullyQualifiedErrorId | Should -Be 'StackUpFailed,ReleaseOps.Commands.DeployProjectStackCommand'
        Get-Live $main.Node | Should -Be $two
        Get-Served $main | Should -Be 'two'
        Get-NodeText $main.Node 'wc -l < /srv/migrations.log' | Should -Be $migrations
    }

    It 'returns to the previous commit with -Rollback, and back again' {
        $migrations = Get-NodeText $main.Node 'wc -l < /srv/migrations.log'
        $back = $main.Node | Deploy-ProjectStack -Rollback -Path $main.Settings -ErrorAction Stop
        $back.Status | Should -Be 'Deployed'
        $back.Rollback | Should -BeTrue
        $back.Commit | Should -Be $one
        $back.Ref | Should -Be 'develop'
        $back.PreviousCommit | Should -Be $two
        Get-Live $main.Node | Should -Be $one
        Get-Served $main | Should -Be 'one'
        # A rollback does not run the migrations.
        Get-NodeText $main.Node 'wc -l < /srv/migrations.log' | Should -Be $migrations
        $again = $main.Node | Deploy-ProjectStack -Rollback -Path $main.Settings -ErrorAction Stop
        $again.Commit | Should -Be $two
        Get-Served $main | Should -Be 'two'
    }

    It 'honours the lock: a second deploy to the same node fails at once and changes nothing' {
        $null = $main.Node | Invoke-NodeCommand -Command 'touch /srv/hold-up'
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddCommand('Import-Module').AddArgument($env:RELEASEOPS_MODULE).AddStatement().AddCommand('Deploy-ProjectStack').AddParameters(@{
                    HostName = $main.Node.HostName; Port = $main.Node.Port; Ref = 'release'; Force = $true; Path = $main.Settings
                    IdentityFile = $ctx.IdentityFile; KnownHostsFile = $ctx.KnownHostsFile; ConfigFile = $ctx.ConfigFile
                })
            $async = $ps.BeginInvoke()
            # Wait until the first deploy holds the lock and waits in its stack's up command.
            $deadline = [DateTime]::UtcNow.AddSeconds(60)
            do { Start-Sleep -Milliseconds 100; $held = "$(($main.Node | Invoke-NodeCommand -Command 'test -d /srv/app/.git/releaseops/deploy.lock && pgrep -f "sh ./up.sh" >/dev/null && echo held' -ErrorAction SilentlyContinue).Output)".Trim() }
            until ($held -eq 'held' -or [DateTime]::UtcNow -gt $deadline)
            $held | Should -Be 'held'
            $second = { $main.Node | Deploy-ProjectStack -Ref develop -Path $main.Settings -ErrorAction Stop } | Should -Throw -ErrorId 'DeployLocked,ReleaseOps.Commands.DeployProjectStackCommand' -PassThru
            $second.Exception.Message | Should -Match 'another deploy of /srv/app is running on this node \(process \d+, ref release'
            $null = $main.Node | Invoke-NodeCommand -Command 'rm -f /srv/hold-up'
            $first = $ps.EndInvoke($async)
            $first.Status | Should -Be 'Deployed'
            $ps.Streams.Error | Should -BeNullOrEmpty
        }
        finally {
            $null = $main.Node | Invoke-NodeCommand -Command 'rm -f /srv/hold-up'
            $ps.Dispose()
        }
        Get-Live $main.Node | Should -Be $two
        Get-NodeText $main.Node 'test -e /srv/app/.git/releaseops/deploy.lock && echo locked || echo free' | Should -Be 'free'
    }

    It 'breaks a stale lock left by a deploy that was killed, with a warning' {
        $null = $main.Node | Invoke-NodeCommand -Command 'mkdir /srv/app/.git/releaseops/deploy.lock && echo 999999 > /srv/app/.git/releaseops/deploy.lock/pid'
        $info = $main.Node | Deploy-ProjectStack -Ref develop -Path $main.Settings -WarningVariable warned -WarningAction SilentlyContinue -ErrorAction Stop
        $info.Status | Should -Be 'Deployed'
        "$warned" | Should -Match 'broke a stale deploy lock of process 999999'
        Get-Live $main.Node | Should -Be $one
    }

    It 'rejects hostile refs that git would refuse, before reaching the node' {
        $state = Get-NodeText $main.Node 'cat /srv/app/.git/releaseops/deploy.state'
        foreach ($ref in '-rf', '--upload-pack=touch /srv/pwned', ';rm -rf /', "a`nb", 'a..b', 'x y', '@{-1}') {
            { $main.Node | Deploy-ProjectStack -Ref $ref -Path $main.Settings -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidRef,ReleaseOps.Commands.DeployProjectStackCommand'
        }
        Get-NodeText $main.Node 'cat /srv/app/.git/releaseops/deploy.state' | Should -Be $state
    }

    It 'passes other hostile refs to the node as literal values' {
        foreach ($ref in '$(touch${IFS}/srv/pwned1)', 'x;touch${IFS}/srv/pwned2', '`touch${IFS}/srv/pwned3`', "it's|id") {
            $e = { $main.Node | Deploy-ProjectStack -Ref $ref -Path $main.Settings -ErrorAction Stop } | Should -Throw -ErrorId 'RefNotFound,ReleaseOps.Commands.DeployProjectStackCommand' -PassThru
            $e.Exception.Message | Should -Match ([regex]::Escape("origin has no branch, tag or commit named $ref") + '$')
        }
        # A branch with such a name really deploys, and nothing runs.
        $hostile = '$(touch${IFS}/srv/pwned4)'
        Invoke-TestGit push -q $origin "${two}:refs/heads/$hostile"
        $info = $main.Node | Deploy-ProjectStack -Ref $hostile -Path $main.Settings -ErrorAction Stop
        $info.Status | Should -Be 'Deployed'
        $info.Ref | Should -Be $hostile
        $info.Commit | Should -Be $two
        Get-NodeText $main.Node 'ls /srv; ls /srv/app' | Should -Not -Match 'pwned'
        Get-NodeText $main.Node 'sed -n "s/^ref=//p" /srv/app/.git/releaseops/deploy.state' | Should -Be $hostile
    }

    It 'deploys many nodes in parallel; a failed node rolls back alone and the others deploy' {
        $nodes = 1..3 | ForEach-Object { New-StackNode -Client "many$_" }
        $extra = "HealthCheckCommand = 'test ! -e /srv/break-`$(git rev-parse HEAD) && curl -fsS -o /dev/null http://127.0.0.1:`$(cat /srv/port)/health.txt'"
        $settings = New-Settings 1 $extra
        (Get-Content "$settings/releaseops.psd1") -notmatch 'HealthCheckUrl' | Set-Content "$settings/releaseops.psd1"
        $first = $nodes.Node | Deploy-ProjectStack -Ref develop -Path $settings -ThrottleLimit 3 -ErrorAction Stop
        $first | Should -HaveCount 3
        $first.Status | Sort-Object -Unique | Should -Be 'Deployed'
        # On the second node, the new commit is unhealthy.
        $null = $nodes[1].Node | Invoke-NodeCommand -Command 'touch "/srv/break-$1"' -ArgumentList $two
        $second = $nodes.Node | Deploy-ProjectStack -Ref release -Path $settings -ThrottleLimit 3 -ErrorVariable failed -ErrorAction SilentlyContinue
        $second | Should -HaveCount 3
        ($second | Where-Object Endpoint -EQ "$($nodes[1].Node.HostName):$($nodes[1].Node.Port)").Status | Should -Be 'RolledBack'
        ($second | Where-Object Status -EQ 'Deployed') | Should -HaveCount 2
        $failed | Should -HaveCount 1
        $failed[0].FullyQualifiedErrorId | Should -Be 'HealthCheckFailed,ReleaseOps.Commands.DeployProjectStackCommand'
        Get-Served $nodes[0] | Should -Be 'two'
        Get-Served $nodes[1] | Should -Be 'one'
        Get-Served $nodes[2] | Should -Be 'two'
    }

    It 'starts no further node after a failure with -StopOnFirstFailure' {
        # No RepositoryUrl: a node without a checkout fails with StackNotFound; the other node has one, cloned by hand.
        $empty = New-TestNode -Client nocheckout
        $other = New-StackNode -Client stopper
        (Get-Content "$($other.Settings)/releaseops.psd1") -notmatch 'RepositoryUrl' | Set-Content "$($other.Settings)/releaseops.psd1"
        $null = $other.Node | Invoke-NodeCommand -Command 'git clone -q --no-local "$1" /srv/app' -ArgumentList $origin -ErrorAction Stop
        $r = $empty, $other.Node | Deploy-ProjectStack -Ref develop -Path $other.Settings -ThrottleLimit 1 -StopOnFirstFailure -ErrorVariable failed -ErrorAction SilentlyContinue
        $r | Should -BeNullOrEmpty
        $failed.FullyQualifiedErrorId | Should -Be @('StackNotFound,ReleaseOps.Commands.DeployProjectStackCommand', 'DeployNotStarted,ReleaseOps.Commands.DeployProjectStackCommand')
        Get-NodeText $other.Node 'test -e /srv/app/.git/releaseops/deploy.state && echo deployed || echo untouched' | Should -Be 'untouched'
        # Without it, the healthy node is deployed although the other fails.
        $r = $empty, $other.Node | Deploy-ProjectStack -Ref develop -Path $other.Settings -ThrottleLimit 1 -ErrorVariable failed -ErrorAction SilentlyContinue
        $r.Status | Should -Be 'Deployed'
        $failed.FullyQualifiedErrorId | Should -Be 'StackNotFound,ReleaseOps.Commands.DeployProjectStackCommand'
    }

    It 'refuses to discard changes made by hand to tracked files on the node, unless -Force' {
        $live = Get-Live $main.Node
        $null = $main.Node | Invoke-NodeCommand -Command 'echo hotfix-by-hand >> /srv/app/version.txt'
        $e = { $main.Node | Deploy-ProjectStack -Ref develop -Path $main.Settings -ErrorAction Stop } | Should -Throw -ErrorId 'LocalChanges,ReleaseOps.Commands.DeployProjectStackCommand' -PassThru
        $e.ErrorDetails.RecommendedAction | Should -Match '-Force'
        Get-Live $main.Node | Should -Be $live
        Get-NodeText $main.Node 'tail -n 1 /srv/app/version.txt' | Should -Be 'hotfix-by-hand'
        ($main.Node | Deploy-ProjectStack -Ref develop -Path $main.Settings -Force -ErrorAction Stop).Status | Should -Be 'Deployed'
        Get-Served $main | Should -Be 'one'
    }

    It 'does not report a node healthy when the project configures no health check' {
        $settings = New-Settings $main.Port
        (Get-Content "$settings/releaseops.psd1") -notmatch 'HealthCheck' | Set-Content "$settings/releaseops.psd1"
        $info = $main.Node | Deploy-ProjectStack -Ref release -Path $settings -ErrorAction Stop
        $info.Status | Should -Be 'Deployed'
        $info.Healthy | Should -BeNullOrEmpty
        $info.HealthResult | Should -Be 'no health check is configured'
        Get-Served $main | Should -Be 'two'
    }

    It 'brings the stack up with docker compose or docker-compose when the project sets no StackUpCommand' {
        $settings = New-Settings $main.Port
        (Get-Content "$settings/releaseops.psd1") -notmatch 'StackUpCommand' | Set-Content "$settings/releaseops.psd1"
        $live = Get-Live $main.Node
        # The test machine has no compose (no image registry is reachable here); the branch that runs is chosen by what the node has.
        $has = Get-NodeText $main.Node 'if docker compose version >/dev/null 2>&1; then echo v2; elif command -v docker-compose >/dev/null 2>&1; then echo v1; else echo none; fi'
        if ($has -eq 'none') {
            $e = { $main.Node | Deploy-ProjectStack -Ref develop -Force -Path $settings -ErrorAction Stop } | Should -Throw -ErrorId 'ComposeNotFound,ReleaseOps.Commands.DeployProjectStackCommand' -PassThru
            $e.ErrorDetails.RecommendedAction | Should -Match 'Initialize-Node -Docker'
            Get-Live $main.Node | Should -Be $live
        }
        else {
            $info = $main.Node | Deploy-ProjectStack -Ref develop -Force -Path $settings -ErrorAction SilentlyContinue
            $info.UpCommand | Should -Be ($has -eq 'v2' ? 'docker compose up -d --build --remove-orphans' : 'docker-compose up -d --build --remove-orphans')
        }
    }

    It 'keeps a repository token out of the node: not in ps, not in .git/config, not in any file' {
        # A real git smart-HTTP server behind basic authentication; the token is only in the admin's RepositoryUrl.
        $port = Get-FreePort
        $log = Join-Path $TestDrive 'deploy-http.log'
        $server = Start-Process -FilePath (Get-TestPwsh) -PassThru -ArgumentList @('-NoProfile', '-NonInteractive', '-File',
            (Join-Path $PSScriptRoot 'fakes/GitHttpServer.ps1'), '-Port', $port, '-Root', $shared, '-LogPath', $log, '-Token', 'ghp_deploy_secret_4711')
        try {
            $deadline = [DateTime]::UtcNow.AddSeconds(20)
            while ([DateTime]::UtcNow -lt $deadline -and -not (Test-Path $log)) { Start-Sleep -Milliseconds 50 }
            $s = New-StackNode -Client token
            # A git on the node that records its own command line and its parent's (the deploy script's), as ps shows them.
            $wrapper = "#!/bin/sh`n{ printf '%s\n' `"`$*`"; tr '\000' ' ' < /proc/`$PPID/cmdline; echo; } >> /var/log/git-argv.log`nexec /usr/bin/git `"`$@`""
            $null = $s.Node | Invoke-NodeCommand -Command 'printf "%s\n" "$1" > /usr/local/bin/git && chmod 755 /usr/local/bin/git' -ArgumentList $wrapper -ErrorAction Stop
            (Get-Content "$($s.Settings)/releaseops.psd1") -replace 'file://[^'']*', "http://x-access-token:ghp_deploy_secret_4711@127.0.0.1:$port/app.git" | Set-Content "$($s.Settings)/releaseops.psd1"
            $info = $s.Node | Deploy-ProjectStack -Ref develop -Path $s.Settings -ErrorAction Stop
            $info.Status | Should -Be 'Deployed'
            $info.Commit | Should -Be $one
            # Deploy again: the fetch needs the token too.
            ($s.Node | Deploy-ProjectStack -Ref release -Path $s.Settings -ErrorAction Stop).Commit | Should -Be $two
            Get-NodeText $s.Node 'grep -q "clone --quiet --no-checkout --origin=origin -- http://127" /var/log/git-argv.log && grep -q "fetch --quiet" /var/log/git-argv.log && echo cloned-and-fetched' | Should -Be 'cloned-and-fetched'
            Get-NodeText $s.Node 'grep -rl ghp_deploy_secret_4711 /var/log/git-argv.log /srv /var/tmp /tmp 2>/dev/null | grep -v "^/var/tmp/ro-deploy" || echo none' | Should -Be 'none'
            Get-NodeText $s.Node 'git -C /srv/app config --get remote.origin.url' | Should -Be "http://127.0.0.1:$port/app.git"
            @(Get-Content $log | Where-Object { $_ } | ConvertFrom-Json | Where-Object Authorized).Count | Should -BeGreaterThan 0
        }
        finally { Stop-Process -Id $server.Id -Force -ErrorAction SilentlyContinue }
    }

    It 'refuses, as root, a checkout that another account owns (its hooks would run as root)' {
        $s = New-StackNode -Client owner
        $null = $s.Node | Deploy-ProjectStack -Ref develop -Path $s.Settings -ErrorAction Stop
        # mallory owns the checkout and plants a hook and core.fsmonitor, which git would run as root.
        $null = $s.Node | Invoke-NodeCommand -Command 'useradd -m -p "*" mallory && chown -R mallory /srv/app && setpriv --reuid=mallory --regid=mallory --init-groups sh -c "git -C /srv/app config core.fsmonitor \"touch /tmp/fsmonitor-ran-as-\$(id -un)\"; printf \"#!/bin/sh\ntouch /tmp/hook-ran-as-\$(id -un)\n\" > /srv/app/.git/hooks/post-checkout; chmod 755 /srv/app/.git/hooks/post-checkout; rm -f /srv/app/.git/releaseops/step.log; ln -s /etc/shadow-link-target /srv/app/.git/releaseops/step.log"' -ErrorAction Stop
        { $s.Node | Deploy-ProjectStack -Ref release -Path $s.Settings -Force -ErrorAction Stop } | Should -Throw -ErrorId 'UnsafeCheckout,ReleaseOps.Commands.DeployProjectStackCommand'
        Get-NodeText $s.Node 'ls /tmp | grep -c -e fsmonitor-ran -e hook-ran; test -e /etc/shadow-link-target && echo written || echo untouched' | Should -Be "0`nuntouched"
        Get-NodeText $s.Node 'setpriv --reuid=mallory --regid=mallory --init-groups git -C /srv/app rev-parse HEAD' | Should -Be $one
    }

    It 'refuses, as root, a root checkout with a part that another account owns, or a folder above it that another account controls' {
        $s = New-StackNode -Client part
        $null = $s.Node | Deploy-ProjectStack -Ref develop -Path $s.Settings -ErrorAction Stop
        $null = $s.Node | Invoke-NodeCommand -Command 'useradd -m -p "*" mallory' -ErrorAction Stop
        $hook = 'printf "#!/bin/sh\ntouch /tmp/hook-ran-as-\$(id -un)\n" > /srv/app/.git/hooks/post-checkout; chmod 755 /srv/app/.git/hooks/post-checkout'
        $cases = [ordered]@{
            # mallory owns .git/hooks only: the checkout, .git and the state folder are root's.
            'hooks'  = @("chown mallory /srv/app/.git/hooks && setpriv --reuid=mallory --regid=mallory --init-groups sh -c '$hook'", 'chown -R root:root /srv/app/.git/hooks; rm -f /srv/app/.git/hooks/post-checkout')
            # mallory owns .git/config only, and sets core.fsmonitor in it.
            'config' = @('chown mallory /srv/app/.git/config && setpriv --reuid=mallory --regid=mallory --init-groups sh -c ''printf "[core]\n\tfsmonitor = touch /tmp/fsmonitor-ran-as-\$(id -un)\n" >> /srv/app/.git/config''', 'git config --file /srv/app/.git/config --unset core.fsmonitor; chown root /srv/app/.git/config')
            # mallory owns /srv: she can swap /srv/app for her own checkout after the checks.
            'parent' = @('chown mallory /srv', 'chown root /srv')
        }
        foreach ($case in $cases.GetEnumerator()) {
            $null = $s.Node | Invoke-NodeCommand -Command $case.Value[0] -ErrorAction Stop
            try {
                { $s.Node | Deploy-ProjectStack -Ref release -Path $s.Settings -Force -ErrorAction Stop } | Should -Throw -ErrorId 'UnsafeCheckout,ReleaseOps.Commands.DeployProjectStackCommand' -Because $case.Key
                Get-NodeText $s.Node 'ls /tmp | grep -c -e fsmonitor-ran -e hook-ran || true' | Should -Be '0' -Because $case.Key
            }
            finally { $null = $s.Node | Invoke-NodeCommand -Command $case.Value[1] }
        }
        # Once root's again, the deploy goes ahead; so it does when only the admins' group (dev) may also write.
        $null = $s.Node | Invoke-NodeCommand -Command 'groupadd -f dev && chgrp -R dev /srv/app && chmod -R g+w /srv/app' -ErrorAction Stop
        ($s.Node | Deploy-ProjectStack -Ref release -Path $s.Settings -ErrorAction Stop).Commit | Should -Be $two
    }

    It 'names a mistake in the deploy settings' {
        $dir = Join-Path $TestDrive 'bad-settings'
        $null = New-Item -ItemType Directory $dir
        Set-Content "$dir/releaseops.psd1" "@{ Slug = 'app'; HealthCheckUrI = 'http://127.0.0.1/' }"
        $e = { Deploy-ProjectStack -HostName $main.Node.HostName -Ref develop -Path $dir -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidProjectSettings,ReleaseOps.Commands.DeployProjectStackCommand' -PassThru
        $e.Exception.Message | Should -Match 'HealthCheckUrI'
        $e.ErrorDetails.RecommendedAction | Should -Match "Did you mean 'HealthCheckUrl'"
        Set-Content "$dir/releaseops.psd1" "@{ Slug = 'app'; StackPath = 'srv/app' }"
        { Deploy-ProjectStack -HostName $main.Node.HostName -Ref develop -Path $dir -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidProjectSettings,ReleaseOps.Commands.DeployProjectStackCommand'
    }
}
