# Invoke-JenkinsJob against the stateful Jenkins fake (fakes/JenkinsFake.ps1), which follows tests/contracts/jenkins.
BeforeAll {
    Import-Module $env:RELEASEOPS_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:saved = @{}
    foreach ($name in 'JENKINS_URL', 'JENKINS_USER_ID', 'JENKINS_USER', 'JENKINS_API_TOKEN') { $saved[$name] = [Environment]::GetEnvironmentVariable($name) }
    function Use-Jenkins($Fake, [string] $Token = 'api-token-123') {
        $env:JENKINS_URL = $Fake.Url; $env:JENKINS_USER_ID = 'releaser'; $env:JENKINS_API_TOKEN = $Token
        Remove-Item Env:JENKINS_USER -ErrorAction SilentlyContinue
    }
    # The log every build of the fake writes, in the pieces it arrives in (see fakes/JenkinsFake.ps1).
    function Get-ExpectedLog([hashtable] $Parameters, [string] $Result) {
        $lines = @('Started by user releaser', 'Running on agent-1 in /var/jenkins_home/workspace/e2e')
        $lines += $Parameters.GetEnumerator() | Sort-Object Key | ForEach-Object { "Parameter $($_.Key)=$($_.Value)" }
        $lines + @('+ ./run-tests ✓ 12 passed', '+ echo done', 'done', "Finished: $Result")
    }
    $script:crumbFake = Start-JenkinsFake -CrumbRequired
    $script:plainFake = Start-JenkinsFake
}

AfterAll {
    Stop-JenkinsFake $crumbFake
    Stop-JenkinsFake $plainFake
    foreach ($name in $saved.Keys) {
        if ($null -eq $saved[$name]) { Remove-Item "Env:$name" -ErrorAction SilentlyContinue } else { Set-Item "Env:$name" $saved[$name] }
    }
}

Describe 'Invoke-JenkinsJob' {
    It 'sends the crumb with its session cookie, waits in the queue, streams the log in pieces, and returns the build' {
        Use-Jenkins $crumbFake
        $before = (Get-JenkinsFakeRequest $crumbFake).Count
        $build = Invoke-JenkinsJob -Job cortico/e2e -Parameter @{ NODE = 'web1'; CLEAN = $true } -InformationVariable info
        $build | Should -BeOfType ReleaseOps.JenkinsBuild
        $build.Job | Should -Be 'cortico/e2e'
        $build.Number | Should -BeGreaterThan 42
        $build.Result | Should -Be 'SUCCESS'
        $build.State | Should -Be 'Completed'
        $build.Building | Should -BeFalse
        $build.Duration | Should -Be ([TimeSpan]::FromMilliseconds(60750))
        $build.Url | Should -Be "$($crumbFake.Url)job/cortico/job/e2e/$($build.Number)/"
        $build.QueueId | Should -BeGreaterOrEqual 100
        $build.Parameters['NODE'] | Should -Be 'web1'
        $build.Parameters['CLEAN'] | Should -Be 'true'
        $expected = Get-ExpectedLog @{ NODE = 'web1'; CLEAN = 'true' } SUCCESS
        # Every line reaches the information stream once, in order, and the multi-byte ✓ proves that offsets count bytes.
        @($info | Where-Object { $_.Tags -contains 'ConsoleLog' } | ForEach-Object { "$($_.MessageData)" }) | Should -Be $expected
        $build.Log | Should -Be (($expected -join "`n") + "`n")

        $requests = @(Get-JenkinsFakeRequest $crumbFake | Select-Object -Skip $before)
        $requests[0].Path | Should -Be '/crumbIssuer/api/json'
        $post = @($requests | Where-Object Method -EQ POST)
        $post.Count | Should -Be 1
        $post[0].Path | Should -Be '/job/cortico/job/e2e/buildWithParameters'
        $post[0].Crumb | Should -BeTrue
        $post[0].Session | Should -BeTrue
        $post[0].Form.NODE | Should -Be 'web1'
        # Blocked twice, then the LeftItem with its executable.
        @($requests | Where-Object Path -Like '/queue/item/*').Count | Should -Be 3
        # The log came in several polls whose start offsets grew, and the last poll (X-More-Data absent) ended it.
        $starts = @($requests | Where-Object Path -Like '*/logText/progressiveText' | ForEach-Object { [int]($_.Query -replace '^\?start=', '') })
        $starts.Count | Should -BeGreaterOrEqual 5
        $starts[0] | Should -Be 0
        ($starts | Select-Object -Unique).Count | Should -BeGreaterOrEqual 4
        $starts[-1] | Should -Be ([Text.Encoding]::UTF8.GetByteCount($build.Log))
        $requests[-1].Path | Should -Be "/job/cortico/job/e2e/$($build.Number)/api/json"
        @($requests | Where-Object { -not $_.Authorized }).Count | Should -Be 0
    }

    It 'sends no crumb when Jenkins issues none (404 from the crumb issuer)' {
        Use-Jenkins $plainFake
        $before = (Get-JenkinsFakeRequest $plainFake).Count
        $build = Invoke-JenkinsJob cortico/e2e
        $build.Result | Should -Be 'SUCCESS'
        $requests = @(Get-JenkinsFakeRequest $plainFake | Select-Object -Skip $before)
        $requests[0].Path | Should -Be '/crumbIssuer/api/json'
        $post = @($requests | Where-Object Method -EQ POST)
        $post.Path | Should -Be '/job/cortico/job/e2e/build'
        $post.Crumb | Should -BeFalse
    }

    It 'writes <Result> as the error <Id>, with the build as its target, and fails under -ErrorAction Stop' -ForEach @(
        @{ Result = 'FAILURE'; Id = 'JenkinsBuildFailed'; Category = 'InvalidResult' }
        @{ Result = 'UNSTABLE'; Id = 'JenkinsBuildUnstable'; Category = 'InvalidResult' }
        @{ Result = 'ABORTED'; Id = 'JenkinsBuildAborted'; Category = 'OperationStopped' }
    ) {
        Use-Jenkins $plainFake
        $build = Invoke-JenkinsJob -Job cortico/e2e -Parameter @{ RESULT = $Result } -ErrorVariable failed -ErrorAction SilentlyContinue -InformationVariable info
        $build.Result | Should -Be $Result
        @($failed).Count | Should -Be 1
        $failed[0].FullyQualifiedErrorId | Should -Be "$Id,ReleaseOps.Commands.InvokeJenkinsJobCommand"
        $failed[0].CategoryInfo.Category | Should -Be $Category
        $failed[0].TargetObject | Should -BeOfType ReleaseOps.JenkinsBuild
        $failed[0].TargetObject.Number | Should -Be $build.Number
        "$($failed[0])" | Should -Match "cortico/e2e #$($build.Number)"
        $failed[0].ErrorDetails.RecommendedAction | Should -Not -BeNullOrEmpty
        @($info.MessageData)[-1] | Should -Be "Finished: $Result"
        { Invoke-JenkinsJob -Job cortico/e2e -Parameter @{ RESULT = $Result } -ErrorAction Stop } | Should -Throw -ErrorId "$Id,ReleaseOps.Commands.InvokeJenkinsJobCommand"
    }

    It 'reports a queue item that was cancelled, and one that expired before its build was seen' {
        Use-Jenkins $plainFake
        { Invoke-JenkinsJob -Job cortico/e2e -Parameter @{ OUTCOME = 'Cancel' } -ErrorAction Stop } |
            Should -Throw -ErrorId 'JenkinsQueueItemCancelled,ReleaseOps.Commands.InvokeJenkinsJobCommand'
        $err = $null
        try { Invoke-JenkinsJob -Job cortico/e2e -Parameter @{ OUTCOME = 'Expire' } -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Be 'JenkinsQueueItemExpired,ReleaseOps.Commands.InvokeJenkinsJobCommand'
        "$err" | Should -Match 'queue item \d+ for cortico/e2e is gone'
        $err.ErrorDetails.RecommendedAction | Should -Match 'Get-JenkinsBuild'
    }

    It '-NoWait returns once the job is queued, with the queue item and no number' {
        Use-Jenkins $plainFake
        $queued = Invoke-JenkinsJob -Job cortico/e2e -NoWait
        $queued.State | Should -Be 'Queued'
        $queued.Number | Should -BeNullOrEmpty
        $queued.QueueId | Should -BeGreaterOrEqual 100
        $queued.QueueUrl | Should -Be "$($plainFake.Url)queue/item/$($queued.QueueId)/"
        $requests = @(Get-JenkinsFakeRequest $plainFake)
        $requests[-1].Method | Should -Be 'POST'
    }

    It '-WhatIf triggers nothing' {
        Use-Jenkins $plainFake
        $before = (Get-JenkinsFakeRequest $plainFake).Count
        Invoke-JenkinsJob -Job cortico/e2e -Parameter @{ NODE = 'x' } -WhatIf | Should -BeNullOrEmpty
        (Get-JenkinsFakeRequest $plainFake).Count | Should -Be $before
    }

    It 'stops waiting after -Timeout with JenkinsTimeout' {
        Use-Jenkins $plainFake
        { Invoke-JenkinsJob -Job cortico/e2e -Parameter @{ QUEUE_POLLS = 100000 } -Timeout 1 -ErrorAction Stop } |
            Should -Throw -ErrorId 'JenkinsTimeout,ReleaseOps.Commands.InvokeJenkinsJobCommand'
    }

    It 'stops waiting when the pipeline is stopped (Ctrl+C), leaving the queued build to Jenkins' {
        Use-Jenkins $plainFake
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$($env:RELEASEOPS_MODULE)'; Invoke-JenkinsJob -Job cortico/e2e -Parameter @{ QUEUE_POLLS = 100000; WAIT = 'stop' }")
            $handle = $ps.BeginInvoke()
            # Wait (without asserting any time) until the queue item has been polled twice.
            $deadline = [DateTime]::UtcNow.AddSeconds(60)
            while ([DateTime]::UtcNow -lt $deadline) {
                $post = @(Get-JenkinsFakeRequest $plainFake | Where-Object { $_.Method -eq 'POST' -and $_.Form.WAIT -eq 'stop' })
                if ($post -and @(Get-JenkinsFakeRequest $plainFake | Where-Object Path -Like '/queue/item/*').Count -ge 2) { break }
                Start-Sleep -Milliseconds 100
            }
            $ps.InvocationStateInfo.State | Should -Be 'Running'
            $ps.Stop()
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
            $handle.IsCompleted | Should -BeTrue
        }
        finally { $ps.Dispose() }
    }

    It 'names the fix when no Jenkins URL is known, and when the job does not exist' {
        Remove-Item Env:JENKINS_URL -ErrorAction SilentlyContinue
        { Invoke-JenkinsJob -Job cortico/e2e } | Should -Throw -ErrorId 'JenkinsUrlMissing,ReleaseOps.Commands.InvokeJenkinsJobCommand'
        Use-Jenkins $plainFake
        { Invoke-JenkinsJob -Job cortico/other -ErrorAction Stop } | Should -Throw -ErrorId 'JenkinsJobNotFound,ReleaseOps.Commands.InvokeJenkinsJobCommand'
    }

    It 'sends the API token only over https or to a loopback address' {
        # Issue #13: Basic authentication over plain http hands the token to anyone on the path. 0.0.0.0 is not a
        # loopback address, but nothing would listen there: the call must stop before any request.
        Use-Jenkins $plainFake
        { Invoke-JenkinsJob -Job cortico/e2e -JenkinsUrl 'http://0.0.0.0:9/' -ErrorAction Stop } |
            Should -Throw -ErrorId 'JenkinsInsecureUrl,ReleaseOps.Commands.InvokeJenkinsJobCommand'
        { Get-JenkinsBuild -Job cortico/e2e -JenkinsUrl 'http://0.0.0.0:9/' -ErrorAction Stop } |
            Should -Throw -ErrorId 'JenkinsInsecureUrl,ReleaseOps.Commands.GetJenkinsBuildCommand'
    }

    It 'retries a few 503 answers, and reports a connection that stays lost' {
        $flaky = Start-JenkinsFake -Transient503 2
        $dying = Start-JenkinsFake -DieAfterLogPolls 2
        try {
            Use-Jenkins $flaky
            $build = Invoke-JenkinsJob -Job cortico/e2e -WarningVariable warned -WarningAction SilentlyContinue
            $build.Result | Should -Be 'SUCCESS'
            @($warned).Count | Should -Be 2
            "$($warned[0])" | Should -Match 'retrying'
            Use-Jenkins $dying
            $err = $null
            try { Invoke-JenkinsJob -Job cortico/e2e -WarningAction SilentlyContinue -ErrorAction Stop } catch { $err = $_ }
            $err.FullyQualifiedErrorId | Should -Be 'JenkinsConnectionLost,ReleaseOps.Commands.InvokeJenkinsJobCommand'
            $err.CategoryInfo.Category | Should -Be 'ConnectionError'
            "$err" | Should -Match '6 tries in a row failed'
        }
        finally { Stop-JenkinsFake $flaky; Stop-JenkinsFake $dying }
    }

    It 'sends a SecureString parameter, and shows it nowhere: not in -WhatIf, verbose, the log lines or the build' {
        Use-Jenkins $plainFake
        $secret = ConvertTo-SecureString 'db-pa55word' -AsPlainText -Force
        $whatIf = Invoke-FreshPwsh -Script @"
Import-Module '$($env:RELEASEOPS_MODULE)'
Invoke-JenkinsJob -Job cortico/e2e -Parameter @{ DB_PASSWORD = (ConvertTo-SecureString 'db-pa55word' -AsPlainText -Force) } -JenkinsUrl '$($plainFake.Url)' -WhatIf
"@
        ($whatIf.Output -join "`n") | Should -Match 'DB_PASSWORD=\(secret\)'
        ($whatIf.Output -join "`n") | Should -Not -Match 'db-pa55word'
        $all = Invoke-JenkinsJob -Job cortico/e2e -Parameter @{ DB_PASSWORD = $secret; NODE = 'web3' } -Verbose -InformationVariable info 4>&1
        $build = $all | Where-Object { $_ -is [ReleaseOps.JenkinsBuild] }
        (Get-JenkinsFakeRequest $plainFake | Where-Object Method -EQ POST)[-1].Form.DB_PASSWORD | Should -Be 'db-pa55word'
        $build.Parameters['DB_PASSWORD'] | Should -Be '(secret)'
        $build.Parameters['NODE'] | Should -Be 'web3'
        # The fake echoes its parameters into the log, as an unmasked Jenkins would; the lines arrive masked.
        @($info.MessageData) | Should -Contain 'Parameter DB_PASSWORD=****'
        $build.Log | Should -Match 'Parameter DB_PASSWORD=\*\*\*\*'
        (($all | Out-String) + ($info | Out-String) + $build.Log + ($build | Format-List * | Out-String)) | Should -Not -Match 'db-pa55word'
    }

    It 'refuses wrong credentials with JenkinsAuthFailed, and the token appears in no stream' {
        $script = @"
Import-Module '$($env:RELEASEOPS_MODULE)'
`$env:JENKINS_URL = '$($crumbFake.Url)'; `$env:JENKINS_USER_ID = 'releaser'; `$env:JENKINS_API_TOKEN = 'Sup3rSecretTok3n'
try { Invoke-JenkinsJob -Job cortico/e2e -Verbose -Debug -ErrorAction Stop } catch { `$_.FullyQualifiedErrorId; "`$_"; `$_.ErrorDetails.RecommendedAction; `$_.Exception | Format-List * -Force | Out-String }
`$secure = ConvertTo-SecureString 'An0therSecret' -AsPlainText -Force
try { Invoke-JenkinsJob -Job cortico/e2e -Credential ([pscredential]::new('releaser', `$secure)) -Verbose -ErrorAction Stop } catch { `$_.FullyQualifiedErrorId; "`$_" }
"@
        $r = Invoke-FreshPwsh -Script "`$ErrorActionPreference = 'Continue'; `$DebugPreference = 'Continue'`n& {`n$script`n} *>&1"
        $text = $r.Output -join "`n"
        @($r.Output | Where-Object { $_ -eq 'JenkinsAuthFailed,ReleaseOps.Commands.InvokeJenkinsJobCommand' }).Count | Should -Be 2
        $text | Should -Match 'refused the user releaser and its API token \(401\)'
        $text | Should -Match 'JENKINS_API_TOKEN'
        $text | Should -Not -Match 'Sup3rSecretTok3n'
        $text | Should -Not -Match 'An0therSecret'
        $basic = [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes('releaser:Sup3rSecretTok3n'))
        $text | Should -Not -Match ([regex]::Escape($basic))
        Get-Content $crumbFake.LogPath -Raw | Should -Not -Match 'Sup3rSecretTok3n|An0therSecret'
    }
}
