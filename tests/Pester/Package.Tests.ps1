# The installable package: build.ps1 Package's tools/New-ModulePackage.ps1 writes ReleaseOps.<version>.nupkg;
# Install-PSResource and Install-Module install it from a folder repository into a user's module path (a temporary
# HOME here); a fresh session then imports it by name, and its commands load on first use.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:moduleDir = Split-Path $env:RELEASEOPS_MODULE
    $script:version = (Import-PowerShellDataFile $env:RELEASEOPS_MODULE).ModuleVersion
    $script:repo = Join-Path $TestDrive 'repository'
    & (Get-TestPwsh) -NoProfile -NonInteractive -File (Join-Path $PSScriptRoot '../../tools/New-ModulePackage.ps1') -ModulePath $moduleDir -OutputDirectory $repo | Out-Null
    # Runs a script in a fresh pwsh whose HOME is a folder of its own: its user module path, its repositories.
    function Invoke-AsNewUser([string] $HomeDir, [string] $Script) {
        $null = New-Item -ItemType Directory -Path $HomeDir -Force
        $file = Join-Path $TestDrive ([guid]::NewGuid().ToString('N') + '.ps1')
        Set-Content $file $Script
        $out = bash -c "HOME='$HomeDir' XDG_DATA_HOME='' XDG_CONFIG_HOME='' XDG_CACHE_HOME='' PSModulePath='' '$(Get-TestPwsh)' -NoProfile -NonInteractive -File '$file' 2>&1"
        [pscustomobject]@{ Output = @($out); ExitCode = $LASTEXITCODE }
    }
}

Describe 'The package' {
    It 'is ReleaseOps.<version>.nupkg, with the manifest and the help inside' {
        $nupkg = Join-Path $repo "ReleaseOps.$version.nupkg"
        Test-Path $nupkg | Should -BeTrue
        Add-Type -AssemblyName System.IO.Compression.FileSystem
        $zip = [System.IO.Compression.ZipFile]::OpenRead($nupkg)
        try { $names = $zip.Entries.FullName } finally { $zip.Dispose() }
        $names | Should -Contain 'ReleaseOps.psd1'
        $names | Should -Contain 'en-US/about_ReleaseOps.help.txt'
        $names | Should -Contain 'core/ReleaseOps.dll'
    }

    It 'installs with Install-PSResource, imports by name in a fresh session, and its commands auto-load' {
        $home1 = Join-Path $TestDrive 'home-psresource'
        $r = Invoke-AsNewUser $home1 @"
`$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name local -Uri '$repo' -Trusted
Install-PSResource -Name ReleaseOps -Repository local -Scope CurrentUser -TrustRepository -Quiet
"@
        $r.ExitCode | Should -Be 0 -Because ($r.Output -join "`n")
        # A new session: nothing imported by hand; the first command loads the module by name.
        $r = Invoke-AsNewUser $home1 @"
`$ErrorActionPreference = 'Stop'
(Resolve-DirectHostName kmc.countable.ca).DirectHostName
(Get-Module ReleaseOps).ModuleBase
Remove-Module ReleaseOps; Import-Module ReleaseOps; (Get-Command -Module ReleaseOps -CommandType Cmdlet).Count
"@
        $r.ExitCode | Should -Be 0 -Because ($r.Output -join "`n")
        $r.Output[0] | Should -Be 'kmc-direct.countable.ca'
        $r.Output[1] | Should -BeLike "$home1/*/ReleaseOps/$version"
        [int] $r.Output[2] | Should -Be ((Import-PowerShellDataFile $env:RELEASEOPS_MODULE).CmdletsToExport.Count)
    }

    It 'installs with Install-Module (PowerShellGet) from the same folder repository' {
        $home2 = Join-Path $TestDrive 'home-powershellget'
        $r = Invoke-AsNewUser $home2 @"
`$ErrorActionPreference = 'Stop'
Register-PSRepository -Name local -SourceLocation '$repo' -InstallationPolicy Trusted
Install-Module -Name ReleaseOps -Repository local -Scope CurrentUser -Force -WarningAction SilentlyContinue
"@
        $r.ExitCode | Should -Be 0 -Because ($r.Output -join "`n")
        $r = Invoke-AsNewUser $home2 "Import-Module ReleaseOps -ErrorAction Stop; (Get-Module ReleaseOps).ModuleBase; (Select-HostingProvider -Project kmc -DataResidency Canada).Provider"
        $r.Output[0] | Should -BeLike "$home2/*/ReleaseOps/$version"
        $r.Output[1] | Should -Be 'DigitalOcean'
    }

    It 'stands alone: nothing in it points at the team''s shared folder' {
        $hits = Get-ChildItem $moduleDir -Recurse -File -Include *.psd1, *.psm1, *.txt, *.xml, *.ps1xml | Select-String -Pattern '\.\./shared|PROCESS\.md' -CaseSensitive
        $hits | Should -BeNullOrEmpty
    }
}
