BeforeAll {
    Import-Module $env:RELEASEOPS_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:sshd = Start-TestSshd
    $script:ec2 = Start-Ec2Fake
    $env:AWS_ACCESS_KEY_ID = 'AKIDEXAMPLE'
    $env:AWS_SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY'
}

AfterAll {
    Stop-TestSshd $sshd
    Stop-Ec2Fake $ec2
    Remove-Item Env:AWS_ACCESS_KEY_ID, Env:AWS_SECRET_ACCESS_KEY -ErrorAction SilentlyContinue
}

Describe 'Test-ReleaseOpsEnvironment' {
    It 'runs the git, SSH and EC2 paths against a real sshd and an EC2 fake' {
        $checks = Test-ReleaseOpsEnvironment -HostName 127.0.0.1 -Port $sshd.Port -User $sshd.User -IdentityFile $sshd.IdentityFile `
            -HostKeyFingerprint $sshd.HostKeyFingerprint -Ec2Endpoint $ec2.Uri -Ec2Region ca-central-1
        $checks | Should -HaveCount 3
        foreach ($c in $checks) { $c.Succeeded | Should -BeTrue -Because "$($c.Component): $($c.Detail)" }
        ($checks | Where-Object Component -EQ SSH).Detail | Should -Match 'ran a command: releaseops-probe'
        ($checks | Where-Object Component -EQ EC2).Detail | Should -Match 'answered 2 regions: ca-central-1, us-east-1'
        $log = Get-Content $ec2.LogPath | Where-Object { $_ } | ConvertFrom-Json
        $log[-1].Action | Should -Be 'DescribeRegions'
        $log[-1].Signed | Should -BeTrue
        $log[-1].Region | Should -Be 'ca-central-1'
        Get-Content $ec2.LogPath -Raw | Should -Not -Match ([regex]::Escape($env:AWS_SECRET_ACCESS_KEY))
    }

    It 'refuses a host key that does not match' {
        $wrong = 'SHA256:' + [Convert]::ToBase64String([byte[]]::new(32)).TrimEnd('=')
        $ssh = Test-ReleaseOpsEnvironment -HostName 127.0.0.1 -Port $sshd.Port -User $sshd.User -IdentityFile $sshd.IdentityFile -HostKeyFingerprint $wrong |
            Where-Object Component -EQ SSH
        $ssh.Succeeded | Should -BeFalse
        $ssh.Detail | Should -Match 'HostKeyMismatch|host key'
        $ssh.Detail | Should -Match ([regex]::Escape($sshd.HostKeyFingerprint))
    }

    It 'closes its progress with a Completed record' {
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddCommand('Import-Module').AddArgument($env:RELEASEOPS_MODULE).AddStatement().AddCommand('Test-ReleaseOpsEnvironment')
            $null = $ps.Invoke()
            $records = @($ps.Streams.Progress | Where-Object ActivityId -EQ 4100)
            $records.Count | Should -BeGreaterThan 1
            $records[-1].RecordType | Should -Be 'Completed'
        }
        finally { $ps.Dispose() }
    }

    It 'stops promptly on Ctrl+C, cancelling the engine' {
        $hang = Start-Ec2Fake -Hang
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddCommand('Import-Module').AddArgument($env:RELEASEOPS_MODULE).AddStatement().AddCommand('Test-ReleaseOpsEnvironment').AddParameter('Ec2Endpoint', $hang.Uri)
            $async = $ps.BeginInvoke()
            $deadline = [DateTime]::UtcNow.AddSeconds(30)
            while ([DateTime]::UtcNow -lt $deadline -and -not ($ps.Streams.Progress | Where-Object StatusDescription -Match 'EC2')) { Start-Sleep -Milliseconds 50 }
            Start-Sleep -Milliseconds 500
            $async.IsCompleted | Should -BeFalse -Because 'the fake never answers'
            $watch = [System.Diagnostics.Stopwatch]::StartNew()
            $ps.Stop()
            $watch.Stop()
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 10
            # Stop() returns only once the pipeline thread has unwound, which needs the engine's task to end: the
            # EC2 call was cancelled, not left to its 100-second timeout.
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
        }
        finally { $ps.Dispose(); Stop-Ec2Fake $hang }
    }
}

Describe 'Isolation from other modules'' copies of our dependencies' {
    It 'works after SSH.NET 2024.2.0, AWSSDK.Core 3.7 and LibGit2Sharp 0.29.0 are loaded' {
        $pkgs = $env:RELEASEOPS_NUGET_PACKAGES
        $r = Invoke-FreshPwsh -Script @"
`$ErrorActionPreference = 'Stop'
`$env:AWS_ACCESS_KEY_ID = 'AKIDEXAMPLE'; `$env:AWS_SECRET_ACCESS_KEY = 'secretsecretsecret'
# What Posh-SSH and AWS.Tools would have loaded first, in PowerShell's default context.
Add-Type -Path '$pkgs/ssh.net/2024.2.0/lib/net8.0/Renci.SshNet.dll'
Add-Type -Path '$pkgs/awssdk.core/3.7.402/lib/net8.0/AWSSDK.Core.dll'
Add-Type -Path '$pkgs/libgit2sharp/0.29.0/lib/net6.0/LibGit2Sharp.dll'
`$null = [Renci.SshNet.PasswordConnectionInfo]::new('127.0.0.1', 'u', 'p')
`$null = [Amazon.Runtime.BasicAWSCredentials]::new('a', 'b')
Import-Module '$($env:RELEASEOPS_MODULE)'
Test-ReleaseOpsEnvironment -SshHost 127.0.0.1 -SshPort $($sshd.Port) -SshUser '$($sshd.User)' -IdentityFile '$($sshd.IdentityFile)' -HostKeyFingerprint '$($sshd.HostKeyFingerprint)' -Ec2Endpoint '$($ec2.Uri)' |
    ForEach-Object { 'CHECK ' + (`$_ | Select-Object Component, Assembly, Version, LoadContext, Succeeded, Detail | ConvertTo-Json -Compress) }
[AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -in 'Renci.SshNet', 'AWSSDK.Core', 'LibGit2Sharp' } |
    ForEach-Object { 'LOADED ' + `$_.GetName().Name + ' ' + `$_.GetName().Version + ' ' + [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext(`$_).Name }
"@
        $r.ExitCode | Should -Be 0 -Because ($r.Output -join "`n")
        $checks = $r.Output | Where-Object { $_ -like 'CHECK *' } | ForEach-Object { $_.Substring(6) | ConvertFrom-Json }
        $checks | Should -HaveCount 3
        foreach ($c in $checks) {
            $c.Succeeded | Should -BeTrue -Because "$($c.Component): $($c.Detail)"
            $c.LoadContext | Should -Be 'ReleaseOps.Engine'
        }
        ($checks | Where-Object Component -EQ SSH).Version | Should -BeLike '2026.*'
        ($checks | Where-Object Component -EQ Git).Version | Should -BeLike '0.32.*'
        $loaded = $r.Output | Where-Object { $_ -like 'LOADED *' }
        $loaded | Should -Contain 'LOADED Renci.SshNet 2024.2.0.1 Default'
        $loaded | Where-Object { $_ -match '^LOADED Renci.SshNet 2026\.\S+ ReleaseOps.Engine$' } | Should -Not -BeNullOrEmpty
        $loaded | Where-Object { $_ -match '^LOADED AWSSDK.Core 3\.\S+ Default$' } | Should -Not -BeNullOrEmpty
        $loaded | Where-Object { $_ -match '^LOADED AWSSDK.Core 4\.\S+ ReleaseOps.Engine$' } | Should -Not -BeNullOrEmpty
        $loaded | Where-Object { $_ -match '^LOADED LibGit2Sharp 0\.29\.\S+ Default$' } | Should -Not -BeNullOrEmpty
        $loaded | Where-Object { $_ -match '^LOADED LibGit2Sharp 0\.32\.\S+ ReleaseOps.Engine$' } | Should -Not -BeNullOrEmpty
    }
}
