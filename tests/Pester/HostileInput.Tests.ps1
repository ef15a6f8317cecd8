# The hostile-input suite (SECURITY.md, "Bad input"): hostile values through every parameter that reaches a shell, a
# path or a file on the node or on this machine. Each value must be refused with a clear, specific error id (never a
# generic NodeCommandFailed, a .NET exception or no id), and nothing may change: a listing of the node's /etc, /home,
# /root, /srv, /opt and /var/tmp (names, modes, owners, sizes and sha256) is the same before and after the whole
# suite, no canary file appears, and the local repository keeps its refs.
BeforeDiscovery {
    $zw = [string][char]0x200B; $rtl = [string][char]0x202E; $div = [string][char]0x2215; $dot = [string][char]0xFF0E
    # Values that are never a name: links out of a folder, NUL, line breaks, options, shell syntax, look-alike Unicode,
    # invisible characters, very long and empty values.
    $script:names = @(
        '../../etc', '..', '.', 'a/b', "a`0b", "a`nb", "a`rb", "a`tb", '-rf', '--help', '-oProxyCommand=touch /var/tmp/pwned',
        '$(touch /var/tmp/pwned)', '`touch /var/tmp/pwned`', 'a;touch /var/tmp/pwned', 'a|id', "a'b", 'a"b',
        "$([char]0xFF41)$([char]0xFF4C)ice", "$([char]0x0430)lice", "ali${zw}ce", "ali${rtl}ce", ('a' * 5000), '', ' ', '*', '~root'
    )
    # Values that are never a folder to sync: relative, '.' and '..' segments, the root and system folders, NUL and
    # line breaks, a leading '-', look-alike slashes and dots, invisible characters, very long values.
    $script:paths = @(
        'relative/path', '../etc', '/srv/..', '/srv/../etc', '/.', '/', '//', '/srv/./app', '/srv/app/../../etc', '/etc', '/usr/', '/home',
        '/var/lib/docker', "/srv/a`0b", "/srv/a`nb", '-rf', "/srv/app${div}..${div}etc", "/srv/${dot}${dot}", "/srv/a${zw}b", "/srv/a${rtl}b",
        ('/srv/' + ('a' * 5000)), ''
    )
    # Host names ssh would refuse, or that would reach a resolver: options, shell syntax, line breaks, non-ASCII.
    $script:hosts = @(
        '-oProxyCommand=touch /var/tmp/pwned', '-p', "host`nname", 'a;touch /var/tmp/pwned', '$(touch /var/tmp/pwned)', 'a b', "h${zw}ost",
        "$([char]0xFF48)ost", "ho$([char]0x0455)t", ('a' * 5000), 'a|b', '`id`'
    )
    # Git branch and ref names that git refuses (New-FeatureBranch, Start-Hotfix, Deploy-ProjectStack -Ref).
    $script:refs = @(
        '..', 'a..b', '-rf', '--upload-pack=touch /var/tmp/pwned', "a`0b", "a`nb", 'a b', 'a~1', 'a^', 'a:b', 'a?b', 'a*b', 'a[b', 'a\b',
        '/a', 'a/', 'a.lock', 'a//b', '@{-1}', '@', ('a' * 300), '', "a${zw}b"
    )
    $script:ids = @('../../etc/passwd', '..', "a`nb", '/etc/passwd', 'x/../../y', ('a' * 5000), "a`0b", '-rf')
    $script:databases = @("a`0b", "a`nb", "a`tb", ('a' * 64), '')

    $cases = [System.Collections.Generic.List[object]]::new()
    function Add-Cases([string] $Cmdlet, [string] $Parameter, [object[]] $Values) {
        foreach ($v in $Values) { $cases.Add(@{ Cmdlet = $Cmdlet; Parameter = $Parameter; Value = $v; Shown = ($v.Length -gt 40 ? "$($v.Substring(0, 20))...($($v.Length) chars)" : ($v -replace "`0", '\0' -replace "`n", '\n' -replace "`r", '\r' -replace "`t", '\t')) }) }
    }
    Add-Cases 'Add-NodeUser' 'Login' $names
    Add-Cases 'Remove-NodeUser' 'Login' $names
    Add-Cases 'Get-NodeUser' 'Login' $names
    Add-Cases 'Add-NodeSshKey' 'ForUser' $names
    Add-Cases 'Get-NodeHistory' 'ForUser' $names
    Add-Cases 'Sync-NodeFile' 'Path' $paths
    Add-Cases 'Sync-NodeFile' 'TargetPath' $paths
    Add-Cases 'Invoke-Migration' 'FilePath' $paths
    Add-Cases 'Invoke-Migration' 'StackPath' $paths
    Add-Cases 'Sync-NodeDatabase' 'Database' $databases
    Add-Cases 'Sync-NodeDatabase' 'ComposeService' $names
    Add-Cases 'Sync-NodeDatabase' 'SystemUser' $names
    Add-Cases 'Invoke-NodeCommand' 'HostName' $hosts
    Add-Cases 'Sync-NodeFile' 'DirectAddress' $hosts
    Add-Cases 'Invoke-Migration' 'DirectAddress' $hosts
    # Addresses that would widen a temporary key's from= (patterns, masks, lists, names, any).
    $script:froms = @('*', '10.0.0.0/8', '0.0.0.0', '::', '1.2.3.4,5.6.7.8', '1.2.3.4"', '!1.2.3.4', 'old.example.com', '-oProxyCommand=x', "1.2.3.4`n5.6.7.8")
    Add-Cases 'Sync-NodeFile' 'DirectFrom' $froms
    Add-Cases 'Invoke-Migration' 'DirectFrom' $froms
    # An empty -User is "no user" by design (a ProjectNode without one binds it from the pipeline), so not a hostile value here.
    Add-Cases 'Invoke-NodeCommand' 'User' ($names | Where-Object { $_ -ne '' })
    Add-Cases 'New-FeatureBranch' 'Name' $refs
    Add-Cases 'Start-Hotfix' 'Name' $refs
    Add-Cases 'Deploy-ProjectStack' 'Ref' $refs
    Add-Cases 'Resume-Migration' 'Id' $ids
    Add-Cases 'Get-Migration' 'Id' $ids
    Add-Cases 'New-ProjectNode' 'Project' $names
    # An empty -Client is the project's own node by design.
    Add-Cases 'New-ProjectNode' 'Client' ($names | Where-Object { $_ -ne '' })
    Add-Cases 'Register-ReleaseSchedule' 'Name' $names
    $script:allCases = $cases
}

BeforeAll {
    Import-Module $env:RELEASEOPS_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'SshFixtures.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'GitFixtures.psm1') -Force
    $script:ctx = New-SshTestContext -Directory (Join-Path $TestDrive 'ssh')
    $global:PSDefaultParameterValues = $ctx.Defaults.Clone()
    $env:RELEASEOPS_MIGRATIONS = Join-Path $TestDrive 'migrations'
    $script:node = New-TestNode -Client hostile
    $script:other = New-TestNode -Client hostile2
    # A team account, a folder to sync, a checkout to deploy: what a value must not reach.
    $setup = @'
set -e
groupadd -f dev; useradd -m -p '*' -G dev alice
mkdir -p /srv/app/uploads /srv/stack && echo upload > /srv/app/uploads/a.txt
ln -s / /srv/link-to-root
'@
    $null = $node | Invoke-NodeCommand -Command $setup -ErrorAction Stop
    $script:repo = New-ReleaseRepo -Directory (Join-Path $TestDrive 'repo')
    $settings = Join-Path $TestDrive 'deploy'
    $null = New-Item -ItemType Directory -Path $settings
    Set-Content "$settings/releaseops.psd1" "@{ Slug = 'app'; StackPath = '/srv/deployed'; RepositoryUrl = 'file://$($repo.Origin)'; StackUpCommand = 'true' }"
    $script:deploySettings = $settings
    # The origin lives where the node sees it.
    $shared = "/var/tmp/ro-hostile-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
    $null = & git clone -q --bare $repo.Origin $shared
    Set-Content "$settings/releaseops.psd1" "@{ Slug = 'app'; StackPath = '/srv/deployed'; RepositoryUrl = 'file://$shared'; StackUpCommand = 'true' }"
    $script:sharedOrigin = $shared
    $null = $node | Deploy-ProjectStack -Ref develop -Path $settings -ErrorAction Stop

    $script:NodeState = {
        $cmd = 'find /etc /home /root /srv /opt /var/tmp -xdev \( -path /var/tmp/ro-hostile-\* -prune \) -o -printf "%p %m %u %s\n" 2>/dev/null | LC_ALL=C sort; ' +
            'find /etc /home /root /srv /opt -xdev -type f -print0 2>/dev/null | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum; ls /var/tmp | grep -c pwned || true'
        ($node | Invoke-NodeCommand -Command $cmd -ErrorAction Stop).Output + ($other | Invoke-NodeCommand -Command $cmd -ErrorAction Stop).Output
    }
    $script:RepoState = { (& git -C $repo.Work for-each-ref --format='%(refname) %(objectname)') -join "`n" }
    $script:nodesBefore = @(Get-ProjectNode -Provider Sandbox).Name
    $script:nodeBefore = & $NodeState
    $script:repoBefore = & $RepoState

    # Runs one cmdlet with one hostile value; returns the error record (or $null when it did not fail).
    $script:Invoke = {
        param([string] $Cmdlet, [string] $Parameter, [string] $Value)
        $p = @{ ErrorAction = 'Stop'; Confirm = $false }
        switch ($Cmdlet) {
            'Add-NodeUser' { $p.InputObject = $node; $p.PublicKey = (Get-Content $ctx.PublicKeyFile) }
            'Remove-NodeUser' { $p.InputObject = $node; $p.Force = $true }
            'Get-NodeUser' { $p.InputObject = $node }
            'Add-NodeSshKey' { $p.InputObject = $node; $p.PublicKey = (Get-Content $ctx.PublicKeyFile) }
            'Get-NodeHistory' { $p.InputObject = $node }
            'Sync-NodeFile' { $p.Source = $node; $p.Target = $other; $p.Path = '/srv/app/uploads'; $p.Force = $true }
            'Invoke-Migration' { $p.Source = $node; $p.Target = $other; $p.Project = 'app'; $p.Force = $true; $p.StackPath = '/srv/stack' }
            'Sync-NodeDatabase' { $p.Source = $node; $p.Target = $other; $p.Database = 'shop'; $p.Force = $true }
            'Invoke-NodeCommand' { $p.Command = 'touch /var/tmp/pwned-by-command'; if ($Parameter -ne 'HostName') { $p.HostName = $node.HostName; $p.Port = $node.Port } }
            'New-FeatureBranch' { $p.Path = $repo.Work }
            'Start-Hotfix' { $p.Path = $repo.Work }
            'Deploy-ProjectStack' { $p.InputObject = $node; $p.Path = $deploySettings }
            'Resume-Migration' { $p.Force = $true }
            'Get-Migration' { }
            'New-ProjectNode' { $p.Provider = 'Sandbox'; $p.Project = 'pester'; $p.Client = 'x'; $p.PublicKey = $ctx.PublicKeyFile; $p.KnownHostsFile = $ctx.KnownHostsFile }
            'Register-ReleaseSchedule' { $p.Path = $repo.Work; $p.OutputDirectory = (Join-Path $TestDrive 'schedule'); $p.Method = 'Cron' }
        }
        $p[$Parameter] = $Value
        if ($Cmdlet -eq 'Sync-NodeFile' -and $Parameter -in 'DirectAddress', 'DirectFrom') { $p.Direct = $true }
        if ($Cmdlet -eq 'Invoke-Migration' -and $Parameter -eq 'DirectAddress') { $p.DirectFileSync = $true }
        if ($Cmdlet -eq 'Sync-NodeDatabase' -and $Parameter -eq 'ComposeService') { $p.ComposeDirectory = '/srv/stack' }
        try { $null = & $Cmdlet @p; $null }
        catch { $_ }
    }
    $script:Generic = '^(NodeCommandFailed|NodeStepFailed|DeployScriptFailed|DatabaseCommandFailed|RuntimeException|NativeCommandError|System\.)'
}

AfterAll {
    Get-ProjectNode -Provider Sandbox | Where-Object { $_.Name -like 'pester-hostile*' -or $_.Name -notin $nodesBefore } | Remove-ProjectNode -Force -KnownHostsFile $ctx.KnownHostsFile
    Remove-Item -Recurse -Force $sharedOrigin -ErrorAction SilentlyContinue
    Remove-Item env:RELEASEOPS_MIGRATIONS -ErrorAction SilentlyContinue
    $global:PSDefaultParameterValues = @{}
}

Describe 'Hostile input' {
    It 'has at least 100 hostile values across the cmdlets' -ForEach @{ Count = $allCases.Count } {
        $Count | Should -BeGreaterOrEqual 100
    }

    It '<Cmdlet> -<Parameter> <Shown>: refused with a specific error id' -ForEach $allCases {
        $err = & $Invoke $Cmdlet $Parameter $Value
        $err | Should -Not -BeNullOrEmpty -Because "$Cmdlet -$Parameter '$Shown' must be refused"
        $id = ($err.FullyQualifiedErrorId -split ',')[0]
        $id | Should -Match '^[A-Z][A-Za-z]+$' -Because "the error of $Cmdlet -$Parameter '$Shown' needs a stable id, not '$($err.FullyQualifiedErrorId)'"
        $id | Should -Not -Match $Generic -Because "the error of $Cmdlet -$Parameter '$Shown' must say what is wrong ($($err.Exception.Message))"
    }

    It 'changed nothing on the nodes and in the repository, created no node, and ran nothing' {
        (& $NodeState) | Should -Be $nodeBefore
        @(Get-ProjectNode -Provider Sandbox).Name | Should -Be $nodesBefore
        (& $RepoState) | Should -Be $repoBefore
        Test-Path (Join-Path $TestDrive 'schedule') | Should -BeFalse
    }
}
