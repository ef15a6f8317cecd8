# Export-ReleaseReport, rendered by Debian's chromium (headless): the charts are drawn (coloured pixels inside each
# chart's box in a screenshot), and the figures in the rendered DOM are Get-ReleaseMetrics' figures. The fleet is two
# generated repositories: cortico with the sample history, deploy records and a migration; kmc with one release and
# nothing else, whose empty charts are the control (no coloured pixel in them).
BeforeAll {
    Import-Module $env:RELEASEOPS_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot '../../samples/ReleaseHistory.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'BrowserFixtures.psm1') -Force
    $range = @{ Since = [DateTime]::Parse('2026-10-05T00:00:00Z').ToUniversalTime(); Until = [DateTime]::Parse('2026-10-26T00:00:00Z').ToUniversalTime() }
    $cortico = New-ReleaseHistory -Path (Join-Path $TestDrive 'fleet/cortico') -Start '2026-10-05T08:00:00Z' -Events (Get-SampleHistory)
    $null = New-ReleaseHistory -Path (Join-Path $TestDrive 'fleet/kmc') -Start '2026-10-05T08:00:00Z' -Events @(
        @{ At = '2026-10-06T10:00:00Z'; Feature = 'api'; Commits = @('2026-10-06T09:00:00Z') }
        @{ At = '2026-10-06T11:00:00Z'; Release = 'v1.0.0' })
    $t = $cortico.Tags
    $deploys = @(
        [ReleaseOps.DeploymentInfo]@{ HostName = 'cortico.ca'; Status = 'Deployed'; Ref = 'v2026.41.0'; Commit = $t['v2026.41.0']; StartTime = '2026-10-08T16:10:00Z' }
        [ReleaseOps.DeploymentInfo]@{ HostName = 'cortico.ca'; Status = 'RolledBack'; RolledBack = $true; Ref = 'v2026.42.0'; Commit = $t['v2026.42.0']; StartTime = '2026-10-15T15:10:00Z' }
        [ReleaseOps.DeploymentInfo]@{ HostName = 'cortico.ca'; Status = 'Deployed'; Ref = 'v2026.42.0'; Commit = $t['v2026.42.0']; StartTime = '2026-10-15T17:00:00Z' }
        [ReleaseOps.DeploymentInfo]@{ HostName = 'cortico.ca'; Status = 'Deployed'; Ref = 'v2026.42.1'; Commit = $t['v2026.42.1']; StartTime = '2026-10-16T12:10:00Z' }
        [ReleaseOps.DeploymentInfo]@{ HostName = 'cortico.ca'; Status = 'Deployed'; Ref = 'v2026.43.0'; Commit = $t['v2026.43.0']; StartTime = '2026-10-22T10:10:00Z' }
    )
    $migrations = @([ReleaseOps.MigrationInfo]@{ Id = 'cortico-20261021-100000'; Project = 'cortico'; Source = 'old.cortico.ca'; Target = 'cortico.ca'; Status = 'Completed'; FreezeStarted = '2026-10-21T10:00:00Z'; ServingAt = '2026-10-21T10:04:00Z' })
    $script:metrics = Get-ChildItem (Join-Path $TestDrive 'fleet') -Directory | Get-ReleaseMetrics @range -Deployment $deploys -Migration $migrations
    $script:page = Join-Path $TestDrive 'report/fleet.html'
    $script:info = $metrics | Export-ReleaseReport -Path $page -Title 'Countable: delivery'
    $script:browserProfile = Join-Path $TestDrive 'chromium'
    $null = New-Item -ItemType Directory -Path $browserProfile
}

Describe 'Export-ReleaseReport' {
    It 'writes one self-contained page: no script, nothing to fetch, light and dark, and a print style' {
        $info.Status | Should -Be 'Written'
        $info.Projects | Should -Be @('cortico', 'kmc')
        $info.Charts | Should -HaveCount 10
        $info.Length | Should -Be (Get-Item $page).Length
        $html = Get-Content $page -Raw
        $html | Should -Not -Match '<script|<link|<img|<iframe|\ssrc=|\shref=|url\(|@import'
        $html | Should -Match '@media \(prefers-color-scheme: dark\)'
        $html | Should -Match '@media print'
        $html | Should -Match '<title>Countable: delivery</title>'
        if (-not $IsWindows) { [int] (Get-Item $page).UnixFileMode | Should -Be 384 -Because 'the file is private (0600)' }
    }

    It 'shows every figure of Get-ReleaseMetrics in the rendered DOM (chromium --dump-dom), a row per project' {
        $dom = Get-RenderedDom -Page $page -Profile $browserProfile
        foreach ($m in $metrics) {
            $row = [regex]::Match($dom, "<tr data-project=""$($m.Project)"">(.*?)</tr>", 'Singleline').Groups[1].Value
            $row | Should -Not -BeNullOrEmpty -Because "$($m.Project) has a row"
            $cells = @{}
            foreach ($c in [regex]::Matches($row, '<td class="figure" data-project="[^"]*" data-measure="(?<m>\w+)"(?: data-value="(?<v>[^"]*)")?(?: data-band="(?<b>[^"]*)")?>(?<t>[^<]*)')) {
                $cells[$c.Groups['m'].Value] = @{ Value = $c.Groups['v'].Value; Band = $c.Groups['b'].Value; Text = $c.Groups['t'].Value.Trim() }
            }
            $cells.Releases.Text | Should -Be "$($m.Releases)"
            $cells.Hotfixes.Text | Should -Be "$($m.Hotfixes)"
            $cells.Violations.Text | Should -Be "$($m.Violations)"
            [double] $cells.DeploymentsPerWeek.Value | Should -Be $m.DeploymentsPerWeek
            $cells.DeploymentsPerWeek.Band | Should -Be $m.DeploymentFrequencyBand
            [long] $cells.LeadTimeMedian.Value | Should -Be ([long] $m.LeadTimeMedian.TotalSeconds)
            $cells.LeadTimeMedian.Band | Should -Be $m.LeadTimeBand
            [long] $cells.LeadTimeP90.Value | Should -Be ([long] $m.LeadTimeP90.TotalSeconds)
            if ($null -eq $m.ChangeFailureRate) { $cells.ChangeFailureRate.Value | Should -Be '' } else { [double] $cells.ChangeFailureRate.Value | Should -Be $m.ChangeFailureRate }
            $cells.ChangeFailureRate.Band | Should -Be $m.ChangeFailureRateBand
            if ($null -eq $m.TimeToRestore) { $cells.TimeToRestore.Value | Should -Be '' } else { [long] $cells.TimeToRestore.Value | Should -Be ([long] $m.TimeToRestore.TotalSeconds) }
        }
        # The figures themselves, for the sample history (as Get-ReleaseMetrics.Tests.ps1 asserts them).
        $dom | Should -Match 'data-project="cortico" data-measure="LeadTimeMedian" data-value="259200" data-band="High">3d 0h'
        $dom | Should -Match 'data-project="cortico" data-measure="ChangeFailureRate" data-value="0.6667" data-band="Low">66.7%'
        ([regex]::Matches($dom, '<svg class="chart"')).Count | Should -Be 10
    }

    It 'draws each chart: coloured pixels inside each chart''s box of a screenshot, none in the empty charts' {
        $boxes = @(Get-ChartBox -Page $page -Profile $browserProfile)
        $boxes.Id | Should -Be $info.Charts
        $png = Get-Screenshot -Page $page -Profile $browserProfile -OutFile (Join-Path $TestDrive 'light.png')
        $background = $png.Pixel(2, 2)
        ($background[0..2] | Measure-Object -Sum).Sum | Should -BeGreaterThan 700 -Because 'the light page is white'
        foreach ($b in $boxes) {
            $b.Width | Should -BeGreaterThan 300
            $b.Top + $b.Height | Should -BeLessOrEqual $png.Height -Because "$($b.Id) is inside the screenshot"
            $differ, $coloured = $png.Count($b.Left, $b.Top, $b.Width, $b.Height, $background)
            $differ | Should -BeGreaterThan 200 -Because "$($b.Id) draws its axes or its empty state"
            if ($b.Id -in 'chart-kmc-1-violations', 'chart-kmc-1-migrations') {
                $coloured | Should -Be 0 -Because "$($b.Id) has nothing to draw"
            }
            else {
                $coloured | Should -BeGreaterThan 40 -Because "$($b.Id) draws its data"
            }
        }
    }

    It 'follows the dark colour scheme (prefers-color-scheme: dark)' {
        $png = Get-Screenshot -Page $page -Profile $browserProfile -OutFile (Join-Path $TestDrive 'dark.png') -Extra '--blink-settings=preferredColorScheme=0'
        $background = $png.Pixel(2, 2)
        ($background[0..2] | Measure-Object -Sum).Sum | Should -BeLessThan 100 -Because 'the dark page is dark'
        $box = Get-ChartBox -Page $page -Profile $browserProfile | Where-Object Id -EQ 'chart-cortico-0-weekly'
        $png.Count($box.Left, $box.Top, $box.Width, $box.Height, $background)[1] | Should -BeGreaterThan 40
    }

    It 'prints one project per page' {
        # Three projects: on screen-sized sections they would share two pages; the print style breaks before each
        # project after the first, so they take three (the summary shares the first page with the first project).
        $three = Join-Path $TestDrive 'three.html'
        $null = @($metrics) + @($metrics[0]) | Export-ReleaseReport -Path $three
        $pdf = Join-Path $TestDrive 'three.pdf'
        $null = Invoke-Chromium -Profile $browserProfile -Arguments @('--no-pdf-header-footer', "--print-to-pdf=$pdf", [Uri]::new($three).AbsoluteUri)
        $text = [System.Text.Encoding]::Latin1.GetString([System.IO.File]::ReadAllBytes($pdf))
        ([regex]::Matches($text, '/Type\s*/Page[^s]')).Count | Should -Be 3
        # Without the print style's page rules, the same page flows onto fewer pages.
        $unbroken = Join-Path $TestDrive 'unbroken.html'
        $html = (Get-Content $three -Raw) -replace 'section\.project \{ break-inside[^}]*\}', '' -replace 'section\.project \+ section\.project \{ break-before: page; \}', ''
        $html | Should -Not -Match 'break-before: page'
        Set-Content $unbroken $html -NoNewline
        $null = Invoke-Chromium -Profile $browserProfile -Arguments @('--no-pdf-header-footer', "--print-to-pdf=$pdf", [Uri]::new($unbroken).AbsoluteUri)
        $text = [System.Text.Encoding]::Latin1.GetString([System.IO.File]::ReadAllBytes($pdf))
        ([regex]::Matches($text, '/Type\s*/Page[^s]')).Count | Should -BeLessThan 3
    }

    It 'writes nothing with -WhatIf' {
        $other = Join-Path $TestDrive 'whatif.html'
        $r = $metrics | Export-ReleaseReport -Path $other -WhatIf
        $r.Status | Should -Be 'WouldWrite'
        Test-Path $other | Should -BeFalse
    }

    It 'replaces a link at the path instead of writing through it' {
        $target = Join-Path $TestDrive 'precious.txt'
        Set-Content $target 'keep me'
        $link = Join-Path $TestDrive 'link.html'
        $null = New-Item -ItemType SymbolicLink -Path $link -Target $target
        $null = $metrics | Export-ReleaseReport -Path $link
        Get-Content $target | Should -Be 'keep me'
        (Get-Item $link).LinkType | Should -BeNullOrEmpty
        Get-Content $link -Raw | Should -Match '<!DOCTYPE html>'
    }

    It 'fails with NoReleaseMetrics without Overall rows' {
        { Export-ReleaseReport -Path (Join-Path $TestDrive 'none.html') -ErrorAction Stop } | Should -Throw -ErrorId 'NoReleaseMetrics,ReleaseOps.Commands.ExportReleaseReportCommand'
        $weeks = Get-ReleaseMetrics -Path $cortico.Path @range -Period Week
        { $weeks | Export-ReleaseReport -Path (Join-Path $TestDrive 'weeks.html') -ErrorAction Stop } | Should -Throw -ErrorId 'NoReleaseMetrics,ReleaseOps.Commands.ExportReleaseReportCommand'
        Test-Path (Join-Path $TestDrive 'weeks.html') | Should -BeFalse
    }
}
