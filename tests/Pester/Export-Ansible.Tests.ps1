# Export-AnsibleInventory and Export-AnsiblePlaybook with Debian's real Ansible (ansible-inventory, ansible-playbook)
# against real sshd sandbox nodes: the playbook and Initialize-Node stay equivalent in both directions.
BeforeAll {
    Import-Module $env:RELEASEOPS_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'SshFixtures.psm1') -Force
    $script:playbookExe = (Get-Command ansible-playbook -CommandType Application -ErrorAction Stop | Select-Object -First 1).Source
    $script:inventoryExe = (Get-Command ansible-inventory -CommandType Application -ErrorAction Stop | Select-Object -First 1).Source
    $script:ctx = New-SshTestContext -Directory (Join-Path $TestDrive 'ssh')
    $global:PSDefaultParameterValues = $ctx.Defaults.Clone()
    & ssh-keygen -q -t ed25519 -N '' -C 'erin@laptop' -f (Join-Path $TestDrive 'erin') | Out-Null
    & ssh-keygen -q -t ed25519 -N '' -C 'finn@laptop' -f (Join-Path $TestDrive 'finn') | Out-Null
    $script:team = @(
        @{ Name = 'Erin Admin'; Login = 'erin'; PublicKey = (Get-Content (Join-Path $TestDrive 'erin.pub')) }
        @{ Name = 'Finn Admin'; Login = 'finn'; PublicKey = (Get-Content (Join-Path $TestDrive 'finn.pub')) }
    )
    $script:playbook = Join-Path $TestDrive 'bootstrap.yml'
    $null = Export-AnsiblePlaybook -Path $playbook -Team $team -Docker -ErrorAction Stop
    # Ansible's own ssh, with the test's key, known_hosts (host keys checked) and empty ssh_config; no ~/.ansible.cfg.
    $env:ANSIBLE_CONFIG = Join-Path $TestDrive 'ansible.cfg'
    Set-Content $env:ANSIBLE_CONFIG "[defaults]`nhost_key_checking = True`nlocal_tmp = $(Join-Path $TestDrive 'ansible-tmp')`n"
    $env:ANSIBLE_NOCOLOR = '1'
    $script:sshArgs = @('--private-key', $ctx.IdentityFile, '--ssh-common-args', "-F $($ctx.ConfigFile) -o UserKnownHostsFile=$($ctx.KnownHostsFile) -o IdentitiesOnly=yes")
    function Invoke-Playbook([string] $Inventory, [string[]] $Extra = @()) {
        $out = & $playbookExe -i $Inventory $playbook @sshArgs @Extra 2>&1 | Out-String
        [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = $out }
    }
    function Get-Recap([string] $Output, [string] $HostName) {
        $m = [regex]::Match($Output, [regex]::Escape($HostName) + '\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)')
        if (-not $m.Success) { throw "No recap for $HostName in:`n$Output" }
        [pscustomobject]@{ Ok = [int]$m.Groups[1].Value; Changed = [int]$m.Groups[2].Value; Unreachable = [int]$m.Groups[3].Value; Failed = [int]$m.Groups[4].Value }
    }
}

AfterAll {
    Get-ProjectNode -Provider Sandbox | Remove-ProjectNode -Force -KnownHostsFile $ctx.KnownHostsFile
    $global:PSDefaultParameterValues = @{}
    Remove-Item env:ANSIBLE_CONFIG, env:ANSIBLE_NOCOLOR -ErrorAction SilentlyContinue
}

Describe 'Export-AnsibleInventory' {
    BeforeAll {
        $script:nodeA = New-TestNode -Client inva -Project shop
        $script:nodeB = New-TestNode -Client invb -Project shop
        $script:invDir = Join-Path $TestDrive 'inventory'
        $script:files = @($nodeA, $nodeB | Export-AnsibleInventory -Path $invDir -ConfigFile $ctx.ConfigFile -ErrorAction Stop)
    }

    It 'writes inventory.yml and an executable inventory.py, and reports both' {
        ($files.Path | ForEach-Object { Split-Path $_ -Leaf }) | Should -Be @('inventory.yml', 'inventory.py')
        $files.Items | Select-Object -Unique | Should -Be 2
        [int](Get-Item (Join-Path $invDir 'inventory.py')).UnixFileMode | Should -Be 448 -Because 'the script is 0700'
        [int](Get-Item (Join-Path $invDir 'inventory.yml')).UnixFileMode | Should -Be 384 -Because 'the YAML is 0600'
    }

    It 'answers --list and --host, and real ansible-inventory reads the YAML and the script alike' {
        $list = & (Join-Path $invDir 'inventory.py') --list | ConvertFrom-Json -AsHashtable
        $LASTEXITCODE | Should -Be 0
        $list['project_shop'].hosts | Sort-Object | Should -Be @('shop-inva', 'shop-invb')
        $list['provider_sandbox'].hosts.Count | Should -Be 2
        $list['region_local'].hosts.Count | Should -Be 2
        $list['_meta'].hostvars['shop-inva'].ansible_port | Should -Be $nodeA.Port
        $hostVars = & (Join-Path $invDir 'inventory.py') --host shop-invb | ConvertFrom-Json
        $hostVars.ansible_host | Should -Be '127.0.0.1'
        $hostVars.ansible_port | Should -Be $nodeB.Port
        $hostVars.ansible_user | Should -Be 'root'
        (& (Join-Path $invDir 'inventory.py') --host nobody) | Should -Be '{}'

        $fromYaml = & $inventoryExe -i (Join-Path $invDir 'inventory.yml') --list 2>&1 | Out-String
        $LASTEXITCODE | Should -Be 0 -Because $fromYaml
        $fromScript = & $inventoryExe -i (Join-Path $invDir 'inventory.py') --list 2>&1 | Out-String
        $LASTEXITCODE | Should -Be 0 -Because $fromScript
        $y = $fromYaml | ConvertFrom-Json -AsHashtable
        $s = $fromScript | ConvertFrom-Json -AsHashtable
        foreach ($h in 'shop-inva', 'shop-invb') {
            foreach ($v in 'ansible_host', 'ansible_port', 'ansible_user', 'releaseops_project', 'releaseops_provider') {
                $y['_meta'].hostvars[$h][$v] | Should -Be $s['_meta'].hostvars[$h][$v] -Because "$h $v"
            }
        }
        $y['project_shop'].hosts | Sort-Object | Should -Be ($s['project_shop'].hosts | Sort-Object)
    }

    It 'takes ansible_host, ansible_port and ansible_user from ssh_config as the module''s own connections do' {
        $config = Join-Path $TestDrive 'alias_config'
        Set-Content $config "Host web-alias`n  HostName 192.0.2.44`n  User deploy`n  Port 2202`n"
        $alias = [ReleaseOps.ProjectNode]@{ Provider = 'Client'; Id = 'client-web'; Name = 'web'; Project = 'web'; Role = 'production'; Region = 'client'; HostName = 'web-alias'; Port = 2202; User = '' }
        $dir = Join-Path $TestDrive 'alias'
        $null = $alias | Export-AnsibleInventory -Path $dir -ConfigFile $config -ErrorAction Stop
        $v = & (Join-Path $dir 'inventory.py') --host web | ConvertFrom-Json
        $v.ansible_host | Should -Be '192.0.2.44'
        $v.ansible_user | Should -Be 'deploy'
        $v.ansible_port | Should -Be 2202
        $v.releaseops_role | Should -Be 'production'
        (& (Join-Path $dir 'inventory.py') --list | ConvertFrom-Json -AsHashtable)['role_production'].hosts | Should -Be @('web')
    }

    It 'keeps hostile names and tags as data: the script runs none of it, and Ansible reads them back exactly' {
        $evil = 'x"; import os; os.system("touch /tmp/pwned-by-inventory"); "' + "`n- injected: yes # ' \\ {{ lookup('pipe','id') }}"
        $node = [ReleaseOps.ProjectNode]@{ Provider = 'Client'; Id = 'client-evil'; Name = 'evil'; Project = $evil; Region = 'client'; HostName = '127.0.0.9'; Port = 22; User = 'root' }
        $dir = Join-Path $TestDrive 'hostile'
        $null = $node | Export-AnsibleInventory -Path $dir -ConfigFile $ctx.ConfigFile -ErrorAction Stop
        $list = & (Join-Path $dir 'inventory.py') --list | ConvertFrom-Json -AsHashtable
        $list['_meta'].hostvars['evil'].releaseops_project | Should -BeExactly $evil
        Test-Path /tmp/pwned-by-inventory | Should -BeFalse
        (Get-Content (Join-Path $dir 'inventory.py') -Raw) | Should -Not -Match 'import os'
        $yaml = & $inventoryExe -i (Join-Path $dir 'inventory.yml') --list 2>&1 | Out-String
        $LASTEXITCODE | Should -Be 0
        ($yaml | ConvertFrom-Json -AsHashtable)['_meta'].hostvars['evil'].releaseops_project | Should -BeExactly $evil
        $parsedYaml = $yaml | ConvertFrom-Json -AsHashtable
        $parsedYaml['_meta'].hostvars['evil'].Keys | Should -Not -Contain 'injected'
        $parsedYaml.Keys | Should -Not -Contain 'injected'
        # The value becomes a group name only as letters, digits and _.
        @($parsedYaml.Keys | Where-Object { $_ -like 'project_*' }) | Should -Match '^project_[a-z0-9_]+$'
    }

    It '-WhatIf writes nothing' {
        $dir = Join-Path $TestDrive 'whatif'
        (@($nodeA | Export-AnsibleInventory -Path $dir -ConfigFile $ctx.ConfigFile -WhatIf).Status | Select-Object -Unique) | Should -Be 'WouldWrite'
        Test-Path $dir | Should -BeFalse
    }
}

Describe 'Export-AnsiblePlaybook and Initialize-Node stay equivalent' {
    It 'writes a playbook that uses only ansible.builtin and ansible.posix, and checks the sudoers file with visudo' {
        $text = Get-Content $playbook -Raw
        $modules = [regex]::Matches($text, '(?m)^\s+([a-z_]+\.[a-z_]+\.[a-z_]+):') | ForEach-Object { $_.Groups[1].Value } | Select-Object -Unique
        $modules | Where-Object { $_ -notmatch '^(ansible\.builtin|ansible\.posix|community\.general)\.' } | Should -BeNullOrEmpty
        $text | Should -Match 'validate: "visudo -cf %s"'
        $out = & $playbookExe --syntax-check -i 'localhost,' $playbook 2>&1 | Out-String
        $LASTEXITCODE | Should -Be 0 -Because $out
    }

    It 'playbook first: ansible-playbook brings a fresh node to the baseline, then Initialize-Node reports only Unchanged' {
        $node = New-TestNode -Client ansfirst
        $dir = Join-Path $TestDrive 'first'
        $null = $node | Export-AnsibleInventory -Path $dir -ConfigFile $ctx.ConfigFile -ErrorAction Stop
        $run = Invoke-Playbook -Inventory (Join-Path $dir 'inventory.yml')
        $run.ExitCode | Should -Be 0 -Because $run.Output
        $recap = Get-Recap $run.Output $node.Name
        $recap.Failed | Should -Be 0
        $recap.Changed | Should -BeGreaterThan 0
        $steps = $node | Initialize-Node -Team $team -Docker -ErrorAction Stop
        $steps.Count | Should -BeGreaterThan 8
        @($steps | Where-Object Status -NE 'Unchanged' | ForEach-Object { "$($_.Step): $($_.Status) ($($_.Detail))" }) | Should -BeNullOrEmpty
        ($node | Invoke-NodeCommand -Command 'visudo -cf /etc/sudoers.d/releaseops-dev >/dev/null && id -Gn erin' -ErrorAction Stop).Output | Should -Match '\bdev\b.*\bsudo\b|\bsudo\b.*\bdev\b'
    }

    It 'Initialize-Node first: then ansible-playbook --check --diff (through the dynamic inventory) reports no change' {
        $node = New-TestNode -Client initfirst
        $steps = $node | Initialize-Node -Team $team -Docker -ErrorAction Stop
        $steps.Status | Should -Not -Contain 'Failed'
        ($steps | Where-Object Step -EQ 'Account finn').Status | Should -Be 'Changed'
        $dir = Join-Path $TestDrive 'second'
        $null = $node | Export-AnsibleInventory -Path $dir -ConfigFile $ctx.ConfigFile -ErrorAction Stop
        $run = Invoke-Playbook -Inventory (Join-Path $dir 'inventory.py') -Extra @('--check', '--diff')
        $run.ExitCode | Should -Be 0 -Because $run.Output
        $recap = Get-Recap $run.Output $node.Name
        $recap.Failed | Should -Be 0
        $recap.Changed | Should -Be 0 -Because $run.Output
        $recap.Ok | Should -BeGreaterThan 8
    }

    It 'refuses a roster Initialize-Node would refuse, with the same ids' {
        { Export-AnsiblePlaybook -Path (Join-Path $TestDrive 'bad.yml') -Team @{ Name = 'X'; Login = 'Bad Login'; PublicKey = (Get-Content (Join-Path $TestDrive 'erin.pub')) } -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidLogin,ReleaseOps.Commands.ExportAnsiblePlaybookCommand'
        { Export-AnsiblePlaybook -Path (Join-Path $TestDrive 'bad.yml') -Team $team[0], $team[0] -ErrorAction Stop } |
            Should -Throw -ErrorId 'DuplicateLogin,ReleaseOps.Commands.ExportAnsiblePlaybookCommand'
        Test-Path (Join-Path $TestDrive 'bad.yml') | Should -BeFalse
    }
}
