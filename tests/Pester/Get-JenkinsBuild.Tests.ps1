# Get-JenkinsBuild against the stateful Jenkins fake (fakes/JenkinsFake.ps1).
BeforeAll {
    Import-Module $env:RELEASEOPS_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:fake = Start-JenkinsFake -Result UNSTABLE -Sha 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb'
    $script:cred = [pscredential]::new('releaser', (ConvertTo-SecureString 'api-token-123' -AsPlainText -Force))
}

AfterAll { Stop-JenkinsFake $fake }

Describe 'Get-JenkinsBuild' {
    It 'reads a build by number, with its revision, and its log with -IncludeLog' {
        $b = Get-JenkinsBuild -Job cortico/e2e -Number 42 -JenkinsUrl $fake.Url -Credential $cred
        $b.Number | Should -Be 42
        $b.Result | Should -Be 'UNSTABLE'
        $b.State | Should -Be 'Completed'
        $b.Commit | Should -Be 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb'
        $b.Timestamp | Should -Be ([DateTimeOffset]::FromUnixTimeMilliseconds(1764230400000))
        $b.Log | Should -BeNullOrEmpty
        $withLog = Get-JenkinsBuild -Job cortico/e2e -Number 42 -IncludeLog -JenkinsUrl $fake.Url -Credential $cred
        $withLog.Log | Should -Be "Started by an SCM change`nFinished: UNSTABLE`n"
        # A read is not a failure: the result is data here, not an error.
        Get-JenkinsBuild -Job cortico/e2e -Number 42 -JenkinsUrl $fake.Url -Credential $cred -ErrorVariable e | Out-Null
        @($e).Count | Should -Be 0
    }

    It 'reads the last build by default, also from a piped queued build' {
        $queued = Invoke-JenkinsJob -Job cortico/e2e -Parameter @{ NODE = 'web2' } -NoWait -JenkinsUrl $fake.Url -Credential $cred
        $queued.Number | Should -BeNullOrEmpty
        # The fake starts the build when its queue item is polled; Invoke-JenkinsJob waits for it here.
        $done = Invoke-JenkinsJob -Job cortico/e2e -JenkinsUrl $fake.Url -Credential $cred -ErrorAction SilentlyContinue
        $last = $queued | Get-JenkinsBuild -JenkinsUrl $fake.Url -Credential $cred
        $last.Number | Should -Be $done.Number
        (Get-JenkinsBuild cortico/e2e -Last -JenkinsUrl $fake.Url -Credential $cred).Number | Should -Be $done.Number
        ($done | Get-JenkinsBuild -JenkinsUrl $fake.Url -Credential $cred).Number | Should -Be $done.Number
    }

    It 'reports a missing build, a missing job, wrong credentials, and an unreachable server by id' {
        { Get-JenkinsBuild -Job cortico/e2e -Number 9999 -JenkinsUrl $fake.Url -Credential $cred -ErrorAction Stop } |
            Should -Throw -ErrorId 'JenkinsBuildNotFound,ReleaseOps.Commands.GetJenkinsBuildCommand'
        { Get-JenkinsBuild -Job nope/e2e -JenkinsUrl $fake.Url -Credential $cred -ErrorAction Stop } |
            Should -Throw -ErrorId 'JenkinsBuildNotFound,ReleaseOps.Commands.GetJenkinsBuildCommand'
        $bad = [pscredential]::new('releaser', (ConvertTo-SecureString 'n0t-the-t0ken' -AsPlainText -Force))
        $err = $null; try { Get-JenkinsBuild -Job cortico/e2e -JenkinsUrl $fake.Url -Credential $bad -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Be 'JenkinsAuthFailed,ReleaseOps.Commands.GetJenkinsBuildCommand'
        "$err" | Should -Not -Match 'n0t-the-t0ken'
        { Get-JenkinsBuild -Job cortico/e2e -JenkinsUrl "http://127.0.0.1:$(Get-FreePort)/" -WarningAction SilentlyContinue -ErrorAction Stop } |
            Should -Throw -ErrorId 'JenkinsUnreachable,ReleaseOps.Commands.GetJenkinsBuildCommand'
    }
}
