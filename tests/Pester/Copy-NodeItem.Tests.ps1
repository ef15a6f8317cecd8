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
