# Conventions that fail the build: verbs, output types, ShouldProcess, help, examples, the manifest, loading.
BeforeDiscovery {
    Import-Module $env:RELEASEOPS_MODULE -Force
    $script:cmdlets = @(Get-Command -Module ReleaseOps -CommandType Cmdlet | ForEach-Object { @{ Name = $_.Name } })
}

BeforeAll {
    Import-Module $env:RELEASEOPS_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:moduleDir = Split-Path $env:RELEASEOPS_MODULE
    # Verbs that only read or compute; every other verb changes state and must support -WhatIf/-Confirm.
    $script:readOnlyVerbs = 'Get', 'Test', 'Resolve', 'Select', 'Find', 'Search', 'Measure', 'Compare', 'Show', 'Read', 'Format', 'Wait', 'Watch', 'Trace', 'ConvertTo', 'ConvertFrom'
}

Describe 'The manifest' {
    It 'passes Test-ModuleManifest' {
        $m = Test-ModuleManifest -Path $env:RELEASEOPS_MODULE -ErrorAction Stop
        $m.Version | Should -Not -BeNullOrEmpty
    }

    It 'exports exactly the cmdlets that the assembly defines' {
        $assembly = [System.Reflection.Assembly]::LoadFile((Join-Path $moduleDir 'core/ReleaseOps.dll'))
        $defined = $assembly.GetExportedTypes() |
            ForEach-Object { $_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false) } |
            ForEach-Object { "$($_.VerbName)-$($_.NounName)" } | Sort-Object
        $declared = (Import-PowerShellDataFile $env:RELEASEOPS_MODULE).CmdletsToExport | Sort-Object
        $declared | Should -Be $defined
        (Get-Command -Module ReleaseOps -CommandType Cmdlet).Name | Sort-Object | Should -Be $defined
        # The old plural name is exported as the alias the manifest declares.
        (Get-Command -Module ReleaseOps -CommandType Alias).Name | Should -Be @((Import-PowerShellDataFile $env:RELEASEOPS_MODULE).AliasesToExport)
    }

    It 'lays out both builds' {
        Test-Path (Join-Path $moduleDir 'core/ReleaseOps.dll') | Should -BeTrue
        Test-Path (Join-Path $moduleDir 'desktop/ReleaseOps.dll') | Should -BeTrue
        Test-Path (Join-Path $moduleDir 'core/deps/ReleaseOps.Core.dll') | Should -BeTrue
        Test-Path (Join-Path $moduleDir 'core/System.Management.Automation.dll') | Should -BeFalse
        Test-Path (Join-Path $moduleDir 'core/deps/System.Management.Automation.dll') | Should -BeFalse
    }
}

Describe '<Name> follows the conventions' -ForEach $cmdlets {
    BeforeAll {
        $command = Get-Command $Name
        $help = Get-Help $Name -Full
    }

    It 'uses an approved verb' {
        (Get-Verb).Verb | Should -Contain $command.Verb
    }

    It 'declares OutputType' {
        $command.OutputType | Should -Not -BeNullOrEmpty
    }

    It 'supports ShouldProcess when its verb changes state' {
        if ($command.Verb -notin $readOnlyVerbs) {
            $command.Parameters.Keys | Should -Contain 'WhatIf'
            $command.Parameters.Keys | Should -Contain 'Confirm'
        }
        else {
            $command.Verb | Should -BeIn $readOnlyVerbs
        }
    }

    It 'has a synopsis and a description' {
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -Match "^\s*$Name\s"
        ($help.Description.Text -join '') | Should -Not -BeNullOrEmpty
    }

    It 'has at least one example with code and remarks' {
        @($help.Examples.Example).Count | Should -BeGreaterOrEqual 1
        foreach ($e in $help.Examples.Example) {
            $e.Code | Should -Not -BeNullOrEmpty
            ($e.Remarks.Text -join '') | Should -Not -BeNullOrEmpty
        }
    }

    It 'describes every parameter' {
        $common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
        foreach ($p in $command.Parameters.Keys | Where-Object { $_ -notin $common }) {
            $ph = $help.Parameters.Parameter | Where-Object Name -EQ $p
            ($ph.Description.Text -join '') | Should -Not -BeNullOrEmpty -Because "-$p needs help"
        }
    }
}

Describe 'Help examples really run' {
    BeforeAll {
        # Examples that need infrastructure outside this test; their code paths are tested in their own files.
        # Invoke-JenkinsJob 2 and 3 and Get-JenkinsBuild 1 talk to a real Jenkins server (their example 1 and 2 run
        # here with -WhatIf and against a closed port); Invoke-JenkinsJob.Tests.ps1 runs the same calls against the fake.
        $script:needsInfrastructure = @{ 'Test-ReleaseOpsEnvironment' = @(2); 'Invoke-JenkinsJob' = @(2, 3); 'Get-JenkinsBuild' = @(1) }
        # Cloud examples run against the wire-level fakes of the provider APIs, through the same variables an admin sets.
        $script:cloud = Start-FakeCloud
        foreach ($zone in 'countable.ca') {
            Invoke-RestMethod -Method Post "$($cloud.BaseUrl)_fake/digitalocean/domains/$zone" | Out-Null
            Invoke-RestMethod -Method Post "$($cloud.BaseUrl)_fake/cloudflare/zones/$zone" | Out-Null
        }
        Set-FakeCloudEnvironment -Fake $cloud
    }
    AfterAll {
        Clear-FakeCloudEnvironment
        Stop-FakeCloud -Fake $cloud
    }

    It 'runs every example of <Name> in a fresh pwsh, without errors' -ForEach $cmdlets {
        $i = 0
        foreach ($e in (Get-Help $Name -Examples).Examples.Example) {
            $i++
            if ($needsInfrastructure[$Name] -contains $i) { continue }
            # Each example gets a home of its own (with a key in ~/.ssh), so nothing reads or writes the real ~/.ssh.
            $home_ = Join-Path $TestDrive "$Name-$i"
            $null = New-Item -ItemType Directory -Path "$home_/.ssh", "$home_/work"
            & ssh-keygen -q -t ed25519 -N '' -f "$home_/.ssh/id_ed25519" | Out-Null
            $script = "Set-Location '$home_/work'; Import-Module '$($env:RELEASEOPS_MODULE)'; `$ErrorActionPreference = 'Stop'`n" + $e.Code
            $saved = $env:HOME
            try {
                $env:HOME = $home_
                $r = Invoke-FreshPwsh -Script $script -WorkingDirectory "$home_/work"
            }
            finally { $env:HOME = $saved }
            $r.ExitCode | Should -Be 0 -Because "example $i of $Name reported: $($r.Output -join "`n")"
            ($r.Output -join '') | Should -Not -BeNullOrEmpty -Because "example $i of $Name should produce output"
            ($r.Output -join "`n") | Should -Not -Match 'Exception|Error:' -Because "example $i of $Name printed: $($r.Output -join "`n")"
        }
    }
}

Describe 'Loading' {
    It 'imports from any folder in a fresh pwsh' {
        $r = Invoke-FreshPwsh -WorkingDirectory ([System.IO.Path]::GetTempPath()) -Script @"
`$m = Import-Module '$($env:RELEASEOPS_MODULE)' -PassThru -ErrorAction Stop
(Get-Command -Module ReleaseOps -CommandType Cmdlet).Count
`$m.Version.ToString()
"@
        $r.ExitCode | Should -Be 0
        [int]$r.Output[0] | Should -Be (Import-PowerShellDataFile $env:RELEASEOPS_MODULE).CmdletsToExport.Count
    }

    It 'loads libgit2 from the module folder' {
        $r = Invoke-FreshPwsh -Script @"
Import-Module '$($env:RELEASEOPS_MODULE)' -ErrorAction Stop
`$git = Test-ReleaseOpsEnvironment | Where-Object Component -EQ Git
`$git.Succeeded
(Get-Content /proc/self/maps | Where-Object { `$_ -cmatch 'libgit2-[0-9a-f]+\.(so|dylib|dll)' } | ForEach-Object { (`$_ -split '\s+')[-1] } | Select-Object -Unique)
"@
        $r.ExitCode | Should -Be 0
        $r.Output[0] | Should -Be 'True'
        $libs = @($r.Output | Select-Object -Skip 1)
        $libs | Should -Not -BeNullOrEmpty
        foreach ($lib in $libs) { $lib | Should -BeLike "$moduleDir/core/deps/runtimes/*/native/libgit2*" }
    }

    It 'has about_ReleaseOps' {
        $text = Get-Help about_ReleaseOps | Out-String
        $text | Should -Match 'Start-Release|weekly release'
        $text | Should -Match 'Resolve-DirectHostName'
    }
}
