# Initialize-Node -TestJob: after the bootstrap, the node's Jenkins job runs (against the stateful Jenkins fake).
BeforeAll {
    Import-Module $env:RELEASEOPS_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'SshFixtures.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:ctx = New-SshTestContext -Directory (Join-Path $TestDrive 'ssh')
    $global:PSDefaultParameterValues = $ctx.Defaults.Clone()
    $key = Join-Path $TestDrive 'alice'
    & ssh-keygen -q -t ed25519 -N '' -C 'alice@laptop' -f $key | Out-Null
    $script:team = @{ Name = 'Alice Smith'; Login = 'alice'; PublicKey = (Get-Content "$key.pub") }
    $script:fake = Start-JenkinsFake -CrumbRequired
    $script:cred = [pscredential]::new('releaser', (ConvertTo-SecureString 'api-token-123' -AsPlainText -Force))
    $script:node = New-TestNode -Client tested
}

AfterAll {
    Stop-JenkinsFake $fake
    Get-ProjectNode -Provider Sandbox | Remove-ProjectNode -Force -KnownHostsFile $ctx.KnownHostsFile
    $global:PSDefaultParameterValues = @{}
}

Describe 'Initialize-Node -TestJob' {
    It 'runs the job with the node''s name after the bootstrap, and passes the node on when it succeeds' {
        $before = (Get-JenkinsFakeRequest $fake).Count
        $out = $node | Initialize-Node -Team $team -TestJob cortico/e2e -JenkinsUrl $fake.Url -JenkinsCredential $cred -PassThru -InformationVariable info -Verbose 4>$null
        $out | Should -BeOfType ReleaseOps.ProjectNode
        $post = @(Get-JenkinsFakeRequest $fake | Select-Object -Skip $before | Where-Object Method -EQ POST)
        $post.Count | Should -Be 1
        $post[0].Path | Should -Be '/job/cortico/job/e2e/buildWithParameters'
        $post[0].Form.NODE | Should -Be $node.Name
        $post[0].Form.NODE_HOST | Should -Be $node.HostName
        @($info.MessageData) | Should -Contain "[$($node.Name)] Parameter NODE=$($node.Name)"
        @($info.MessageData)[-1] | Should -Be "[$($node.Name)] Finished: SUCCESS"
    }

    It 'reports the test job as the last step: Passed, or Failed with NodeStepFailed and the build''s URL' {
        $steps = $node | Initialize-Node -Team $team -TestJob cortico/e2e -JenkinsUrl $fake.Url -JenkinsCredential $cred
        $steps[-1].Step | Should -Be 'Jenkins job cortico/e2e'
        $steps[-1].Status | Should -Be 'Passed'
        # A job that Jenkins does not have fails the step, not the bootstrap.
        $steps = $node | Initialize-Node -Team $team -TestJob cortico/missing -JenkinsUrl $fake.Url -JenkinsCredential $cred -ErrorVariable failed -ErrorAction SilentlyContinue
        $steps[-1].Status | Should -Be 'Failed'
        $steps[-1].Detail | Should -Match '^JenkinsJobNotFound: '
        @($failed).Count | Should -Be 1
        $failed[0].FullyQualifiedErrorId | Should -Be 'NodeStepFailed,ReleaseOps.Commands.InitializeNodeCommand'
        $steps[0..($steps.Count - 2)].Status | Should -Not -Contain 'Failed'
    }

    It 'keeps a node whose test build failed out of the pipeline' {
        $failing = Start-JenkinsFake -Result FAILURE
        try {
            $out = $node | Initialize-Node -Team $team -TestJob cortico/e2e -JenkinsUrl $failing.Url -JenkinsCredential $cred -PassThru -ErrorVariable failed -ErrorAction SilentlyContinue
            # -PassThru writes the failed step (and its error) instead of the node.
            @($out | Where-Object { $_ -is [ReleaseOps.ProjectNode] }) | Should -BeNullOrEmpty
            @($out).Step | Should -Be 'Jenkins job cortico/e2e'
            @($failed).Count | Should -Be 1
            "$($failed[0])" | Should -Match "Jenkins job cortico/e2e failed: #\d+ FAILURE with NODE=$([regex]::Escape($node.Name)): $([regex]::Escape($failing.Url))job/cortico/job/e2e/\d+/"
        }
        finally { Stop-JenkinsFake $failing }
    }

    It 'runs nothing under -WhatIf, and fails before any node without a Jenkins URL' {
        $before = (Get-JenkinsFakeRequest $fake).Count
        $steps = $node | Initialize-Node -Team $team -TestJob cortico/e2e -JenkinsUrl $fake.Url -JenkinsCredential $cred -WhatIf
        $steps[-1].Status | Should -Be 'Skipped'
        $steps[-1].Detail | Should -Be "-WhatIf: would run cortico/e2e with NODE=$($node.Name)"
        (Get-JenkinsFakeRequest $fake).Count | Should -Be $before
        $saved = $env:JENKINS_URL
        try {
            Remove-Item Env:JENKINS_URL -ErrorAction SilentlyContinue
            { $node | Initialize-Node -Team $team -TestJob cortico/e2e } | Should -Throw -ErrorId 'JenkinsUrlMissing,ReleaseOps.Commands.InitializeNodeCommand'
        }
        finally { if ($saved) { $env:JENKINS_URL = $saved } }
    }
}
