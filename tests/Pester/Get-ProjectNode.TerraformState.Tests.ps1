# Get-ProjectNode -TerraformState: the nodes that Terraform manages, read from a state file (format 4) or from
# `terraform show -json` output, as the same ProjectNode objects the providers give, and bootstrapped like any node
# (a real sshd sandbox node plays the droplet that the state describes).
BeforeAll {
    Import-Module $env:RELEASEOPS_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'SshFixtures.psm1') -Force
    # The attributes are the providers' own names (tests/contracts/terraform/SOURCES.md), as Terraform writes them.
    function New-State([string] $DropletAddress = '192.0.2.10') {
        [ordered]@{
            version = 4; terraform_version = '1.11.0'; serial = 3; lineage = 'f7c3b8e4-0000-4000-8000-000000000001'; outputs = @{}
            resources = @(
                [ordered]@{ mode = 'managed'; type = 'digitalocean_droplet'; name = 'web'; provider = 'provider["registry.terraform.io/digitalocean/digitalocean"]'
                    instances = @(@{ schema_version = 1; attributes = [ordered]@{ id = '3164444'; name = 'cortico'; image = 'ubuntu-24-04-x64'; region = 'tor1'; size = 's-1vcpu-2gb'
                                disk = 50; ipv4_address = $DropletAddress; ipv6_address = '2604:a880:4:1d0::1'; ipv6 = $true; monitoring = $true; backups = $false
                                status = 'active'; created_at = '2026-11-30T10:00:00Z'; tags = @('project:cortico', 'role:production', 'releaseops') } }) }
                [ordered]@{ mode = 'managed'; type = 'digitalocean_record'; name = 'kmc'; provider = 'provider["registry.terraform.io/digitalocean/digitalocean"]'
                    instances = @(@{ attributes = @{ id = '9'; domain = 'countable.ca'; name = 'kmc'; type = 'A'; value = $DropletAddress } }) }
                [ordered]@{ mode = 'data'; type = 'digitalocean_droplet'; name = 'lookup'; provider = 'provider["registry.terraform.io/digitalocean/digitalocean"]'
                    instances = @(@{ attributes = @{ id = '1'; name = 'not-managed'; ipv4_address = '192.0.2.99' } }) }
                [ordered]@{ module = 'module.eu'; mode = 'managed'; type = 'scaleway_instance_server'; name = 'app'; provider = 'provider["registry.terraform.io/scaleway/scaleway"]'
                    instances = @(
                        @{ index_key = 0; attributes = [ordered]@{ id = 'fr-par-1/11111111-1111-4111-8111-111111111111'; name = 'shop-eu'; type = 'DEV1-M'; zone = 'fr-par-1'
                                image = 'fr-par-1/6d3c053e-c728-4294-b23a-560b62a4d592'; state = 'started'; tags = @('project:shop', 'role:staging')
                                ip_id = 'fr-par-1/22222222-2222-4222-8222-222222222222'
                                public_ips = @(@{ id = '22222222-2222-4222-8222-222222222222'; address = '51.15.0.7'; family = 'inet' })
                                root_volume = @(@{ volume_id = 'fr-par-1/33333333-3333-4333-8333-333333333333'; volume_type = 'sbs_volume'; size_in_gb = 40 }) } }) }
                [ordered]@{ mode = 'managed'; type = 'aws_instance'; name = 'api'; provider = 'provider["registry.terraform.io/hashicorp/aws"].ca_central_1'
                    instances = @(@{ schema_version = 1; attributes = [ordered]@{ id = 'i-0abc1234def567890'; ami = 'ami-0noble2404b'; instance_type = 't3.small'
                                availability_zone = 'ca-central-1a'; public_ip = '15.222.0.5'; ipv6_addresses = @(); key_name = 'releaseops-abc'; instance_state = 'running'
                                tags = [ordered]@{ Name = 'cortico-api'; 'releaseops:project' = 'cortico'; 'releaseops:role' = 'production'; team = 'ops' } } }) }
            )
        } | ConvertTo-Json -Depth 20
    }
    $script:statePath = Join-Path $TestDrive 'terraform.tfstate'
    Set-Content -Path $statePath -Value (New-State)
}

Describe 'Get-ProjectNode -TerraformState' {
    It 'reads the managed droplets, instances and servers of a state file, child modules included, and nothing else' {
        $nodes = @(Get-ProjectNode -TerraformState $statePath -ErrorAction Stop)
        $nodes.Count | Should -Be 3
        $nodes | Should -BeOfType ([ReleaseOps.ProjectNode])
        $nodes.Name | Sort-Object | Should -Be @('cortico', 'cortico-api', 'shop-eu')
        $nodes.Name | Should -Not -Contain 'not-managed'
    }

    It 'fills the node as the provider would: address, port, user, region, size, image, project and role' {
        $nodes = Get-ProjectNode -TerraformState $statePath
        $do = $nodes | Where-Object Provider -EQ DigitalOcean
        $do.Id | Should -Be '3164444'
        $do.HostName | Should -Be '192.0.2.10'
        $do.PublicIPv6 | Should -Be '2604:a880:4:1d0::1'
        $do.Port | Should -Be 22
        $do.User | Should -Be 'root'
        $do.Project | Should -Be 'cortico'
        $do.Role | Should -Be 'production'
        $do.Region | Should -Be 'tor1'
        $do.Size | Should -Be 's-1vcpu-2gb'
        $do.Image | Should -Be 'ubuntu-24-04-x64'
        $do.Features | Should -Be @('ipv6', 'monitoring')
        $do.Created | Should -Be ([DateTimeOffset]'2026-11-30T10:00:00Z')

        $scw = $nodes | Where-Object Provider -EQ Scaleway
        $scw.Id | Should -Be '11111111-1111-4111-8111-111111111111'
        $scw.HostName | Should -Be '51.15.0.7'
        $scw.Region | Should -Be 'fr-par-1'
        $scw.Project | Should -Be 'shop'
        $scw.AddressId | Should -Be '22222222-2222-4222-8222-222222222222'
        $scw.DiskGB | Should -Be 40

        $aws = $nodes | Where-Object Provider -EQ Aws
        $aws.Name | Should -Be 'cortico-api'
        $aws.User | Should -Be 'ubuntu'
        $aws.Project | Should -Be 'cortico'
        $aws.Role | Should -Be 'production'
        $aws.Region | Should -Be 'ca-central-1a'
        $aws.KeyName | Should -Be 'releaseops-abc'
        $aws.ProviderTags['team'] | Should -Be 'ops'
    }

    It 'filters by -Project, -Role and -Provider as for the providers' {
        @(Get-ProjectNode -TerraformState $statePath -Project cortico).Count | Should -Be 2
        (Get-ProjectNode -TerraformState $statePath -Project shop*).Name | Should -Be 'shop-eu'
        (Get-ProjectNode -TerraformState $statePath -Role staging).Name | Should -Be 'shop-eu'
        (Get-ProjectNode -TerraformState $statePath -Provider Aws).Name | Should -Be 'cortico-api'
    }

    It 'reads terraform show -json output the same way' {
        $show = [ordered]@{
            format_version = '1.0'; terraform_version = '1.11.0'
            values = @{ root_module = @{
                    resources = @(@{ address = 'digitalocean_droplet.web'; mode = 'managed'; type = 'digitalocean_droplet'; name = 'web'; provider_name = 'registry.terraform.io/digitalocean/digitalocean'
                            values = @{ id = '3164444'; name = 'cortico'; region = 'tor1'; size = 's-1vcpu-2gb'; ipv4_address = '192.0.2.10'; tags = @('project:cortico') } })
                    child_modules = @(@{ address = 'module.eu'; resources = @(@{ address = 'module.eu.scaleway_instance_server.app[0]'; mode = 'managed'; type = 'scaleway_instance_server'; name = 'app'
                                    values = @{ id = 'fr-par-1/11111111-1111-4111-8111-111111111111'; name = 'shop-eu'; zone = 'fr-par-1'; type = 'DEV1-M'; public_ips = @(@{ address = '51.15.0.7' }); tags = @('project:shop') } }) })
                } }
        } | ConvertTo-Json -Depth 20
        $path = Join-Path $TestDrive 'show.json'
        Set-Content -Path $path -Value $show
        $nodes = @(Get-ProjectNode -TerraformState $path -ErrorAction Stop)
        $nodes.Name | Should -Be @('cortico', 'shop-eu')
        ($nodes | Where-Object Name -EQ shop-eu).HostName | Should -Be '51.15.0.7'
        ($nodes | Where-Object Name -EQ cortico).Project | Should -Be 'cortico'
    }

    It 'round-trips with Export-TerraformConfiguration: the exported droplet is the one read from the state' {
        $dir = Join-Path $TestDrive 'roundtrip'
        $env:RELEASEOPS_NODE_REGISTRY = Join-Path $TestDrive 'empty-register.json'
        try { $null = Get-ProjectNode -TerraformState $statePath -Provider DigitalOcean | Export-TerraformConfiguration -Path $dir -ErrorAction Stop }
        finally { Remove-Item env:RELEASEOPS_NODE_REGISTRY }
        $text = Get-Content (Join-Path $dir 'digitalocean.tf') -Raw
        $text | Should -Match 'id = "3164444"'
        $text | Should -Match 'image += "ubuntu-24-04-x64"'
        $text | Should -Match 'monitoring = true'
    }

    It 'names a missing file and a document that is not state in errors with stable ids' {
        { Get-ProjectNode -TerraformState (Join-Path $TestDrive 'missing.tfstate') -ErrorAction Stop } | Should -Throw -ErrorId 'TerraformStateNotFound,ReleaseOps.Commands.GetProjectNodeCommand'
        $bad = Join-Path $TestDrive 'bad.json'
        Set-Content $bad 'not json {'
        { Get-ProjectNode -TerraformState $bad -ErrorAction Stop } | Should -Throw -ErrorId 'TerraformStateInvalid,ReleaseOps.Commands.GetProjectNodeCommand'
        Set-Content $bad '{"version":3,"resources":[]}'
        { Get-ProjectNode -TerraformState $bad -ErrorAction Stop } | Should -Throw -ErrorId 'TerraformStateInvalid,ReleaseOps.Commands.GetProjectNodeCommand'
        Set-Content $bad '{"hello":"world"}'
        { Get-ProjectNode -TerraformState $bad -ErrorAction Stop } | Should -Throw -ErrorId 'TerraformStateInvalid,ReleaseOps.Commands.GetProjectNodeCommand'
    }
}

Describe 'A Terraform-managed node, bootstrapped like any node' {
    BeforeAll {
        $script:ctx = New-SshTestContext -Directory (Join-Path $TestDrive 'ssh')
        $global:PSDefaultParameterValues = $ctx.Defaults.Clone()
        $script:sandbox = New-TestNode -Client tfstate
        # The state says the droplet is at the sandbox node's address; the sandbox's sshd listens on its own port,
        # which -Port gives (a cloud node's sshd is on 22, which the state cannot say otherwise).
        $path = Join-Path $TestDrive 'sandbox.tfstate'
        Set-Content -Path $path -Value (New-State -DropletAddress $sandbox.HostName)
        $script:node = Get-ProjectNode -TerraformState $path -Provider DigitalOcean -ErrorAction Stop
        & ssh-keygen -q -t ed25519 -N '' -C 'dana@laptop' -f (Join-Path $TestDrive 'dana') | Out-Null
        $script:team = @(@{ Name = 'Dana Admin'; Login = 'dana'; PublicKey = (Get-Content (Join-Path $TestDrive 'dana.pub')) })
    }

    AfterAll {
        Get-ProjectNode -Provider Sandbox | Remove-ProjectNode -Force -KnownHostsFile $ctx.KnownHostsFile
        $global:PSDefaultParameterValues = @{}
    }

    It 'runs Initialize-Node and Invoke-NodeCommand on the node read from the state' {
        $node.HostName | Should -Be $sandbox.HostName
        $steps = $node | Initialize-Node -Team $team -Port $sandbox.Port -ErrorAction Stop
        $steps.Status | Should -Not -Contain 'Failed'
        ($steps | Where-Object Step -EQ 'Account dana').Status | Should -Be 'Changed'
        ($node | Invoke-NodeCommand -Port $sandbox.Port -Command 'id -Gn dana' -ErrorAction Stop).Output | Should -Match '\bdev\b'
        $again = $node | Initialize-Node -Team $team -Port $sandbox.Port -ErrorAction Stop
        $again.Status | Select-Object -Unique | Should -Be 'Unchanged'
    }
}
