BeforeAll {
    Import-Module $env:RELEASEOPS_MODULE -Force
}

Describe 'Resolve-DirectHostName' {
    It 'maps <Name> to <Expected>' -ForEach @(
        @{ Name = 'cryptsend.io'; Expected = 'direct.cryptsend.io' }
        @{ Name = 'www.cryptsend.io'; Expected = 'direct.cryptsend.io' }
        @{ Name = 'kmc.countable.ca'; Expected = 'kmc-direct.countable.ca' }
        @{ Name = 'KMC.COUNTABLE.CA.'; Expected = 'kmc-direct.countable.ca' }
        @{ Name = 'Bücher.example'; Expected = 'direct.xn--bcher-kva.example' }
        @{ Name = 'kmc-direct.countable.ca'; Expected = 'kmc-direct.countable.ca' }
    ) {
        (Resolve-DirectHostName -HostName $Name).DirectHostName | Should -BeExactly $Expected
    }

    It 'takes strings and objects with a HostName or ComputerName property from the pipeline' {
        $results = 'cryptsend.io', [pscustomobject]@{ HostName = 'kmc.countable.ca' }, [pscustomobject]@{ ComputerName = 'a.example.org' } |
            Resolve-DirectHostName
        $results.DirectHostName | Should -Be @('direct.cryptsend.io', 'kmc-direct.countable.ca', 'direct.a.example.org')
        $results[0] | Should -BeOfType ([ReleaseOps.DirectHostNameResult])
    }

    It 'returns an IP address unchanged, with a warning' {
        $result = Resolve-DirectHostName 10.20.30.40 -WarningVariable warnings -WarningAction SilentlyContinue
        $result.DirectHostName | Should -Be '10.20.30.40'
        $result.Rule | Should -Be 'IpAddress'
        $warnings | Should -HaveCount 1
        "$warnings" | Should -Match 'IP address'
    }

    It 'reports an invalid name with a stable id, and goes on with the rest' {
        $results = 'bad_name.io', 'cryptsend.io' | Resolve-DirectHostName -ErrorVariable errs -ErrorAction SilentlyContinue
        $results.DirectHostName | Should -Be 'direct.cryptsend.io'
        $errs | Should -HaveCount 1
        $errs[0].FullyQualifiedErrorId | Should -Be 'InvalidHostName,ReleaseOps.Commands.ResolveDirectHostNameCommand'
        $errs[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $errs[0].TargetObject | Should -Be 'bad_name.io'
        $errs[0].ErrorDetails.RecommendedAction | Should -Not -BeNullOrEmpty
    }

    It 'throws with the id when asked to stop' {
        { Resolve-DirectHostName 'localhost' -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidHostName,ReleaseOps.Commands.ResolveDirectHostNameCommand'
    }

    It 'uses -OwnDomain, then RELEASEOPS_OWN_DOMAINS' {
        (Resolve-DirectHostName app.example.org -OwnDomain example.org).DirectHostName | Should -Be 'app-direct.example.org'
        $env:RELEASEOPS_OWN_DOMAINS = 'example.org'
        try {
            (Resolve-DirectHostName app.example.org).DirectHostName | Should -Be 'app-direct.example.org'
            (Resolve-DirectHostName kmc.countable.ca).DirectHostName | Should -Be 'direct.kmc.countable.ca'
        }
        finally { Remove-Item Env:RELEASEOPS_OWN_DOMAINS }
    }

    It 'prints a table by default' {
        $text = Resolve-DirectHostName cryptsend.io | Out-String
        $text | Should -Match 'InputName\s+DirectHostName\s+Rule'
        $text | Should -Match 'cryptsend.io\s+direct.cryptsend.io\s+DirectPrefix'
    }
}
