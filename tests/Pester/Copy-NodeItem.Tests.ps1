BeforeAll {
    Import-Module $env:RELEASEOPS_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'SshFixtures.psm1') -Force
    $script:ctx = New-SshTestContext -Directory (Join-Path $TestDrive 'ssh')
    $global:PSDefaultParameterValues = $ctx.Defaults.Clone()
    $script:node = New-TestNode -Client copy
    $script:src = Join-Path $TestDrive 'site'
    $null = New-Item -ItemType Directory -Path "$src/static/css", "$src/media"
    Set-Content "$src/docker-compose.yml" "services:`n  web:`n    image: nginx"
    Set-Content "$src/static/css/app.css" 'body { color: red }'
    Set-Content "$src/media/it's a ""file"" $(whoami).txt" 'odd name'
    $bytes = [byte[]]::new(3MB); [System.Random]::new(1).NextBytes($bytes)
    [System.IO.File]::WriteAllBytes("$src/media/blob.bin", $bytes)
}

AfterAll {
    $node | Remove-ProjectNode -Force
    $global:PSDefaultParameterValues = @{}
}

Describe 'Copy-NodeItem' {
    It 'uploads a folder with odd names, and the node has the same bytes' {
        $results = $node | Copy-NodeItem -Path $src -Destination /srv/site
        $results | Should -HaveCount 4
        ($results | Measure-Object Length -Sum).Sum | Should -Be ((Get-ChildItem $src -Recurse -File | Measure-Object Length -Sum).Sum)
        $remote = ($node | Invoke-NodeCommand -Command 'cd /srv/site && find . -type f ! -name "*.partial" -exec sha256sum {} + | sort -k 2').Output.Trim().Split("`n")
        $local = Get-ChildItem $src -Recurse -File | ForEach-Object { '{0}  ./{1}' -f (Get-FileHash $_.FullName -Algorithm SHA256).Hash.ToLowerInvariant(), [System.IO.Path]::GetRelativePath($src, $_.FullName) } | Sort-Object { $_.Split('  ', 2)[1] } -Culture ([cultureinfo]::InvariantCulture)
        ($remote | Sort-Object) | Should -Be ($local | Sort-Object)
    }

    It 'downloads a folder back, byte for byte, leaving no partial files' {
        $back = Join-Path $TestDrive 'back'
        $null = $node | Copy-NodeItem -RemotePath /srv/site -LocalPath $back
        foreach ($f in Get-ChildItem $src -Recurse -File) {
            $copy = Join-Path $back ([System.IO.Path]::GetRelativePath($src, $f.FullName))
            (Get-FileHash $copy).Hash | Should -Be (Get-FileHash $f.FullName).Hash
        }
        Get-ChildItem $back -Recurse -Filter '*.partial' | Should -BeNullOrEmpty
    }

    It 'never writes through a .partial link that a node user planted in the destination folder' {
        # As root, into a folder that alice owns: alice links the predictable .partial name to a root file.
        $null = $node | Invoke-NodeCommand -Command 'useradd -m -p "*" alice && printf "root secret\n" > /etc/releaseops-secret && chmod 600 /etc/releaseops-secret && setpriv --reuid=alice --regid=alice --init-groups ln -s /etc/releaseops-secret /home/alice/docker-compose.yml.partial' -ErrorAction Stop
        $r = $node | Copy-NodeItem -Path "$src/docker-compose.yml" -Destination /home/alice/docker-compose.yml -ErrorAction Stop
        $r.Length | Should -BeGreaterThan 0
        ($node | Invoke-NodeCommand -Command 'cat /etc/releaseops-secret; stat -c "%U %a" /etc/releaseops-secret; test -L /home/alice/docker-compose.yml.partial && echo link-left || echo no-link; grep -c nginx /home/alice/docker-compose.yml').Output |
            Should -Be "root secret`nroot 600`nno-link`n1`n"
        # The target name itself as a link: the upload replaces the link, and the root file keeps its content.
        $null = $node | Invoke-NodeCommand -Command 'setpriv --reuid=alice --regid=alice --init-groups ln -s /etc/releaseops-secret /home/alice/app.yml' -ErrorAction Stop
        $null = $node | Copy-NodeItem -Path "$src/docker-compose.yml" -Destination /home/alice/app.yml -ErrorAction Stop
        ($node | Invoke-NodeCommand -Command 'cat /etc/releaseops-secret; test -L /home/alice/app.yml && echo link || echo file').Output | Should -Be "root secret`nfile`n"
    }

    It 'uploads one file under the home folder with ~/' {
        $r = $node | Copy-NodeItem -Path "$src/docker-compose.yml" -Destination '~/stack/docker-compose.yml'
        $r.Destination | Should -Be '/root/stack/docker-compose.yml'
        ($node | Invoke-NodeCommand -Command 'cat ~/stack/docker-compose.yml').Output | Should -Match 'image: nginx'
    }

    It 'shows progress and closes it' {
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddCommand('Import-Module').AddArgument($env:RELEASEOPS_MODULE).AddStatement().AddCommand('Copy-NodeItem').AddParameters(@{
                    HostName = $node.HostName; Port = $node.Port; Path = "$src/media/blob.bin"; Destination = '/tmp/blob.bin'
                    IdentityFile = $ctx.IdentityFile; KnownHostsFile = $ctx.KnownHostsFile; ConfigFile = $ctx.ConfigFile })
            $null = $ps.Invoke()
            $ps.HadErrors | Should -BeFalse
            $upload = @($ps.Streams.Progress | Where-Object ActivityId -EQ 4300)
            $upload.Count | Should -BeGreaterThan 1
            $upload[-1].RecordType | Should -Be 'Completed'
        }
        finally { $ps.Dispose() }
    }

    It 'reports missing paths with stable ids' {
        { $node | Copy-NodeItem -Path (Join-Path $TestDrive 'nope') -Destination /tmp/x -ErrorAction Stop } | Should -Throw -ErrorId 'LocalPathNotFound,ReleaseOps.Commands.CopyNodeItemCommand'
        $null = $node | Copy-NodeItem -RemotePath /no/such/file -LocalPath (Join-Path $TestDrive 'x') -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -Be 'RemotePathNotFound,ReleaseOps.Commands.CopyNodeItemCommand'
    }
}

Describe 'Copy-NodeItem from a hostile node, or into a destination another user planted' {
    # Issue #13: a compromised node must not make a download write outside its destination on the admin's machine,
    # and another local user (nobody, uid 65534) must not redirect it with links planted in a shared folder.
    BeforeAll {
        $null = $node | Invoke-NodeCommand -Command 'mkdir -p /srv/hostile/sub && echo ok > /srv/hostile/sub/real.txt && ln -sfn /etc /srv/hostile/etc && ln -sfn /etc/shadow /srv/hostile/shadow && ln -sfn / /srv/hostile/sub/root && ln -sfn /srv/hostile/sub /srv/l'
        $script:shared = Join-Path $TestDrive 'shared'
        $null = New-Item -ItemType Directory -Path $shared
        & chmod 1777 $shared
        $script:victim = Join-Path $TestDrive 'victim'
        $null = New-Item -ItemType Directory -Path $victim
        Set-Content "$victim/keep.txt" 'keep'
        function Invoke-AsNobody { & setpriv --reuid=65534 --regid=65534 --clear-groups -- @args; if ($LASTEXITCODE) { throw "as nobody: $args failed" } }
    }

    It 'copies no link from the node, so nothing of the node''s /etc, and says what it skipped' {
        $dl = Join-Path $TestDrive 'hostile'
        $r = $node | Copy-NodeItem -RemotePath /srv/hostile -LocalPath $dl -WarningVariable warns -WarningAction SilentlyContinue
        @($r).Count | Should -Be 1
        $r.Destination | Should -Be (Join-Path $dl 'sub/real.txt')
        @(Get-ChildItem $dl -Recurse -Force | ForEach-Object FullName | Sort-Object) | Should -Be @((Join-Path $dl 'sub'), (Join-Path $dl 'sub/real.txt'))
        @($warns).Count | Should -Be 3
        "$warns" | Should -Match 'symbolic link'
    }

    It 'lays out a folder reached through a link on the node under the destination, by the names it asked for' {
        $dl = Join-Path $TestDrive 'vialink'
        $r = $node | Copy-NodeItem -RemotePath /srv/l -LocalPath $dl -WarningAction SilentlyContinue
        $r.Destination | Should -Be (Join-Path $dl 'real.txt')
        Get-Content (Join-Path $dl 'real.txt') | Should -Be 'ok'
    }

    It 'refuses a destination planted as a link to another folder, and writes nothing through it' {
        Invoke-AsNobody ln -s $victim "$shared/dl"
        { $node | Copy-NodeItem -RemotePath /srv/hostile/sub -LocalPath "$shared/dl" -WarningAction SilentlyContinue -ErrorAction Stop } |
            Should -Throw -ErrorId 'LocalPathUnsafe,ReleaseOps.Commands.CopyNodeItemCommand'
        @(Get-ChildItem $victim -Force).Name | Should -Be 'keep.txt'
    }

    It 'refuses a destination folder that another user owns, with a .partial link planted in it' {
        Invoke-AsNobody mkdir -m 777 "$shared/dl2"
        Invoke-AsNobody ln -s "$victim/keep.txt" "$shared/dl2/real.txt.partial"
        { $node | Copy-NodeItem -RemotePath /srv/hostile/sub -LocalPath "$shared/dl2" -WarningAction SilentlyContinue -ErrorAction Stop } |
            Should -Throw -ErrorId 'LocalPathUnsafe,ReleaseOps.Commands.CopyNodeItemCommand'
        Get-Content "$victim/keep.txt" | Should -Be 'keep'
    }

    It 'replaces links planted at a single file''s name and its .partial, never writing through them' {
        Invoke-AsNobody ln -s "$victim/keep.txt" "$shared/one.txt.partial"
        Invoke-AsNobody ln -s "$victim/keep.txt" "$shared/one.txt"
        $r = $node | Copy-NodeItem -RemotePath /srv/hostile/sub/real.txt -LocalPath "$shared/one.txt"
        $r.Destination | Should -Be "$shared/one.txt"
        Get-Content "$victim/keep.txt" | Should -Be 'keep'
        (Get-Item "$shared/one.txt").LinkType | Should -BeNullOrEmpty
        Get-Content "$shared/one.txt" | Should -Be 'ok'
        Test-Path "$shared/one.txt.partial" | Should -BeFalse
    }
}
