# Export-TerraformConfiguration against the wire-level fakes of DigitalOcean, Scaleway, EC2 and Cloudflare: the nodes
# and records are created and read back through the cmdlets, exported, parsed by Terraform 1.11 (terraform fmt
# -check) and checked against the providers' published schemas (tests/contracts/terraform). Providers cannot be
# downloaded here, so `terraform plan` itself does not run.
BeforeAll {
    Import-Module $env:RELEASEOPS_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'HclFixtures.psm1') -Force
    $script:terraform = (Get-Command terraform -CommandType Application -ErrorAction Stop | Select-Object -First 1).Source
    $script:schemas = Get-Content (Join-Path $PSScriptRoot '../contracts/terraform/provider-schemas.json') -Raw | ConvertFrom-Json
    $script:cloud = Start-FakeCloud -NodeAddress 127.0.0.77
    Set-FakeCloudEnvironment -Fake $cloud
    $env:RELEASEOPS_NODE_REGISTRY = Join-Path $TestDrive 'client-nodes.json'
    Invoke-RestMethod -Method Post "$($cloud.BaseUrl)_fake/digitalocean/domains/countable.ca" | Out-Null
    Invoke-RestMethod -Method Post "$($cloud.BaseUrl)_fake/cloudflare/zones/example.org" | Out-Null
    $script:key = Join-Path $TestDrive 'id_ed25519'
    ssh-keygen -q -t ed25519 -N '' -C 'alice@example' -f $key
    $script:awsCredential = [pscredential]::new('AKIAFAKEFAKEFAKE0001', (ConvertTo-SecureString 'fake-aws-secret-0001' -AsPlainText -Force))
    $common = @{ PublicKey = "$key.pub"; NoSshWait = $true; KnownHostsFile = (Join-Path $TestDrive 'known_hosts') }
    $script:droplet = New-ProjectNode -Provider DigitalOcean -Project cortico -Role production @common -ErrorAction Stop
    $script:server = New-ProjectNode -Provider Scaleway -Project cortico -Client scw @common -ErrorAction Stop
    $script:instance = New-ProjectNode -Provider Aws -Project cortico -Client aws @common -Credential $awsCredential -ApiEndpoint $cloud.BaseUrl -Region ca-central-1 -ErrorAction Stop
    $script:client = New-ProjectNode -Provider Client -Project cortico -Client acme -Address 127.0.0.78 -NoSshWait -KnownHostsFile (Join-Path $TestDrive 'known_hosts') -ErrorAction Stop
    $null = Set-DnsRecord -Zone countable.ca -Name kmc -Value $droplet.PublicIPv4 -Ttl 300 -ErrorAction Stop
    $null = Set-DnsRecord -Zone example.org -Name www -Value 192.0.2.5 -Ttl 120 -Provider Cloudflare -ErrorAction Stop

    $script:project = Join-Path $TestDrive 'cortico'
    New-Item -ItemType Directory $project | Out-Null
    Set-Content (Join-Path $project 'releaseops.psd1') "@{ Slug = 'cortico'; RepositoryUrl = 'https://bob:ghp_notforfiles0001@git.example/cortico.git'; StagingNodes = 'staging.cortico.ca' }"

    $script:nodes = @(Get-ProjectNode -Provider DigitalOcean, Scaleway, Client -ErrorAction Stop) + @(Get-ProjectNode -Provider Aws -Credential $awsCredential -ApiEndpoint $cloud.BaseUrl -ErrorAction Stop)
    $script:records = @(Get-DnsRecord -Zone countable.ca -ErrorAction Stop) + @(Get-DnsRecord -Zone example.org -Provider Cloudflare -ErrorAction Stop)
    $script:out = Join-Path $TestDrive 'infra'
    $script:files = @(@($nodes) + @($records) | Export-TerraformConfiguration -Path $out -PublicKey "$key.pub" -ProjectPath $project -ErrorAction Stop)
    $script:parsed = @{}
    foreach ($f in Get-ChildItem $out -Filter *.tf) { $parsed[$f.Name] = Read-Hcl -Text (Get-Content $f.FullName -Raw) }
    $script:blocks = @($parsed.Values | ForEach-Object { $_.Blocks })
    $script:resources = @($blocks | Where-Object Type -EQ 'resource')
    function Get-Resource([string] $Type) { @($resources | Where-Object { $_.Labels[0] -eq $Type }) }
    function Get-Import([string] $Address) { @($blocks | Where-Object { $_.Type -eq 'import' -and $_.Attributes['to'].Value -eq $Address }) }
}

AfterAll {
    Clear-FakeCloudEnvironment
    Remove-Item env:RELEASEOPS_NODE_REGISTRY -ErrorAction SilentlyContinue
    Stop-FakeCloud -Fake $cloud
}

Describe 'Export-TerraformConfiguration' {
    It 'writes one file per provider in use, a versions file and the module records, each reported' {
        ($files.Path | ForEach-Object { Split-Path $_ -Leaf }) | Sort-Object | Should -Be @('aws.tf', 'cloudflare.tf', 'digitalocean.tf', 'releaseops.tf', 'scaleway.tf', 'versions.tf')
        $files.Status | Select-Object -Unique | Should -Be 'Written'
        ($files | Measure-Object Items -Sum).Sum | Should -Be $resources.Count
        ($files | Measure-Object Imports -Sum).Sum | Should -Be @($blocks | Where-Object Type -EQ 'import').Count
    }

    It 'writes what terraform fmt -check accepts (Terraform parses every file and finds nothing to reformat)' {
        $output = & $terraform fmt -check -diff -no-color $out 2>&1 | Where-Object { $_ -notmatch 'terraformrc|CLI configuration' }
        $LASTEXITCODE | Should -Be 0 -Because ($output | Out-String)
    }

    It 'checks every resource argument and type against the providers'' published schemas' {
        $resources.Count | Should -BeGreaterOrEqual 10
        $problems = foreach ($r in $resources) { Test-TerraformResource -Block $r -Schemas $schemas }
        $problems | Should -BeNullOrEmpty
        @($resources.Labels | ForEach-Object { $_ } | Where-Object { $_ -match '^(digitalocean|aws|scaleway|cloudflare)_' } | Select-Object -Unique) |
            Sort-Object | Should -Be @('aws_instance', 'aws_key_pair', 'cloudflare_dns_record', 'digitalocean_droplet', 'digitalocean_record', 'digitalocean_ssh_key', 'digitalocean_tag', 'scaleway_instance_server')
    }

    It 'gives every resource one import block with its real id, in the provider''s documented format' {
        foreach ($r in $resources) {
            $address = "$($r.Labels[0]).$($r.Labels[1])"
            $imports = Get-Import $address
            $imports.Count | Should -Be 1 -Because $address
            $imports[0].Attributes['id'].Kind | Should -Be 'string'
        }
        (Get-Import "digitalocean_droplet.$((Get-Resource digitalocean_droplet)[0].Labels[1])")[0].Attributes['id'].Value | Should -Be $droplet.Id
        (Get-Import "aws_instance.$((Get-Resource aws_instance)[0].Labels[1])")[0].Attributes['id'].Value | Should -Be $instance.Id
        (Get-Import "scaleway_instance_server.$((Get-Resource scaleway_instance_server)[0].Labels[1])")[0].Attributes['id'].Value | Should -Be "fr-par-1/$($server.Id)"
        $do = $records | Where-Object Provider -EQ DigitalOcean
        (Get-Import "digitalocean_record.$((Get-Resource digitalocean_record)[0].Labels[1])")[0].Attributes['id'].Value | Should -Be "countable.ca,$($do.Id)"
        $cf = $records | Where-Object Provider -EQ Cloudflare
        (Get-Import "cloudflare_dns_record.$((Get-Resource cloudflare_dns_record)[0].Labels[1])")[0].Attributes['id'].Value | Should -Be "$($cf.ZoneId)/$($cf.Id)"
        $cf.ZoneId | Should -Match '^[0-9a-f]{32}$'
        $tags = Get-Resource digitalocean_tag
        $tags.Attributes.name.Value | Sort-Object | Should -Be @('project:cortico', 'releaseops', 'role:production')
        (Get-Import "digitalocean_ssh_key.$((Get-Resource digitalocean_ssh_key)[0].Labels[1])")[0].Attributes['id'].Value | Should -Match '^[0-9]+$'
        (Get-Import "aws_key_pair.$((Get-Resource aws_key_pair)[0].Labels[1])")[0].Attributes['id'].Value | Should -Be $instance.KeyName
    }

    It 'writes the arguments exactly as the providers read them back' {
        $readDroplet = $nodes | Where-Object Provider -EQ DigitalOcean
        $d = (Get-Resource digitalocean_droplet)[0].Attributes
        $d.name.Value | Should -Be $readDroplet.Name
        $d.image.Value | Should -Be $readDroplet.Image
        $d.region.Value | Should -Be $readDroplet.Region
        $d.size.Value | Should -Be $readDroplet.Size
        $d.tags.Value.Value | Should -Be @($readDroplet.Tags)
        $d.ipv6.Value | Should -Be ($readDroplet.Features -contains 'ipv6')
        $d.backups.Value | Should -Be ($readDroplet.Features -contains 'backups')
        $d.monitoring.Value | Should -Be ($readDroplet.Features -contains 'monitoring')

        $readInstance = $nodes | Where-Object Provider -EQ Aws
        $a = (Get-Resource aws_instance)[0].Attributes
        $a.ami.Value | Should -Be $readInstance.Image
        $a.instance_type.Value | Should -Be 't3.small'
        $a.availability_zone.Value | Should -Be $readInstance.Region
        $a.key_name.Kind | Should -Be 'reference'
        $a.tags.Value['releaseops:project'].Value | Should -Be 'cortico'
        $a.tags.Value['Name'].Value | Should -Be 'cortico-aws'
        $a.provider.Value | Should -Be 'aws.ca_central_1'

        $readServer = $nodes | Where-Object Provider -EQ Scaleway
        $s = (Get-Resource scaleway_instance_server)[0]
        $s.Attributes.type.Value | Should -Be $readServer.Size
        $s.Attributes.image.Value | Should -Be $readServer.Image
        $s.Attributes.zone.Value | Should -Be 'fr-par-1'
        $s.Attributes.tags.Value.Value | Should -Be @($readServer.Tags)
        ($s.Blocks | Where-Object Type -EQ root_volume).Attributes.volume_type.Value | Should -Be 'sbs_volume'

        $r = (Get-Resource digitalocean_record)[0].Attributes
        $r.name.Value | Should -Be 'kmc'
        $r.value.Value | Should -Be $droplet.PublicIPv4
        $r.ttl.Value | Should -Be 300
        $c = (Get-Resource cloudflare_dns_record)[0].Attributes
        $c.content.Value | Should -Be '192.0.2.5'
        $c.ttl.Value | Should -Be 120
        $c.proxied.Value | Should -BeFalse
    }

    It 'ignores exactly the arguments that cannot be read back, as the README lists them' {
        $readme = Get-Content (Join-Path $PSScriptRoot '../../README.md') -Raw
        foreach ($r in $resources) {
            $lifecycle = $r.Blocks | Where-Object Type -EQ lifecycle
            if (-not $lifecycle) { continue }
            foreach ($ignored in @($lifecycle.Attributes.ignore_changes.Value.Value)) {
                $readme | Should -Match ([regex]::Escape("``$($r.Labels[0])``") + '[^\n]*' + [regex]::Escape("``$ignored``")) -Because "the README's Terraform table lists $($r.Labels[0]).$ignored"
            }
        }
        ((Get-Resource digitalocean_droplet)[0].Blocks | Where-Object Type -EQ lifecycle).Attributes.ignore_changes.Value.Value | Should -Contain 'ssh_keys'
        ((Get-Resource aws_key_pair)[0].Blocks | Where-Object Type -EQ lifecycle).Attributes.ignore_changes.Value.Value | Should -Be @('public_key')
    }

    It 'makes credentials variables, pins the providers, and writes no secret' {
        $versions = $parsed['versions.tf']
        $providers = ($versions.Blocks | Where-Object Type -EQ terraform).Blocks | Where-Object Type -EQ required_providers
        foreach ($name in 'aws', 'cloudflare', 'digitalocean', 'scaleway') {
            $providers.Attributes[$name].Value['version'].Value | Should -Match '^\d+\.\d+\.\d+$' -Because "$name is pinned to one version"
        }
        ($versions.Blocks | Where-Object { $_.Type -eq 'provider' -and $_.Labels[0] -eq 'digitalocean' }).Attributes.token.Value | Should -Be 'var.digitalocean_token'
        ($versions.Blocks | Where-Object { $_.Type -eq 'provider' -and $_.Labels[0] -eq 'cloudflare' }).Attributes.api_token.Value | Should -Be 'var.cloudflare_api_token'
        foreach ($v in $versions.Blocks | Where-Object { $_.Type -eq 'variable' -and $_.Labels[0] -match 'token|secret|access_key' }) {
            $v.Attributes.sensitive.Value | Should -BeTrue -Because $v.Labels[0]
            $v.Attributes.default.Kind | Should -Be 'null'
        }
        $all = (Get-ChildItem $out -Filter *.tf | Get-Content -Raw) -join "`n"
        foreach ($secret in $cloud.DigitalOceanToken, $cloud.CloudflareToken, $cloud.ScalewaySecretKey, 'fake-aws-secret-0001', 'ghp_notforfiles0001', 'bob:') {
            $all | Should -Not -Match ([regex]::Escape($secret))
        }
        $all | Should -Not -Match 'PRIVATE KEY'
        if (-not $IsWindows) { (Get-ChildItem $out -Filter *.tf | ForEach-Object { [int](Get-Item $_.FullName).UnixFileMode } | Select-Object -Unique) | Should -Be 384 -Because 'the files are 0600' }
    }

    It 'keeps releaseops.psd1 and the client-node register as locals, never as resources' {
        $locals = ($parsed['releaseops.tf'].Blocks | Where-Object Type -EQ locals).Attributes
        $locals.releaseops_project.Value['slug'].Value | Should -Be 'cortico'
        $locals.releaseops_project.Value['repository_url'].Value | Should -Be 'https://git.example/cortico.git'
        $locals.releaseops_project.Value['staging_nodes'].Value.Value | Should -Be @('staging.cortico.ca')
        $clients = $locals.releaseops_client_nodes.Value
        @($clients).Count | Should -Be 1
        $clients[0].Value['name'].Value | Should -Be 'cortico-acme'
        $clients[0].Value['host'].Value | Should -Be '127.0.0.78'
        $clients[0].Value['port'].Value | Should -Be 22
        @($resources | Where-Object { $_.Labels[1] -match 'acme' }).Count | Should -Be 0
    }

    It 'quotes hostile values so that they stay literal: no interpolation, no escape from the string' {
        $hostile = 'v=1 "quoted" ${file("/etc/passwd")} %{ if true }x%{ endif } back\slash' + "`nsecond line"
        $record = [ReleaseOps.DnsRecord]@{ Provider = 'DigitalOcean'; Zone = 'countable.ca'; Id = '99'; Name = 'x.countable.ca'; Type = 'TXT'; Value = $hostile; Ttl = 60 }
        $dir = Join-Path $TestDrive 'hostile'
        $null = $record | Export-TerraformConfiguration -Path $dir -ErrorAction Stop
        & $terraform fmt -check $dir 2>&1 | Out-Null
        $LASTEXITCODE | Should -Be 0
        $parsedHostile = Read-Hcl -Text (Get-Content (Join-Path $dir 'digitalocean.tf') -Raw)
        ($parsedHostile.Blocks | Where-Object Type -EQ resource).Attributes.value.Value | Should -BeExactly $hostile
    }

    It 'adopts a Scaleway server booted from a volume by its root volume id, as the provider takes exactly one of the two' {
        $booted = [ReleaseOps.ProjectNode]@{ Provider = 'Scaleway'; Id = '44444444-4444-4444-8444-444444444444'; Name = 'vol-boot'; Project = 'vol'; Region = 'nl-ams-1'; Size = 'DEV1-S'
            Volumes = [string[]]@('55555555-5555-4555-8555-555555555555:sbs_volume'); DiskGB = 20; Tags = [string[]]@('project:vol') }
        $dir = Join-Path $TestDrive 'booted'
        $null = $booted | Export-TerraformConfiguration -Path $dir -ErrorAction Stop
        & $terraform fmt -check $dir 2>&1 | Out-Null
        $LASTEXITCODE | Should -Be 0
        $server = ((Read-Hcl -Text (Get-Content (Join-Path $dir 'scaleway.tf') -Raw)).Blocks | Where-Object Type -EQ resource)[0]
        Test-TerraformResource -Block $server -Schemas $schemas | Should -BeNullOrEmpty
        $server.Attributes.Contains('image') | Should -BeFalse
        $root = $server.Blocks | Where-Object Type -EQ root_volume
        $root.Attributes.volume_id.Value | Should -Be 'nl-ams-1/55555555-5555-4555-8555-555555555555'
        $root.Attributes.size_in_gb.Value | Should -Be 20
    }

    It '-WhatIf writes nothing and reports WouldWrite' {
        $dir = Join-Path $TestDrive 'whatif'
        $result = @($nodes | Export-TerraformConfiguration -Path $dir -WhatIf)
        $result.Status | Select-Object -Unique | Should -Be 'WouldWrite'
        Test-Path $dir | Should -BeFalse
    }

    It 'refuses an object that is neither a node nor a record, with a stable id' {
        { 'not a node' | Export-TerraformConfiguration -Path (Join-Path $TestDrive 'bad') -ErrorAction Stop } | Should -Throw -ErrorId 'UnsupportedInput,ReleaseOps.Commands.ExportTerraformConfigurationCommand'
    }

    It 'names a missing public key file in a clear error' {
        { $droplet | Export-TerraformConfiguration -Path (Join-Path $TestDrive 'nokey') -PublicKey (Join-Path $TestDrive 'missing.pub') -ErrorAction Stop } |
            Should -Throw -ErrorId 'PublicKeyNotFound,ReleaseOps.Commands.ExportTerraformConfigurationCommand'
    }

    It 'refuses to write through a link planted as the folder' {
        if ($IsWindows) { Set-ItResult -Skipped -Because 'links need privileges on Windows' ; return }
        $target = Join-Path $TestDrive 'elsewhere'
        New-Item -ItemType Directory $target | Out-Null
        $link = Join-Path $TestDrive 'linked'
        New-Item -ItemType SymbolicLink -Path $link -Target $target | Out-Null
        { $droplet | Export-TerraformConfiguration -Path $link -ErrorAction Stop } | Should -Throw -ErrorId 'LocalPathUnsafe,ReleaseOps.Commands.ExportTerraformConfigurationCommand'
        @(Get-ChildItem $target).Count | Should -Be 0
    }
}
