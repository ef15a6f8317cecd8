# Providers through the cmdlets: DigitalOcean and Cloudflare against their wire-level fakes, with a real sshd as the
# new node, so New-ProjectNode's wait for SSH and host-key recording run for real.
BeforeAll {
    Import-Module $env:RELEASEOPS_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    # The "droplet" answers on 127.0.0.77:22: a real OpenSSH server that the fake hands out as the node's address.
    $script:sshd = Start-TestSshd -Address 127.0.0.77 -Port 22
    $script:cloud = Start-FakeCloud -NodeAddress 127.0.0.77
    Invoke-RestMethod -Method Post "$($cloud.BaseUrl)_fake/digitalocean/domains/countable.ca" | Out-Null
    Set-FakeCloudEnvironment -Fake $cloud
    $env:RELEASEOPS_NODE_REGISTRY = Join-Path $TestDrive 'client-nodes.json'
    $script:known = Join-Path $TestDrive 'known_hosts'
    $script:common = @{ PublicKey = "$($sshd.IdentityFile).pub"; IdentityFile = $sshd.IdentityFile; KnownHostsFile = $known }
    function Get-FakeState { Invoke-RestMethod "$($cloud.BaseUrl)_fake/digitalocean/state" }
}

AfterAll {
    Clear-FakeCloudEnvironment
    Remove-Item env:RELEASEOPS_NODE_REGISTRY -ErrorAction SilentlyContinue
    Stop-FakeCloud -Fake $cloud
    Stop-TestSshd -Sshd $sshd
}

Describe 'New-ProjectNode on DigitalOcean' {
    It 'creates the droplet, waits for SSH, records the host key, and pipes into Invoke-NodeCommand' {
        $node = New-ProjectNode -Provider DigitalOcean -Project cortico @common -ErrorAction Stop

        $node.Provider | Should -Be 'DigitalOcean'
        $node.Name | Should -Be 'cortico'
        $node.Region | Should -Be 'tor1'
        $node.Size | Should -Be 's-1vcpu-2gb'
        $node.PublicIPv4 | Should -Be '127.0.0.77'
        $node.HostKeyFingerprint | Should -Be $sshd.HostKeyFingerprint
        (Get-Content $known -Raw) | Should -Match '127\.0\.0\.77 ssh-ed25519 '
        ($node | Invoke-NodeCommand -Command 'id -un' -IdentityFile $sshd.IdentityFile -KnownHostsFile $known -ErrorAction Stop).Output.Trim() | Should -Be 'root'
    }

    It 'returns the same droplet when run again, and creates no second one' {
        $first = New-ProjectNode -Provider DigitalOcean -Project cortico @common -ErrorAction Stop
        $again = New-ProjectNode -Provider DigitalOcean -Project cortico @common -ErrorAction Stop
        $again.Id | Should -Be $first.Id
        @((Get-FakeState).droplets | Where-Object name -EQ 'cortico').Count | Should -Be 1
    }

    It 'takes the provider and region from Select-HostingProvider, and -WhatIf creates nothing' {
        $before = @((Get-FakeState).droplets).Count
        $out = Select-HostingProvider -Project cortico -DataResidency Canada | New-ProjectNode -Client whatif -WhatIf 6>&1 | Out-String
        @((Get-FakeState).droplets).Count | Should -Be $before
    }

    It 'refuses a slug that is not a DNS label, before any request' {
        { New-ProjectNode -Provider DigitalOcean -Project 'Cortico_App' @common -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidProjectSlug*'
    }

    It 'reports a wrong token with a stable id and never shows it' {
        $secret = ConvertTo-SecureString 'dop_v1_not_the_right_one' -AsPlainText -Force
        $all = New-ProjectNode -Provider DigitalOcean -Project cortico -Client badtoken -Token $secret @common -Verbose -ErrorAction Continue *>&1
        $failed = @($all | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'ProviderAuthenticationFailed*'
        $failed[0].ErrorDetails.RecommendedAction | Should -Match 'DIGITALOCEAN_ACCESS_TOKEN'
        ($all | Out-String) + ($failed | Format-List * -Force | Out-String) | Should -Not -Match 'dop_v1_not_the_right_one'
    }
}

Describe 'Get-ProjectNode, snapshots and Remove-ProjectNode' {
    It 'lists the node across the configured providers, snapshots it, and refuses to delete it while DNS points at it' {
        $node = New-ProjectNode -Provider DigitalOcean -Project cortico -Client retire @common -ErrorAction Stop
        (Get-ProjectNode -Project cortico-retire).Id | Should -Be $node.Id

        $snapshot = $node | New-NodeSnapshot -Name cortico-retire-final -ErrorAction Stop
        $snapshot.NodeId | Should -Be $node.Id
        ($node | Get-NodeSnapshot).Name | Should -Contain 'cortico-retire-final'

        $record = Set-DnsRecord -Zone countable.ca -Name retire -Value $node.PublicIPv4 -Ttl 300 -ErrorAction Stop
        $record.Change | Should -Be 'Created'
        $node | Remove-ProjectNode -Force -KnownHostsFile $known -ErrorAction SilentlyContinue -ErrorVariable refused
        $refused[0].FullyQualifiedErrorId | Should -BeLike 'NodeServesTraffic*'
        (Get-FakeState).droplets.id | Should -Contain ([long] $node.Id)

        (Set-DnsRecord -Zone countable.ca -Name retire -Value 192.0.2.99).Change | Should -Be 'Updated'
        $node | Remove-ProjectNode -Force -KnownHostsFile $known -ErrorAction Stop
        (Get-FakeState).droplets.id | Should -Not -Contain ([long] $node.Id)
    }
}

Describe 'DNS records' {
    It 'sets a record idempotently and lowers its TTL, with -WhatIf changing nothing' {
        (Set-DnsRecord -Zone countable.ca -Name kmc -Value 192.0.2.10 -Ttl 3600).Change | Should -Be 'Created'
        (Set-DnsRecord -Zone countable.ca -Name kmc.countable.ca -Value 192.0.2.10 -Ttl 3600).Change | Should -Be 'Unchanged'
        (Set-DnsRecord -Zone countable.ca -Name kmc -Ttl 60 -WhatIf).Change | Should -Be 'WouldChange'
        (Get-DnsRecord -Zone countable.ca -Name kmc -Type A).Ttl | Should -Be 3600
        (Set-DnsRecord -Zone countable.ca -Name kmc -Ttl 60).Ttl | Should -Be 60
    }

    It 'names a zone that does not exist in a clear error' {
        { Get-DnsRecord -Zone nowhere.example -ErrorAction Stop } | Should -Throw -ErrorId 'ProviderResourceNotFound*'
    }
}

Describe 'Client servers' {
    It 'registers a client server by address, lists it, and only forgets it on removal' {
        # A client's server is Strict by default (issue #13); this test trusts its key on first use explicitly.
        $node = New-ProjectNode -Provider Client -Project cortico -Client acme -Address 127.0.0.77 -IdentityFile $sshd.IdentityFile -KnownHostsFile $known -HostKeyPolicy AcceptNew -WarningAction SilentlyContinue -ErrorAction Stop
        $node.HostKeyFingerprint | Should -Be $sshd.HostKeyFingerprint
        (Get-ProjectNode -Project cortico-acme -Provider Client).HostName | Should -Be '127.0.0.77'
        $node | Remove-ProjectNode -Force -KnownHostsFile $known -ErrorAction Stop
        @(Get-ProjectNode -Project cortico-acme -Provider Client).Count | Should -Be 0
    }
}

Describe 'Roles' {
    It 'keeps one node per project and role, and Get-ProjectNode -Role finds the right one' {
        $staging = New-ProjectNode -Provider DigitalOcean -Project roles -Role staging @common -NoSshWait -ErrorAction Stop
        $production = New-ProjectNode -Provider DigitalOcean -Project roles -Role Production @common -NoSshWait -ErrorAction Stop
        $again = New-ProjectNode -Provider DigitalOcean -Project roles -Role staging @common -NoSshWait -ErrorAction Stop

        $staging.Id | Should -Not -Be $production.Id
        $again.Id | Should -Be $staging.Id
        $production.Role | Should -Be 'production'
        (Get-ProjectNode -Project roles -Role staging -Provider DigitalOcean).Id | Should -Be $staging.Id
        @(Get-ProjectNode -Project roles -Provider DigitalOcean).Count | Should -Be 2
        { New-ProjectNode -Provider DigitalOcean -Project roles -Role 'stag ing;x' @common -NoSshWait -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidRole*'
    }
}

Describe 'Scaleway and AWS through New-ProjectNode' {
    It 'creates a Scaleway server and an EC2 instance through the same cmdlet, and removes them with what they leave behind' {
        $scw = New-ProjectNode -Provider Scaleway -Project cortico -Client scw @common -NoSshWait -ErrorAction Stop
        $scw.Status | Should -Be 'running'
        $scw.Region | Should -Be 'fr-par-1'
        $aws = New-ProjectNode -Provider Aws -Project cortico -Client aws @common -NoSshWait -ErrorAction Stop `
            -Credential ([pscredential]::new('AKIAFAKEFAKEFAKE0001', (ConvertTo-SecureString 'fake-secret' -AsPlainText -Force))) -ApiEndpoint $cloud.BaseUrl -Region ca-central-1
        $aws.User | Should -Be 'ubuntu'
        $aws.Size | Should -Be 't3.small'

        $scw | Remove-ProjectNode -Force -KnownHostsFile $known -ErrorAction Stop
        $scwState = Invoke-RestMethod "$($cloud.BaseUrl)_fake/scaleway/state"
        @($scwState.servers).Count | Should -Be 0
        @($scwState.volumes).Count | Should -Be 0
        @($scwState.ips).Count | Should -Be 0
        $aws | Remove-ProjectNode -Force -KnownHostsFile $known -ErrorAction Stop `
            -Credential ([pscredential]::new('AKIAFAKEFAKEFAKE0001', (ConvertTo-SecureString 'fake-secret' -AsPlainText -Force))) -ApiEndpoint $cloud.BaseUrl
        (Invoke-RestMethod "$($cloud.BaseUrl)_fake/ec2/state").instances[0].state | Should -Be 'terminated'
    }
}

Describe 'Test-DnsRecord' {
    It 'reads what the authoritative server answers, before and after a switch, and -Wait fails clearly when it never matches' {
        $null = Set-DnsRecord -Zone countable.ca -Name switch -Value 192.0.2.1 -Ttl 60 -ErrorAction Stop
        $before = Test-DnsRecord -Zone countable.ca -Name switch -Expected 192.0.2.2 -NameServer $cloud.NameServer -ErrorAction Stop
        $before.Answer | Should -Be '192.0.2.1'
        $before.Matches | Should -BeFalse
        $before.Authoritative | Should -BeTrue

        $null = Set-DnsRecord -Zone countable.ca -Name switch -Value 192.0.2.2 -ErrorAction Stop
        $after = Test-DnsRecord -Zone countable.ca -Name switch.countable.ca -Expected 192.0.2.2 -Wait -Timeout 00:00:05 -ErrorAction Stop
        $after.Matches | Should -BeTrue
        $after.NameServer | Should -Be $cloud.NameServer

        (Test-DnsRecord -Zone countable.ca -Name missing -Expected 192.0.2.2).Error | Should -Be 'NotExistentDomain'
        { Test-DnsRecord -Zone countable.ca -Name switch -Expected 192.0.2.3 -Wait -Timeout 00:00:01 -ErrorAction Stop } | Should -Throw -ErrorId 'DnsNotPropagated*'
        { Test-DnsRecord -Zone countable.ca -Name switch -Expected 192.0.2.3 -NameServer 'ns1;id' -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidNameServer*'
    }
}
