BeforeAll {
    Import-Module $env:RELEASEOPS_MODULE -Force
    function New-Repo([string] $Name, [string] $Settings) {
        $dir = Join-Path $TestDrive $Name
        $null = New-Item -ItemType Directory -Path "$dir/.git", "$dir/src/app" -Force
        if ($Settings) { Set-Content -Path "$dir/releaseops.psd1" -Value $Settings }
        $dir
    }
}

Describe 'Get-ReleaseOpsProject' {
    It 'reads the settings with defaults filled in' {
        $repo = New-Repo 'cortico' @"
@{
    Slug = 'cortico'
    ReleaseBranch = 'main'
    StagingNodes = 'staging.cortico.ca'
    ProductionNodes = @('a.cortico.ca', 'b.cortico.ca')
    Provider = 'DigitalOcean'
    DnsZone = 'cortico.ca'
    EndToEndTestCommand = 'npm run e2e'
    JenkinsJob = 'cortico/e2e'
}
"@
        $p = Get-ReleaseOpsProject -Path $repo
        $p | Should -BeOfType ([ReleaseOps.ReleaseOpsProject])
        $p.Slug | Should -Be 'cortico'
        $p.DevelopBranch | Should -Be 'develop'
        $p.ReleaseBranch | Should -Be 'main'
        $p.StagingNodes | Should -Be @('staging.cortico.ca')
        $p.ProductionNodes | Should -Be @('a.cortico.ca', 'b.cortico.ca')
        $p.Provider | Should -Be 'DigitalOcean'
        $p.RepositoryPath | Should -Be $repo
        $p.Project | Should -Be 'cortico'
    }

    It 'finds the file from a folder inside the repository, and from the current folder' {
        $repo = New-Repo 'inner' "@{ Slug = 'inner' }"
        (Get-ReleaseOpsProject "$repo/src/app").Slug | Should -Be 'inner'
        Push-Location "$repo/src"
        try { (Get-ReleaseOpsProject).Slug | Should -Be 'inner' } finally { Pop-Location }
    }

    It 'takes folders from the pipeline' {
        $a = New-Repo 'pa' "@{ Slug = 'pa' }"
        $b = New-Repo 'pb' "@{ Slug = 'pb' }"
        (Get-Item $a, $b | Get-ReleaseOpsProject).Slug | Should -Be @('pa', 'pb')
    }

    It 'names the file, line, key and fix for a typo' {
        $repo = New-Repo 'typo' "@{`n    Slug = 'typo'`n    StagingNode = 'x.example.com'`n}"
        { Get-ReleaseOpsProject $repo -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidProjectSettings,ReleaseOps.Commands.GetReleaseOpsProjectCommand'
        $null = Get-ReleaseOpsProject $repo -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].Exception.Message | Should -BeLike "*releaseops.psd1:3: StagingNode*"
        $errs[0].ErrorDetails.RecommendedAction | Should -Match "Did you mean 'StagingNodes'"
        $errs[0].CategoryInfo.Category | Should -Be 'InvalidData'
    }

    It 'never runs code in the file' {
        $marker = Join-Path $TestDrive 'ran.txt'
        $repo = New-Repo 'evil' "@{ Slug = 'evil'; Name = `$(Set-Content '$marker' 'x'; 'n') }"
        { Get-ReleaseOpsProject $repo -ErrorAction Stop } | Should -Throw -ErrorId 'DataFileNotConstant,ReleaseOps.Commands.GetReleaseOpsProjectCommand'
        Test-Path $marker | Should -BeFalse
    }

    It 'reports syntax errors with the line' {
        $repo = New-Repo 'syntax' "@{`n Slug = 'x'`n Name = 'unclosed`n"
        $null = Get-ReleaseOpsProject $repo -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -Be 'DataFileParseError,ReleaseOps.Commands.GetReleaseOpsProjectCommand'
        $errs[0].Exception.Message | Should -Match 'releaseops.psd1:\d+:'
    }

    It 'says where it looked when there is no settings file' {
        $repo = New-Repo 'none' $null
        { Get-ReleaseOpsProject $repo -ErrorAction Stop } | Should -Throw -ErrorId 'ProjectSettingsNotFound,ReleaseOps.Commands.GetReleaseOpsProjectCommand'
        { Get-ReleaseOpsProject (Join-Path $TestDrive 'missing') -ErrorAction Stop } | Should -Throw -ErrorId 'ProjectPathNotFound,ReleaseOps.Commands.GetReleaseOpsProjectCommand'
    }

    It 'prints a table by default' {
        $repo = New-Repo 'table' "@{ Slug = 'table'; StagingNodes = 's.example.com' }"
        Get-ReleaseOpsProject $repo | Out-String | Should -Match 'table\s+develop -> master\s+s.example.com'
    }
}
