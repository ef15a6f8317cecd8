BeforeAll {
    Import-Module $env:RELEASEOPS_MODULE -Force
}

Describe 'Select-HostingProvider' {
    It 'applies the four rules in order' {
        (Select-HostingProvider -ClientProvidesServers -AwsOnlyService RDS).Provider | Should -Be 'Client'
        (Select-HostingProvider -AwsOnlyService Cognito).Provider | Should -Be 'Aws'
        $canada = Select-HostingProvider -DataResidency Canada
        $canada.Provider | Should -Be 'DigitalOcean'
        $canada.Region | Should -Be 'tor1'
        $canada.Rule | Should -Be 3
        $canada.Reason | Should -Match 'Canada'
        (Select-HostingProvider).Provider | Should -Be 'Scaleway'
    }

    It 'decides for every row of a CSV, reading yes/no text correctly' {
        $rows = @'
Project,ClientProvidesServers,AwsOnlyService,DataResidency
cortico,false,,Canada
kmc,no,Cognito;RDS,
hospital,yes,,Canada
blog,,,
'@ | ConvertFrom-Csv
        $decisions = $rows | Select-HostingProvider
        $decisions.Project | Should -Be @('cortico', 'kmc', 'hospital', 'blog')
        $decisions.Provider | Should -Be @('DigitalOcean', 'Aws', 'Client', 'Scaleway')
        $decisions.Rule | Should -Be @(3, 2, 1, 4)
        $decisions[1].AwsOnlyService | Should -Be @('Cognito', 'RDS')
    }

    It 'reads a CSV file with Import-Csv' {
        $csv = Join-Path $TestDrive 'projects.csv'
        [pscustomobject]@{ Project = 'cortico'; DataResidency = 'Canada'; ClientProvidesServers = 'False' } | Export-Csv $csv
        (Import-Csv $csv | Select-HostingProvider).Provider | Should -Be 'DigitalOcean'
    }

    It 'refuses a yes/no cell it cannot read, for that row only' {
        $rows = [pscustomobject]@{ Project = 'a'; ClientProvidesServers = 'maybe' }, [pscustomobject]@{ Project = 'b' }
        $decisions = $rows | Select-HostingProvider -ErrorVariable errs -ErrorAction SilentlyContinue
        $decisions.Project | Should -Be 'b'
        $errs | Should -HaveCount 1
        "$errs" | Should -Match 'maybe'
    }

    It 'makes a contradiction an error with a stable id, unless AWS Canada is allowed' {
        { Select-HostingProvider -Project kmc -AwsOnlyService Cognito -DataResidency Canada -ErrorAction Stop } |
            Should -Throw -ErrorId 'ConflictingHostingRequirements,ReleaseOps.Commands.SelectHostingProviderCommand'
        $d = Select-HostingProvider -Project kmc -AwsOnlyService Cognito -DataResidency Canada -AllowAwsCanada
        $d.Provider | Should -Be 'Aws'
        $d.Region | Should -Be 'ca-central-1'
    }

    It 'rejects an unknown residency' {
        { Select-HostingProvider -DataResidency Mars -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidDataResidency,ReleaseOps.Commands.SelectHostingProviderCommand'
    }

    It 'completes -DataResidency' {
        $line = 'Select-HostingProvider -DataResidency Ca'
        $r = TabExpansion2 -inputScript $line -cursorColumn $line.Length
        $r.CompletionMatches.CompletionText | Should -Contain 'Canada'
    }
}
