# One convention per kind of parameter, across the module: durations are TimeSpans where a bare number is seconds,
# nodes are -HostName, -Port and -User, and -IdentityFile has one type.
BeforeAll {
    Import-Module $env:RELEASEOPS_MODULE -Force
    $script:parameters = foreach ($c in Get-Command -Module ReleaseOps -CommandType Cmdlet) {
        foreach ($p in $c.Parameters.Values) { [pscustomobject]@{ Cmdlet = $c.Name; Name = $p.Name; Type = $p.ParameterType; Attributes = $p.Attributes; Aliases = $p.Aliases } }
    }
}

Describe 'Parameter conventions' {
    It 'makes every duration a TimeSpan that takes a number as seconds' {
        $durations = $parameters | Where-Object { $_.Type -in [TimeSpan], [Nullable[TimeSpan]] -and $_.Name -ne 'At' }
        $durations | Should -Not -BeNullOrEmpty
        foreach ($d in $durations) {
            $seconds = $d.Attributes | Where-Object { $_.GetType().Name -eq 'SecondsAttribute' }
            $seconds | Should -Not -BeNullOrEmpty -Because "$($d.Cmdlet) -$($d.Name) must read 300 as seconds"
            $seconds.Transform($null, 300) | Should -Be ([TimeSpan]::FromMinutes(5))
            $seconds.Transform($null, '00:02:00') | Should -Be ([TimeSpan]::FromMinutes(2))
        }
        # No duration is an int of seconds any more; the old names are aliases.
        $parameters | Where-Object Name -Like '*Seconds' | Should -BeNullOrEmpty
    }

    It 'binds Test-DnsRecord -Timeout 300 as five minutes, not 300 ticks' {
        $p = (Get-Command Test-DnsRecord).Parameters['Timeout']
        $t = $p.Attributes | Where-Object { $_.GetType().Name -eq 'SecondsAttribute' }
        $t.Transform($null, 300).TotalSeconds | Should -Be 300
        { $t.Transform($null, -5) } | Should -Throw
    }

    It 'names nodes -HostName, -Port and -User, and gives -IdentityFile one type' {
        $parameters | Where-Object Name -Match '^Ssh(Host|Port|User)$' | Should -BeNullOrEmpty
        ($parameters | Where-Object Name -EQ 'IdentityFile').Type.Name | Sort-Object -Unique | Should -Be 'String[]'
        (Get-Command Test-ReleaseOpsEnvironment).Parameters['HostName'].Aliases | Should -Contain 'SshHost'
    }
}
