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

    It 'ships the engine compiled ahead of time for linux-x64 on .NET 10, from the very IL in deps' {
        $folder = Join-Path $moduleDir 'core/deps/readytorun/linux-x64-net10'
        $compiled = @(Get-ChildItem $folder -Filter *.dll)
        $compiled.Name | Sort-Object | Should -Be @('DnsClient.dll', 'Microsoft.Extensions.Logging.Abstractions.dll', 'Polly.Core.dll', 'ReleaseOps.Core.dll', 'Renci.SshNet.dll')
        function Read-Pe([string] $Path) {
            $stream = [System.IO.File]::OpenRead($Path)
            try {
                $pe = [System.Reflection.PortableExecutable.PEReader]::new($stream)
                $md = [System.Reflection.Metadata.PEReaderExtensions]::GetMetadataReader($pe)
                [pscustomobject]@{
                    Mvid = $md.GetGuid($md.GetModuleDefinition().Mvid)
                    # A ReadyToRun image carries a native header in its CLI header; an IL-only one does not.
                    Native = $pe.PEHeaders.CorHeader.ManagedNativeHeaderDirectory.Size -gt 0
                    Machine = $pe.PEHeaders.CoffHeader.Machine
                }
            }
            finally { $stream.Dispose() }
        }
        foreach ($file in $compiled) {
            $r2r = Read-Pe $file.FullName
            $il = Read-Pe (Join-Path $moduleDir "core/deps/$($file.Name)")
            $r2r.Mvid | Should -Be $il.Mvid -Because "$($file.Name) must be the same build as deps' copy"
            $r2r.Native | Should -BeTrue -Because "$($file.Name) must carry ReadyToRun code"
            $il.Native | Should -BeFalse
            # Linux x64 ReadyToRun images mark their machine as AMD64 xor 0x7B79 (the runtime's per-OS mark).
            [int]$r2r.Machine | Should -Be (0x8664 -bxor 0x7B79)
        }
        Test-Path (Join-Path $folder 'ReleaseOps.Core.pdb') | Should -BeTrue
    }

    It 'loads the compiled engine on linux-x64 .NET 10, and the IL from deps without it' {
        $sshd = Start-TestSshd
        $copy = Join-Path ([System.IO.Path]::GetTempPath()) ("ro-nor2r-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
        try {
            # A copy of the module without the compiled folder stands for every other runtime and platform.
            Copy-Item $moduleDir $copy -Recurse
            Remove-Item (Join-Path $copy 'core/deps/readytorun') -Recurse -Force
            foreach ($case in @(@{ Dir = $moduleDir; Expect = 'core/deps/readytorun/linux-x64-net10' }, @{ Dir = $copy; Expect = 'core/deps' })) {
                $r = Invoke-FreshPwsh -Script @"
Import-Module '$($case.Dir)/ReleaseOps.psd1' -ErrorAction Stop
`$r = Invoke-NodeCommand -HostName 127.0.0.1 -Port $($sshd.Port) -User '$($sshd.User)' -IdentityFile '$($sshd.IdentityFile)' -KnownHostsFile '$($sshd.Directory)/known' -HostKeyPolicy AcceptNew -Command 'echo ran' -WarningAction SilentlyContinue
`$r.Output.Trim()
[Environment]::Version.Major
[System.Runtime.InteropServices.RuntimeInformation]::RuntimeIdentifier
[AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -in 'ReleaseOps.Core', 'Renci.SshNet' } | ForEach-Object { `$_.GetName().Name + '=' + `$_.Location }
"@
                $r.ExitCode | Should -Be 0 -Because ($r.Output -join "`n")
                $r.Output[0] | Should -Be 'ran'
                $expect = if ($r.Output[1] -eq '10' -and $r.Output[2] -like 'linux*-x64' -and $r.Output[2] -notlike '*musl*') { $case.Expect } else { 'core/deps' }
                $loaded = @($r.Output | Where-Object { $_ -match '^(ReleaseOps\.Core|Renci\.SshNet)=' })
                $loaded.Count | Should -Be 2
                foreach ($line in $loaded) {
                    $name, $path = $line -split '=', 2
                    $path | Should -Be (Join-Path $case.Dir "$expect/$name.dll")
                }
            }
        }
        finally {
            Stop-TestSshd $sshd
            Remove-Item $copy -Recurse -Force -ErrorAction SilentlyContinue
        }
    }

    It 'has about_ReleaseOps' {
        $text = Get-Help about_ReleaseOps | Out-String
        $text | Should -Match 'Start-Release|weekly release'
        $text | Should -Match 'Resolve-DirectHostName'
    }
}
