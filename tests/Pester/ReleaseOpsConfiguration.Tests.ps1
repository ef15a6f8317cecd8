# Get-ReleaseOpsConfiguration and Set-ReleaseOpsConfiguration: settings stored per user (XDG_CONFIG_HOME here, a
# folder of the test's own), precedence parameter > environment > file > default, and the file is private.
BeforeAll {
    Import-Module $env:RELEASEOPS_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:config = Join-Path $TestDrive 'xdg'
    function Invoke-WithConfig([string] $Script, [string] $Env = '') {
        $file = Join-Path $TestDrive ([guid]::NewGuid().ToString('N') + '.ps1')
        Set-Content $file "Import-Module '$($env:RELEASEOPS_MODULE)'`n`$ErrorActionPreference = 'Stop'`n$Script"
        @(bash -c "env -u RELEASEOPS_OWN_DOMAINS -u RELEASEOPS_MIGRATIONS $Env XDG_CONFIG_HOME='$config' '$(Get-TestPwsh)' -NoProfile -NonInteractive -File '$file' 2>&1")
    }
}

Describe 'ReleaseOps configuration' {
    It 'starts from the defaults' {
        $out = Invoke-WithConfig "Get-ReleaseOpsConfiguration | ForEach-Object { `$_.Name + '=' + `$_.Source }"
        $out | Should -Contain 'OwnDomains=Default'
        $out | Should -Contain 'MigrationsFolder=Default'
        $out | Should -HaveCount 6
    }

    It 'stores a value privately, which the cmdlets then use; the environment and a parameter win over it' {
        $out = Invoke-WithConfig @'
Set-ReleaseOpsConfiguration -Name OwnDomains -Value 'countable.ca,example.org'
(Get-ReleaseOpsConfiguration -Name OwnDomains).Source
(Resolve-DirectHostName app.example.org).DirectHostName
(Resolve-DirectHostName app.example.org -OwnDomain example.net).DirectHostName
'@
        $out | Should -Be @('File', 'app-direct.example.org', 'direct.app.example.org')
        (Get-Item (Join-Path $config 'releaseops/settings.json')).UnixFileMode | Should -Be ([System.IO.UnixFileMode] 'UserRead, UserWrite')
        (Get-Item (Join-Path $config 'releaseops')).UnixFileMode | Should -Be ([System.IO.UnixFileMode] 'UserRead, UserWrite, UserExecute')
        $env = Invoke-WithConfig "(Get-ReleaseOpsConfiguration -Name OwnDomains).Source; (Resolve-DirectHostName app.example.org).DirectHostName" "RELEASEOPS_OWN_DOMAINS=countable.ca"
        $env | Should -Be @('Environment', 'direct.app.example.org')
        Invoke-WithConfig "Set-ReleaseOpsConfiguration -Name OwnDomains -Reset; (Get-ReleaseOpsConfiguration -Name OwnDomains).Source" | Should -Be 'Default'
    }

    It 'refuses a name that is not a setting, and a value on two lines' {
        { Get-ReleaseOpsConfiguration -Name Bogus -ErrorAction Stop } | Should -Throw -ErrorId 'UnknownSetting,ReleaseOps.Commands.GetReleaseOpsConfigurationCommand'
        Invoke-WithConfig "try { Set-ReleaseOpsConfiguration -Name NameServers -Value ('a' + [char]10 + 'b') } catch { `$_.FullyQualifiedErrorId }" |
            Should -Be 'InvalidSettingValue,ReleaseOps.Commands.SetReleaseOpsConfigurationCommand'
    }
}
