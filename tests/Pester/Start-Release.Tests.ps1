BeforeAll {
    Import-Module $env:RELEASEOPS_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'GitFixtures.psm1') -Force
    function Get-RemoteRef([string] $Origin, [string] $Ref) { (& git -C $Origin rev-parse --verify -q $Ref) }
}

Describe 'Start-Release' {
    It 'merges develop into master with --no-ff, tags, writes notes and pushes both at once' {
        $r = New-ReleaseRepo -Directory (Join-Path $TestDrive 'one')
        $developBefore = Get-RemoteRef $r.Origin develop
        $masterBefore = Get-RemoteRef $r.Origin master
        $info = Start-Release -Path $r.Work
        $info | Should -BeOfType ([ReleaseOps.ReleaseInfo])
        $info.Status | Should -Be 'Released'
        $info.Tag | Should -Match '^v\d{4}\.\d{1,2}\.0$'
        $info.PreviousRelease | Should -Be 'v0.1.0'
        $info.PullRequests | Should -Be @(11, 12)
        $info.Commits.Count | Should -Be 4
        $info.Gates[0].Passed | Should -BeTrue
        $info.Ungated | Should -BeFalse
        $info.Notes | Should -Match '#11 Add the login page'
        $info.Notes | Should -Match '#12 Fix a typo'
        $info.Durations.Keys | Should -Contain 'Total'
        # On the remote: master is one merge commit whose parents are the old master and develop, and the tag points at it.
        Get-RemoteRef $r.Origin master | Should -Be $info.Commit
        (& git -C $r.Origin rev-parse "$($info.Commit)^1") | Should -Be $masterBefore
        (& git -C $r.Origin rev-parse "$($info.Commit)^2") | Should -Be $developBefore
        (& git -C $r.Origin rev-parse "$($info.Tag)^{commit}") | Should -Be $info.Commit
        (& git -C $r.Origin cat-file -t $info.Tag) | Should -Be 'tag'
        (& git -C $r.Origin tag -l --format='%(contents)' $info.Tag) -join "`n" | Should -Match '#11 Add the login page'
        # Locally, the tag exists and the worktree (on develop) was not touched.
        (& git -C $r.Work rev-parse "$($info.Tag)^{commit}") | Should -Be $info.Commit
        (& git -C $r.Work status --porcelain) | Should -BeNullOrEmpty
    }

    It 'prints one concise line per step on the information stream, for a CI console log, and objects on the success stream' {
        $r = New-ReleaseRepo -Directory (Join-Path $TestDrive 'steps')
        $info = Start-Release -Path $r.Work -InformationVariable steps
        $info.Status | Should -Be 'Released'
        $lines = @($steps | ForEach-Object { "$($_.MessageData)" })
        $lines | Should -Contain 'Start-Release: Merging'
        ($lines -like 'Start-Release: Pushing master and v*').Count | Should -Be 1
        @($lines | Select-Object -Unique).Count | Should -Be $lines.Count
        $steps[0].Tags | Should -Contain 'Step'
    }

    It 'is a clean no-op when there is nothing to release, and a rerun releases exactly once' {
        $r = New-ReleaseRepo -Directory (Join-Path $TestDrive 'noop')
        $first = Start-Release -Path $r.Work
        $second = Start-Release -Path $r.Work
        $second.Status | Should -Be 'NothingToRelease'
        $second.Tag | Should -Be $first.Tag
        (& git -C $r.Origin tag -l).Count | Should -Be 2
        (& git -C $r.Origin rev-list --count --first-parent --merges master) | Should -Be 1
    }

    It 'stops before anything changes when the gate fails' {
        $r = New-ReleaseRepo -Directory (Join-Path $TestDrive 'gate') -Gate 'echo "3 tests failed" && exit 3'
        $master = Get-RemoteRef $r.Origin master
        { Start-Release -Path $r.Work -ErrorAction Stop } | Should -Throw -ErrorId 'ReleaseGateFailed,ReleaseOps.Commands.StartReleaseCommand'
        $err = $null; try { Start-Release -Path $r.Work -ErrorAction Stop } catch { $err = $_ }
        $err.Exception.Message | Should -Match '3 tests failed'
        Get-RemoteRef $r.Origin master | Should -Be $master
        (& git -C $r.Origin tag -l) | Should -Be 'v0.1.0'
        (& git -C $r.Work tag -l) | Should -Be 'v0.1.0'
        Test-Path (Join-Path $r.Work '.git/releaseops-release.lock') | Should -BeFalse
    }

    It 'leaves everything as it was on a merge conflict' {
        $r = New-ReleaseRepo -Directory (Join-Path $TestDrive 'conflict')
        $other = Join-Path $TestDrive 'conflict-other'
        & git clone -q $r.Origin $other
        Set-Content "$other/app.py" 'print("hotfixed on master")'
        Invoke-Git $other commit -qam 'Hotfix straight on master' | Out-Null
        Invoke-Git $other push -q origin master | Out-Null
        $master = Get-RemoteRef $r.Origin master
        { Start-Release -Path $r.Work -ErrorAction Stop } | Should -Throw -ErrorId 'MergeConflict,ReleaseOps.Commands.StartReleaseCommand'
        Get-RemoteRef $r.Origin master | Should -Be $master
        (& git -C $r.Origin tag -l) | Should -Be 'v0.1.0'
    }

    It 'changes nothing when the push is rejected because the remote moved, and the rerun then releases once' {
        $r = New-ReleaseRepo -Directory (Join-Path $TestDrive 'race')
        # A gate that lets someone push to master while the release runs.
        $other = Join-Path $TestDrive 'race-other'
        & git clone -q $r.Origin $other
        Set-Content "$other/README.md" 'docs'
        Invoke-Git $other add README.md | Out-Null
        Invoke-Git $other commit -qm 'docs on master' | Out-Null
        $gate = "git -C '$other' push -q origin master"
        Set-Content "$($r.Work)/releaseops.psd1" "@{ Slug = 'demo'; EndToEndTestCommand = `"$gate`" }"
        Invoke-Git $r.Work commit -qam 'gate' | Out-Null
        Invoke-Git $r.Work push -q origin develop | Out-Null
        { Start-Release -Path $r.Work -ErrorAction Stop } | Should -Throw -ErrorId 'PushRejected,ReleaseOps.Commands.StartReleaseCommand'
        (& git -C $r.Origin tag -l) | Should -Be 'v0.1.0'
        (& git -C $r.Work tag -l) | Should -Be 'v0.1.0'
        $info = Start-Release -Path $r.Work
        $info.Status | Should -Be 'Released'
        (& git -C $r.Origin rev-parse "$($info.Commit)^1") | Should -Be (& git -C $other rev-parse HEAD)
        (& git -C $r.Origin tag -l).Count | Should -Be 2
    }

    It 'shows the plan with -WhatIf and changes nothing' {
        $r = New-ReleaseRepo -Directory (Join-Path $TestDrive 'whatif')
        $null = Invoke-Git $r.Work fetch -q origin
        $master = Get-RemoteRef $r.Origin master
        $info = Start-Release -Path $r.Work -WhatIf
        $info.Status | Should -Be 'WouldRelease'
        $info.Tag | Should -Match '^v\d{4}\.'
        Get-RemoteRef $r.Origin master | Should -Be $master
        (& git -C $r.Work tag -l) | Should -Be 'v0.1.0'
    }

    It 'bumps SemVer from conventional commits' {
        $r = New-ReleaseRepo -Directory (Join-Path $TestDrive 'semver') -TagScheme SemVer
        (Start-Release -Path $r.Work).Tag | Should -Be 'v0.2.0'
    }

    It 'releases without settings, with a warning that it is ungated' {
        $r = New-ReleaseRepo -Directory (Join-Path $TestDrive 'nosettings') -NoSettings
        $info = Start-Release -Path $r.Work -WarningVariable w -WarningAction SilentlyContinue
        $info.Status | Should -Be 'Released'
        $info.Ungated | Should -BeTrue
        "$w" | Should -Match 'not gated'
    }

    It 'refuses a dirty worktree, a detached HEAD, an unknown remote and a missing branch, with stable ids' {
        $r = New-ReleaseRepo -Directory (Join-Path $TestDrive 'bad')
        Add-Content "$($r.Work)/app.py" '# local edit'
        { Start-Release -Path $r.Work -ErrorAction Stop } | Should -Throw -ErrorId 'DirtyWorktree,ReleaseOps.Commands.StartReleaseCommand'
        Invoke-Git $r.Work checkout -q -- app.py | Out-Null
        Invoke-Git $r.Work checkout -q --detach | Out-Null
        { Start-Release -Path $r.Work -ErrorAction Stop } | Should -Throw -ErrorId 'DetachedHead,ReleaseOps.Commands.StartReleaseCommand'
        Invoke-Git $r.Work switch -q develop | Out-Null
        Set-Content "$($r.Work)/releaseops.psd1" "@{ Slug = 'demo'; Remote = 'upstream' }"
        Invoke-Git $r.Work commit -qam 'remote' | Out-Null
        { Start-Release -Path $r.Work -ErrorAction Stop } | Should -Throw -ErrorId 'UnknownRemote,ReleaseOps.Commands.StartReleaseCommand'
        Set-Content "$($r.Work)/releaseops.psd1" "@{ Slug = 'demo'; ReleaseBranch = 'main' }"
        Invoke-Git $r.Work commit -qam 'main' | Out-Null
        { Start-Release -Path $r.Work -ErrorAction Stop } | Should -Throw -ErrorId 'BranchNotFound,ReleaseOps.Commands.StartReleaseCommand'
    }

    It 'refuses to run while another release holds the lock, and breaks a stale lock' {
        $r = New-ReleaseRepo -Directory (Join-Path $TestDrive 'lock')
        $lock = Join-Path $r.Work '.git/releaseops-release.lock'
        Set-Content $lock "pid=$PID`nhost=$([Environment]::MachineName)`nstarted=now"
        { Start-Release -Path $r.Work -ErrorAction Stop } | Should -Throw -ErrorId 'ReleaseLocked,ReleaseOps.Commands.StartReleaseCommand'
        $dead = Start-Process -FilePath /bin/true -PassThru; $dead.WaitForExit()
        Set-Content $lock "pid=$($dead.Id)`nhost=$([Environment]::MachineName)`nstarted=now"
        (Start-Release -Path $r.Work -WarningVariable w -WarningAction SilentlyContinue).Status | Should -Be 'Released'
        "$w" | Should -Match 'stale'
        Test-Path $lock | Should -BeFalse
    }

    It 'releases to an SSH remote on a real sshd' {
        Import-Module (Join-Path $PSScriptRoot 'SshFixtures.psm1') -Force
        $ctx = New-SshTestContext -Directory (Join-Path $TestDrive 'ssh')
        $node = New-ProjectNode -Provider Sandbox -Project git -PublicKey $ctx.PublicKeyFile -KnownHostsFile $ctx.KnownHostsFile
        try {
            # /tmp is private to a sandbox node, so the repository it clones from sits in /var/tmp.
            $shared = "/var/tmp/releaseops-ssh-$PID"
            $r = New-ReleaseRepo -Directory $shared
            # The bare repository moves into the node (its /srv), and origin becomes an ssh:// URL.
            $null = Invoke-NodeCommand -HostName $node.HostName -Port $node.Port -IdentityFile $ctx.IdentityFile -KnownHostsFile $ctx.KnownHostsFile -ConfigFile $ctx.ConfigFile -Command 'mkdir -p /srv && git clone -q --no-local --bare "$1" /srv/demo.git' -ArgumentList $r.Origin
            Invoke-Git $r.Work remote set-url origin "ssh://root@127.0.0.1:$($node.Port)/srv/demo.git" | Out-Null
            $env:GIT_SSH_COMMAND = "ssh -F $($ctx.ConfigFile) -i $($ctx.IdentityFile) -o UserKnownHostsFile=$($ctx.KnownHostsFile) -o StrictHostKeyChecking=yes -o BatchMode=yes"
            $info = Start-Release -Path $r.Work
            $info.Status | Should -Be 'Released'
            $remote = Invoke-NodeCommand -HostName $node.HostName -Port $node.Port -IdentityFile $ctx.IdentityFile -KnownHostsFile $ctx.KnownHostsFile -ConfigFile $ctx.ConfigFile -Command 'git -C /srv/demo.git rev-parse master "$1^{commit}"' -ArgumentList $info.Tag
            $remote.Output | Should -Be "$($info.Commit)`n$($info.Commit)`n"
        }
        finally {
            Remove-Item Env:GIT_SSH_COMMAND -ErrorAction SilentlyContinue
            Remove-Item $shared -Recurse -Force -ErrorAction SilentlyContinue
            $node | Remove-ProjectNode -Force -KnownHostsFile $ctx.KnownHostsFile
        }
    }
}

Describe 'New-FeatureBranch' {
    It 'creates feature/<name> from the latest develop, and pushes it' {
        $r = New-ReleaseRepo -Directory (Join-Path $TestDrive 'feature')
        $b = New-FeatureBranch -Name login-page -Path $r.Work -Push
        $b | Should -BeOfType ([ReleaseOps.FeatureBranch])
        $b.Name | Should -Be 'feature/login-page'
        $b.Commit | Should -Be (& git -C $r.Origin rev-parse develop)
        (& git -C $r.Origin rev-parse feature/login-page) | Should -Be $b.Commit
        (& git -C $r.Work rev-parse --abbrev-ref 'feature/login-page@{upstream}') | Should -Be 'origin/feature/login-page'
    }

    It 'rejects names that git or the convention would reject' {
        $r = New-ReleaseRepo -Directory (Join-Path $TestDrive 'featurebad')
        foreach ($bad in 'Login Page', 'x..y', 'a~b', '-x', 'x.lock', 'UPPER', 'a;rm -rf') {
            { New-FeatureBranch -Name $bad -Path $r.Work -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidBranchName,ReleaseOps.Commands.NewFeatureBranchCommand'
        }
        $null = New-FeatureBranch -Name dup -Path $r.Work
        { New-FeatureBranch -Name dup -Path $r.Work -ErrorAction Stop } | Should -Throw -ErrorId 'BranchExists,ReleaseOps.Commands.NewFeatureBranchCommand'
    }
}

Describe 'Start-Release with a Jenkins gate' {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
        function Start-JenkinsFake([string] $Result, [string] $Sha, [int] $Port = (Get-FreePort)) {
            $port = $Port
            $log = Join-Path $TestDrive "jenkins-$port.log"
            Remove-Item $log -ErrorAction SilentlyContinue
            $args = @('-NoProfile', '-NonInteractive', '-File', (Join-Path $PSScriptRoot 'fakes/JenkinsFake.ps1'), '-Port', $port, '-LogPath', $log, '-Result', $Result)
            if ($Sha) { $args += @('-Sha', $Sha) }
            $p = Start-Process -FilePath (Get-TestPwsh) -ArgumentList $args -PassThru
            $deadline = [DateTime]::UtcNow.AddSeconds(20)
            while ([DateTime]::UtcNow -lt $deadline -and -not (Test-Path $log)) { Start-Sleep -Milliseconds 50 }
            [pscustomobject]@{ Process = $p; Url = "http://127.0.0.1:$port/"; Log = $log }
        }
        function New-JenkinsRepo([string] $Name, [string] $Url) {
            $r = New-ReleaseRepo -Directory (Join-Path $TestDrive $Name)
            Set-Content "$($r.Work)/releaseops.psd1" "@{ Slug = 'cortico'; JenkinsUrl = '$Url'; JenkinsJob = 'cortico/e2e'; JenkinsGate = 'LastBuild' }"
            Invoke-Git $r.Work commit -qam 'jenkins gate' | Out-Null
            Invoke-Git $r.Work push -q origin develop | Out-Null
            $r
        }
        $env:JENKINS_USER = 'releaser'; $env:JENKINS_API_TOKEN = 'api-token-123'
    }
    AfterAll { Remove-Item Env:JENKINS_USER, Env:JENKINS_API_TOKEN -ErrorAction SilentlyContinue }

    It 'releases when the job succeeded on the develop commit, and not when it built another commit' {
        $port = Get-FreePort
        $r = New-JenkinsRepo jok "http://127.0.0.1:$port/"
        $sha = & git -C $r.Origin rev-parse develop
        $fake = Start-JenkinsFake SUCCESS 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' -Port $port
        try { { Start-Release -Path $r.Work -JenkinsUrl "http://127.0.0.1:$port/" -ErrorAction Stop } | Should -Throw -ErrorId 'ReleaseGateFailed,ReleaseOps.Commands.StartReleaseCommand' }
        finally { $fake.Process.Kill(); $fake.Process.WaitForExit() }
        $fake = Start-JenkinsFake SUCCESS $sha -Port $port
        try {
            $info = Start-Release -Path $r.Work -JenkinsUrl "http://127.0.0.1:$port/"
            $info.Status | Should -Be 'Released'
            $info.Gates[0].Name | Should -Be 'Jenkins'
            $info.Gates[0].Passed | Should -BeTrue
            $info.Gates[0].OutputTail | Should -Match "build #42: SUCCESS, built $sha"
            $requests = Get-Content $fake.Log | Where-Object { $_ } | ConvertFrom-Json
            $requests[-1].Path | Should -Be '/job/cortico/job/e2e/lastCompletedBuild/api/json'
            $requests[-1].Authorized | Should -BeTrue
            Get-Content $fake.Log -Raw | Should -Not -Match 'api-token-123'
        }
        finally { $fake.Process.Kill(); $fake.Process.WaitForExit() }
    }

    It 'stops before anything changes when the job failed, or the token is wrong' {
        $fake = Start-JenkinsFake FAILURE ''
        try {
            $r = New-JenkinsRepo jfail $fake.Url
            $master = & git -C $r.Origin rev-parse master
            { Start-Release -Path $r.Work -JenkinsUrl $fake.Url -ErrorAction Stop } | Should -Throw -ErrorId 'ReleaseGateFailed,ReleaseOps.Commands.StartReleaseCommand'
            (& git -C $r.Origin rev-parse master) | Should -Be $master
            $env:JENKINS_API_TOKEN = 'wrong'
            $err = $null; try { Start-Release -Path $r.Work -JenkinsUrl $fake.Url -ErrorAction Stop } catch { $err = $_ }
            $err.FullyQualifiedErrorId | Should -Be 'JenkinsAuthFailed,ReleaseOps.Commands.StartReleaseCommand'
            "$err" | Should -Not -Match 'wrong'
        }
        finally { $env:JENKINS_API_TOKEN = 'api-token-123'; $fake.Process.Kill(); $fake.Process.WaitForExit() }
    }

    It 'sends the Jenkins credentials only to the admin''s server, never to one that releaseops.psd1 names' {
        # releaseops.psd1 comes from develop: whoever pushes there must not receive JENKINS_API_TOKEN.
        $fake = Start-JenkinsFake SUCCESS ''
        $savedUrl = $env:JENKINS_URL
        try {
            $r = New-JenkinsRepo juntrusted $fake.Url
            $master = & git -C $r.Origin rev-parse master
            Remove-Item Env:JENKINS_URL -ErrorAction SilentlyContinue
            { Start-Release -Path $r.Work -ErrorAction Stop } | Should -Throw -ErrorId 'JenkinsUrlUntrusted,ReleaseOps.Commands.StartReleaseCommand'
            { Start-Release -Path $r.Work -JenkinsUrl 'https://jenkins.example.com/' -ErrorAction Stop } | Should -Throw -ErrorId 'JenkinsUrlMismatch,ReleaseOps.Commands.StartReleaseCommand'
            $env:JENKINS_URL = 'https://jenkins.example.com/'
            { Start-Release -Path $r.Work -ErrorAction Stop } | Should -Throw -ErrorId 'JenkinsUrlMismatch,ReleaseOps.Commands.StartReleaseCommand'
            (& git -C $r.Origin rev-parse master) | Should -Be $master
            Start-Sleep -Milliseconds 200
            @(Get-Content $fake.Log | Where-Object { $_ }).Count | Should -Be 0
        }
        finally {
            if ($null -eq $savedUrl) { Remove-Item Env:JENKINS_URL -ErrorAction SilentlyContinue } else { $env:JENKINS_URL = $savedUrl }
            $fake.Process.Kill(); $fake.Process.WaitForExit()
        }
    }
}

Describe 'Start-Release with JenkinsGate = Run' {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
        $script:savedEnv = @{ JENKINS_USER_ID = $env:JENKINS_USER_ID; JENKINS_API_TOKEN = $env:JENKINS_API_TOKEN }
        $env:JENKINS_USER_ID = 'releaser'; $env:JENKINS_API_TOKEN = 'api-token-123'
    }
    AfterAll { foreach ($k in $savedEnv.Keys) { if ($null -eq $savedEnv[$k]) { Remove-Item "Env:$k" -ErrorAction SilentlyContinue } else { Set-Item "Env:$k" $savedEnv[$k] } } }

    It 'runs the job, waits for its build, and releases only when that build passed on the develop commit' {
        $port = Get-FreePort
        $r = New-ReleaseRepo -Directory (Join-Path $TestDrive 'jrun')
        Set-Content "$($r.Work)/releaseops.psd1" "@{ Slug = 'cortico'; JenkinsUrl = 'http://127.0.0.1:$port/'; JenkinsJob = 'cortico/e2e'; JenkinsGate = 'Run' }"
        Invoke-Git $r.Work commit -qam 'jenkins gate runs the job' | Out-Null
        Invoke-Git $r.Work push -q origin develop | Out-Null
        $sha = & git -C $r.Origin rev-parse develop
        $master = & git -C $r.Origin rev-parse master
        $fake = Start-JenkinsFake -Result FAILURE -Sha $sha -Port $port
        try {
            { Start-Release -Path $r.Work -JenkinsUrl "http://127.0.0.1:$port/" -ErrorAction Stop } | Should -Throw -ErrorId 'ReleaseGateFailed,ReleaseOps.Commands.StartReleaseCommand'
            (& git -C $r.Origin rev-parse master) | Should -Be $master
            @(Get-JenkinsFakeRequest $fake | Where-Object Method -EQ POST).Path | Should -Be '/job/cortico/job/e2e/build'
        }
        finally { Stop-JenkinsFake $fake }
        $fake = Start-JenkinsFake -Sha $sha -Port $port
        try {
            $info = Start-Release -Path $r.Work -JenkinsUrl "http://127.0.0.1:$port/" -Verbose 4>&1 | Tee-Object -Variable all | Where-Object { $_ -is [ReleaseOps.ReleaseInfo] }
            $info.Status | Should -Be 'Released'
            # Build #42 already existed; the gate judged the build it started.
            $info.Gates[0].OutputTail | Should -Be "build #43: SUCCESS, built $sha"
            @($all | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message) | Should -Contain '[cortico/e2e] Finished: SUCCESS'
            $requests = Get-JenkinsFakeRequest $fake
            @($requests | Where-Object Method -EQ POST).Count | Should -Be 1
            $requests[-1].Path | Should -Be '/job/cortico/job/e2e/43/api/json'
        }
        finally { Stop-JenkinsFake $fake }
    }
}

Describe 'Start-Release killed halfway' {
    It 'leaves nothing behind but a stale lock, and the rerun releases exactly once' {
        Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
        $marker = Join-Path $TestDrive 'slow-gate'
        Set-Content $marker 'slow'
        $r = New-ReleaseRepo -Directory (Join-Path $TestDrive 'killed') -Gate "if [ -f `"$marker`" ]; then sleep 60; fi"
        $master = & git -C $r.Origin rev-parse master
        $script = Join-Path $TestDrive 'release.ps1'
        Set-Content $script "Import-Module '$($env:RELEASEOPS_MODULE)'; Start-Release -Path '$($r.Work)'"
        $p = Start-Process -FilePath (Get-TestPwsh) -ArgumentList @('-NoProfile', '-NonInteractive', '-File', $script) -PassThru
        $lock = Join-Path $r.Work '.git/releaseops-release.lock'
        $deadline = [DateTime]::UtcNow.AddSeconds(30)
        # The gate is running once its sleep shows up; then the release is killed in the middle.
        while ([DateTime]::UtcNow -lt $deadline) { & pgrep -x -f 'sleep 60' *> $null; if ($LASTEXITCODE -eq 0) { break }; Start-Sleep -Milliseconds 100 }
        Test-Path $lock | Should -BeTrue
        $p.Kill($true); $p.WaitForExit()
        & pkill -x -f 'sleep 60'
        (& git -C $r.Origin rev-parse master) | Should -Be $master
        (& git -C $r.Origin tag -l) | Should -Be 'v0.1.0'
        Remove-Item $marker
        $info = Start-Release -Path $r.Work -WarningVariable w -WarningAction SilentlyContinue
        $info.Status | Should -Be 'Released'
        "$w" | Should -Match 'stale'
        (Start-Release -Path $r.Work).Status | Should -Be 'NothingToRelease'
        (& git -C $r.Origin tag -l).Count | Should -Be 2
        (& git -C $r.Origin rev-list --count --first-parent --merges master) | Should -Be 1
    }
}

Describe 'Start-Release to an HTTPS-style remote with a token' {
    It 'authenticates with -Token (a SecureString), never on a command line, and fails clearly without it' {
        Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
        $r = New-ReleaseRepo -Directory (Join-Path $TestDrive 'http')
        $port = Get-FreePort
        $log = Join-Path $TestDrive 'http.log'
        $server = Start-Process -FilePath (Get-TestPwsh) -PassThru -ArgumentList @('-NoProfile', '-NonInteractive', '-File',
            (Join-Path $PSScriptRoot 'fakes/GitHttpServer.ps1'), '-Port', $port, '-Root', (Split-Path $r.Origin), '-LogPath', $log)
        try {
            $deadline = [DateTime]::UtcNow.AddSeconds(20)
            while ([DateTime]::UtcNow -lt $deadline -and -not (Test-Path $log)) { Start-Sleep -Milliseconds 50 }
            Invoke-Git $r.Work remote set-url origin "http://127.0.0.1:$port/origin.git" | Out-Null
            { Start-Release -Path $r.Work -ErrorAction Stop } | Should -Throw -ErrorId 'FetchFailed,ReleaseOps.Commands.StartReleaseCommand'
            $token = ConvertTo-SecureString 'ghp_pester_token' -AsPlainText -Force
            $info = Start-Release -Path $r.Work -Token $token
            $info.Status | Should -Be 'Released'
            (& git -C $r.Origin rev-parse master) | Should -Be $info.Commit
            (& git -C $r.Origin rev-parse "$($info.Tag)^{commit}") | Should -Be $info.Commit
            $requests = Get-Content $log | Where-Object { $_ } | ConvertFrom-Json
            ($requests | Where-Object { $_.Authorized -and $_.Path -like '*git-receive-pack' }) | Should -Not -BeNullOrEmpty
            Get-Content $log -Raw | Should -Not -Match 'ghp_pester_token'
        }
        finally { $server.Kill(); $server.WaitForExit() }
    }
}

Describe 'Start-Release: what the repository chooses runs without ReleaseOps'' secrets' {
    # Issue #13: releaseops.psd1 (the gate) and the hooks come from develop, and must not receive the credentials meant
    # for releasing master or for the clouds.
    BeforeAll {
        $script:secrets = [ordered]@{
            RELEASEOPS_GIT_TOKEN = 'git-secret-1'; JENKINS_API_TOKEN = 'jenkins-secret-2'; DIGITALOCEAN_TOKEN = 'do-secret-3'
            DIGITALOCEAN_ACCESS_TOKEN = 'do-secret-4'; SCW_SECRET_KEY = 'scw-secret-5'; AWS_SECRET_ACCESS_KEY = 'aws-secret-6'
            AWS_SESSION_TOKEN = 'aws-secret-7'; CLOUDFLARE_API_TOKEN = 'cf-secret-8'
        }
        $script:saved = @{}
        foreach ($k in $secrets.Keys) { $saved[$k] = [Environment]::GetEnvironmentVariable($k); [Environment]::SetEnvironmentVariable($k, $secrets[$k]) }
    }
    AfterAll { foreach ($k in $saved.Keys) { [Environment]::SetEnvironmentVariable($k, $saved[$k]) } }

    It 'runs the end-to-end gate without the git, Jenkins or cloud secrets' {
        $seen = Join-Path $TestDrive 'gate-env.txt'
        $r = New-ReleaseRepo -Directory (Join-Path $TestDrive 'scrub') -Gate "env > $seen"
        $info = Start-Release -Path $r.Work
        $info.Status | Should -Be 'Released'
        $text = Get-Content $seen -Raw
        $text | Should -Match 'RELEASEOPS_RELEASE_TAG='
        foreach ($k in $secrets.Keys) { $text | Should -Not -Match $secrets[$k] -Because "$k must not reach the gate" }
    }

    It 'runs none of the repository''s git hooks, which would see the git token' {
        $r = New-ReleaseRepo -Directory (Join-Path $TestDrive 'hooks')
        $log = Join-Path $TestDrive 'hook-env.txt'
        # As husky does: the hooks are files in the repository, and core.hooksPath points at them.
        $hooks = Join-Path $r.Work '.githooks'
        $null = New-Item -ItemType Directory -Path $hooks
        foreach ($hook in 'pre-push', 'reference-transaction', 'pre-auto-gc', 'post-merge') {
            Set-Content "$hooks/$hook" "#!/bin/sh`necho $hook >> '$log'; env >> '$log'"
            & chmod +x "$hooks/$hook"
        }
        Invoke-Git $r.Work add -A | Out-Null
        Invoke-Git $r.Work commit -qm 'chore: hooks' | Out-Null
        Invoke-Git $r.Work push -q origin develop | Out-Null
        Invoke-Git $r.Work config core.hooksPath .githooks | Out-Null

        $info = Start-Release -Path $r.Work
        $info.Status | Should -Be 'Released'
        Test-Path $log | Should -BeFalse

        # The hooks are live: plain git runs them, with whatever its environment holds.
        & git -C $r.Work fetch -q origin '+refs/heads/master:refs/heads/hook-check' 2>$null
        Get-Content $log -Raw | Should -Match 'reference-transaction'
    }
}
