BeforeAll {
    Import-Module $env:RELEASEOPS_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'SshFixtures.psm1') -Force
    $script:ctx = New-SshTestContext -Directory (Join-Path $TestDrive 'ssh')
    $global:PSDefaultParameterValues = $ctx.Defaults.Clone()
    $script:node = New-TestNode -Client enter
}

AfterAll {
    $node | Remove-ProjectNode -Force
    $global:PSDefaultParameterValues = @{}
}

Describe 'Enter-DirectNode' {
    It 'shows the exact ssh command for the direct name with -WhatIf' {
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddCommand('Import-Module').AddArgument($env:RELEASEOPS_MODULE).AddStatement().AddCommand('Enter-DirectNode').AddParameters(@{ HostName = 'kmc.countable.ca'; User = 'alice'; WhatIf = $true; Verbose = $true })
            $null = $ps.Invoke()
            $line = "$($ps.Streams.Verbose[0])"
            $line | Should -Match '/ssh -l alice -t -- kmc-direct\.countable\.ca$'
        }
        finally { $ps.Dispose() }
    }

    It 'passes -KnownHostsFile none to ssh as none, not as a file named none' {
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddCommand('Import-Module').AddArgument($env:RELEASEOPS_MODULE).AddStatement().AddCommand('Enter-DirectNode').AddParameters(@{ HostName = 'web1'; KnownHostsFile = 'none'; WhatIf = $true; Verbose = $true })
            $null = $ps.Invoke()
            "$($ps.Streams.Verbose[0])" | Should -Match ' -o UserKnownHostsFile=none '
        }
        finally { $ps.Dispose() }
    }

    It 'maps public names to their direct names, and keeps aliases and IPs as they are' {
        $cases = @{ 'cryptsend.io' = 'direct.cryptsend.io'; 'www.cryptsend.io' = 'direct.cryptsend.io'; 'web1' = 'web1' }
        foreach ($name in $cases.Keys) {
            $ps = [powershell]::Create()
            try {
                $null = $ps.AddCommand('Import-Module').AddArgument($env:RELEASEOPS_MODULE).AddStatement().AddCommand('Enter-DirectNode').AddParameters(@{ HostName = $name; WhatIf = $true; Verbose = $true })
                $null = $ps.Invoke()
                "$($ps.Streams.Verbose[0])" | Should -Match ("-- " + [regex]::Escape($cases[$name]) + '$')
            }
            finally { $ps.Dispose() }
        }
    }

    It 'hands the terminal to ssh, which reaches the node and returns its exit code' {
        $code = Enter-DirectNode -HostName $node.HostName -Port $node.Port -User root -IdentityFile $ctx.IdentityFile -KnownHostsFile $ctx.KnownHostsFile -HostKeyPolicy Strict -ConfigFile $ctx.ConfigFile -Command 'test "$(hostname)" = pester-enter && exit 7' -PassThru -WarningAction SilentlyContinue
        $code | Should -Be 7
    }

    It 'refuses a name that ssh would read as an option before any ssh runs (it would also come after --)' {
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddCommand('Import-Module').AddArgument($env:RELEASEOPS_MODULE).AddStatement().AddCommand('Enter-DirectNode').AddParameters(@{ HostName = '-oProxyCommand=touch /tmp/pwned'; WhatIf = $true; Verbose = $true; NoDirect = $true })
            $null = $ps.Invoke()
            $ps.Streams.Error[0].FullyQualifiedErrorId | Should -Be 'InvalidHostName,ReleaseOps.Commands.EnterDirectNodeCommand'
            $ps.Streams.Verbose | Where-Object { "$_" -match 'ProxyCommand' } | Should -BeNullOrEmpty
        }
        finally { $ps.Dispose() }
    }

    It 'reports an invalid public name with a stable id' {
        { Enter-DirectNode -HostName 'bad_name.example' -WhatIf -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidHostName,ReleaseOps.Commands.EnterDirectNodeCommand'
    }
}
