BeforeAll {
    Import-Module $env:RELEASEOPS_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'SshFixtures.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:ctx = New-SshTestContext -Directory (Join-Path $TestDrive 'ssh')
    $global:PSDefaultParameterValues = $ctx.Defaults.Clone()
    $script:src = New-TestNode -Client fsrc
    $script:dst = New-TestNode -Client fdst
    $script:dir = '/srv/app/uploads'
    $setup = @'
set -e
mkdir -p "$1/docs/deep" "$1/empty" "$1/-dash"
cd "$1"
echo "hello" > a.txt
printf 'second\n' > docs/b.txt
echo "deep" > docs/deep/c.txt
echo "odd" > "docs/it's a \"file\" $(printf '\t')tab.txt"
echo 'not run' > '$(touch PWNED); touch PWNED.txt'
echo "dash" > -dash/-n.txt
head -c 2097152 /dev/urandom > big.bin
echo secret > private.txt && chmod 600 private.txt
ln -s docs/b.txt link-to-b
touch -d '2020-01-01 00:00:00' a.txt
'@
    $r = $src | Invoke-NodeCommand -Command $setup -ArgumentList $dir
    if (-not $r.Succeeded) { throw $r.Error }

    # An independent listing of a folder on a node: every file's sha256, mode and links, sorted.
    $script:Snapshot = {
        param($Node, [string] $Path = $dir)
        $cmd = 'cd "$1" && find . -mindepth 1 -printf "%y %m %P -> %l\n" | LC_ALL=C sort && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum'
        ($Node | Invoke-NodeCommand -Command $cmd -ArgumentList $Path).Output
    }
    $script:SetWrapper = {
        param($Node, [string] $Tool, [string] $Body)
        ($Node | Invoke-NodeCommand -Command 'printf "%s\n" "$2" > "/usr/local/bin/$1" && chmod 755 "/usr/local/bin/$1"' -ArgumentList $Tool, "#!/bin/sh`n$Body").Succeeded | Should -BeTrue
    }
    $script:RemoveWrapper = { param($Node, [string] $Tool) $null = $Node | Invoke-NodeCommand -Command 'rm -f "/usr/local/bin/$1"' -ArgumentList $Tool }
}

AfterAll {
    $src, $dst | Where-Object { $_ } | Remove-ProjectNode -Force
    $global:PSDefaultParameterValues = @{}
}

Describe 'Sync-NodeFile' {
    It 'copies a folder with odd names, modes, a link and an empty folder, and verifies it' {
        $r = Sync-NodeFile -Source $src -Target $dst -Path $dir
        $r | Should -BeOfType ReleaseOps.FileSyncResult
        $r.Files | Should -Be 8
        $r.ChangedFiles | Should -Be 9   # eight files and the link
        $r.DeletedFiles | Should -Be 0
        $r.Verified | Should -BeTrue
        $r.Transport | Should -Be 'rsync'
        $r.Hashed | Should -Be 8   # every file moved, so every file was hashed
        $r.Bytes | Should -BeGreaterThan 2MB
        (& $Snapshot $dst) | Should -Be (& $Snapshot $src)
        (& $Snapshot $dst) | Should -Match '600 private.txt'
        (& $Snapshot $dst) | Should -Match 'l 777 link-to-b -> docs/b.txt'
        (& $Snapshot $dst) | Should -Match 'd 755 empty'
        foreach ($n in $src, $dst) { ($n | Invoke-NodeCommand -Command 'find /srv /root /var/tmp -name PWNED 2>/dev/null').Output | Should -BeNullOrEmpty }
    }

    It 'sends nothing when nothing changed' {
        $r = Sync-NodeFile $src $dst $dir
        $r.ChangedFiles | Should -Be 0
        $r.DeletedFiles | Should -Be 0
        $r.Bytes | Should -Be 0
        $r.Verified | Should -BeTrue
    }

    It 'sends only the changed and new files, and deletes what the source deleted' {
        $null = $src | Invoke-NodeCommand -Command 'cd "$1" && echo changed >> a.txt && echo new > docs/new.txt && rm docs/deep/c.txt && chmod 640 docs/b.txt' -ArgumentList $dir
        $r = Sync-NodeFile $src $dst $dir
        @($r.Changed | Sort-Object) | Should -Be @('a.txt', 'docs/b.txt', 'docs/new.txt')
        $r.Deleted | Should -Be @('docs/deep/c.txt')
        $r.Bytes | Should -BeLessThan 100KB   # big.bin (2 MB) was not sent again
        $r.Verified | Should -BeTrue
        (& $Snapshot $dst) | Should -Be (& $Snapshot $src)
        ($dst | Invoke-NodeCommand -Command 'test -e "$1/docs/deep/c.txt"' -ArgumentList $dir -ErrorAction SilentlyContinue).Succeeded | Should -BeFalse
    }

    It 'keeps deleted files with -KeepDeleted, into another folder' {
        $r = Sync-NodeFile $src $dst $dir -TargetPath '/srv/other place/it''s'
        $r.Verified | Should -BeTrue
        $null = $src | Invoke-NodeCommand -Command 'rm "$1/docs/new.txt"' -ArgumentList $dir
        $r = Sync-NodeFile $src $dst $dir -TargetPath '/srv/other place/it''s' -KeepDeleted
        $r.DeletedFiles | Should -Be 0
        $r.Verified | Should -BeTrue
        ($dst | Invoke-NodeCommand -Command 'cat "$1/docs/new.txt"' -ArgumentList '/srv/other place/it''s').Output.Trim() | Should -Be 'new'
    }

    It 'detects a file that differs after the transfer' {
        $null = $src | Invoke-NodeCommand -Command 'echo again >> "$1/docs/b.txt"' -ArgumentList $dir
        # rsync's receiver (in the target folder) finishes, then one file is damaged before the comparison.
        & $SetWrapper $dst 'rsync' @'
/usr/bin/rsync "$@" || exit $?
case "$*" in *releaseops-item*) printf 'X' | dd of=docs/b.txt bs=1 seek=0 conv=notrunc 2>/dev/null;; esac
'@
        try {
            { Sync-NodeFile $src $dst $dir -ErrorAction Stop } | Should -Throw -ErrorId 'FileVerificationFailed,ReleaseOps.Commands.SyncNodeFileCommand'
            $Error[0].Exception.Message | Should -Match 'docs/b\.txt'
            $Error[0].Exception.Message | Should -Not -Match 'a\.txt'
        }
        finally { & $RemoveWrapper $dst 'rsync' }
        # The damaged copy has the source's size; it was marked, so the next run sends it again.
        $r = Sync-NodeFile $src $dst $dir
        $r.Changed | Should -Be @('docs/b.txt')
        $r.Verified | Should -BeTrue
        (& $Snapshot $dst) | Should -Be (& $Snapshot $src)
        (Sync-NodeFile $src $dst $dir -NoVerify).Verified | Should -BeFalse
    }

    It 'relays only the delta of a changed file: a line appended to 2 MB moves a few KB each way' {
        $r = Sync-NodeFile $src $dst $dir -TargetPath /srv/delta
        $r.Bytes | Should -BeGreaterThan 2MB
        $null = $src | Invoke-NodeCommand -Command 'cd "$1" && cp -p big.bin /srv/big.keep && echo appended >> big.bin' -ArgumentList $dir
        $r = Sync-NodeFile $src $dst $dir -TargetPath /srv/delta
        $r.Transport | Should -Be 'rsync'
        $r.Changed | Should -Be @('big.bin')
        $r.Verified | Should -BeTrue
        $r.Bytes | Should -BeLessThan 64KB          # the tar stream sent the whole 2 MB again
        $r.BytesReturned | Should -BeGreaterThan 0  # the target's block checksums, on their way to the sender
        $r.BytesReturned | Should -BeLessThan 128KB
        (& $Snapshot $dst '/srv/delta') | Should -Be (& $Snapshot $src)
        $null = $src | Invoke-NodeCommand -Command 'mv /srv/big.keep "$1/big.bin"' -ArgumentList $dir
    }

    It 'hashes a sample of the files that did not move, and finds a damaged one that kept its size and time' {
        # Fewer files than the sample (16): every unchanged file is among it.
        $null = $dst | Invoke-NodeCommand -Command 'cd "$1" && t=$(stat -c %y private.txt) && printf Z | dd of=private.txt bs=1 seek=0 conv=notrunc 2>/dev/null && touch -d "$t" private.txt' -ArgumentList '/srv/delta' -ErrorAction Stop
        $err = $null
        try { Sync-NodeFile $src $dst $dir -TargetPath /srv/delta -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Be 'FileVerificationFailed,ReleaseOps.Commands.SyncNodeFileCommand'
        $err.Exception.Message | Should -Match 'private\.txt'
        (Sync-NodeFile $src $dst $dir -TargetPath /srv/delta).Verified | Should -BeTrue
        (& $Snapshot $dst '/srv/delta') | Should -Be (& $Snapshot $src)
    }

    It 'fails clearly when the source stream breaks, and the rerun completes' {
        $null = $src | Invoke-NodeCommand -Command 'head -c 1048576 /dev/urandom > "$1/big2.bin" && touch "$1/docs/b.txt"' -ArgumentList $dir
        & $SetWrapper $src 'rsync' @'
case "$*" in *--sender*) f=$(mktemp); sh -c 'echo $$ > "$0"; exec /usr/bin/rsync "$@"' "$f" "$@" | { dd bs=1 count=30000 2>/dev/null; kill -KILL "$(cat "$f")"; }; rm -f "$f"; exit 1;; esac
exec /usr/bin/rsync "$@"
'@
        try {
            { Sync-NodeFile $src $dst $dir -ErrorAction Stop } | Should -Throw -ErrorId 'FileStreamFailed,ReleaseOps.Commands.SyncNodeFileCommand'
        }
        finally { & $RemoveWrapper $src 'rsync' }
        $r = Sync-NodeFile $src $dst $dir
        $r.Verified | Should -BeTrue
        $r.Changed | Should -Contain 'big2.bin'
        (& $Snapshot $dst) | Should -Be (& $Snapshot $src)
    }

    It 'rejects paths that are not absolute folders, and a missing source folder' {
        { Sync-NodeFile $src $dst 'relative/path' -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidSyncPath,ReleaseOps.Commands.SyncNodeFileCommand'
        { Sync-NodeFile $src $dst '/' -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidSyncPath,ReleaseOps.Commands.SyncNodeFileCommand'
        { Sync-NodeFile $src $dst "/srv/a`nb" -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidSyncPath,ReleaseOps.Commands.SyncNodeFileCommand'
        { Sync-NodeFile $src $dst '/srv/$(touch /var/tmp/pwned)' -ErrorAction Stop } | Should -Throw -ErrorId 'SyncPathNotFound,ReleaseOps.Commands.SyncNodeFileCommand'
        ($src | Invoke-NodeCommand -Command 'test -e /var/tmp/pwned' -ErrorAction SilentlyContinue).Succeeded | Should -BeFalse
    }

    It '-WhatIf prints the commands per node and changes nothing' {
        $null = $src | Invoke-NodeCommand -Command 'echo whatif > "$1/whatif.txt" && rm "$1/a.txt"' -ArgumentList $dir
        $before = & $Snapshot $dst
        $script = @"
Import-Module '$($env:RELEASEOPS_MODULE)'
Sync-NodeFile -Source '127.0.0.1:$($src.Port)' -Target ([pscustomobject]@{ HostName = '127.0.0.1'; Port = $($dst.Port) }) -Path '$dir' -WhatIf -IdentityFile '$($ctx.IdentityFile)' -KnownHostsFile '$($ctx.KnownHostsFile)' -ConfigFile '$($ctx.ConfigFile)'
"@
        $r = Invoke-FreshPwsh -Script $script
        $r.ExitCode | Should -Be 0
        $text = $r.Output -join "`n"
        $text | Should -Match ([regex]::Escape("[127.0.0.1:$($src.Port)] cd $dir && rsync --server --sender"))
        $text | Should -Match ([regex]::Escape("[127.0.0.1:$($dst.Port)] mkdir -p $dir && cd $dir && rsync -aH --numeric-ids --delete --max-delete=1000"))
        # The numbers: whatif.txt to send, a.txt to delete.
        $text | Should -Match '1 of \d+ file\(s\) to send \(7 bytes\), 1 entries to delete'
        (& $Snapshot $dst) | Should -Be $before
    }

    It 'refuses . and .. segments and system folders before touching a node (/srv/.. once deleted the node''s root)' {
        $null = $dst | Invoke-NodeCommand -Command 'mkdir -p /srv/keep && echo keep > /srv/keep/file'
        foreach ($bad in '/srv/..', '/.', '/srv/app/../..', '/srv/./app', '/etc', '/usr/', '/var/lib/docker', '//', '/home') {
            { Sync-NodeFile $src $dst $dir -TargetPath $bad -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidSyncPath,ReleaseOps.Commands.SyncNodeFileCommand' -Because $bad
            { Sync-NodeFile $src $dst $bad -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidSyncPath,ReleaseOps.Commands.SyncNodeFileCommand' -Because $bad
        }
        ($dst | Invoke-NodeCommand -Command 'cat /srv/keep/file; ls /etc/passwd').Output | Should -Be "keep`n/etc/passwd`n"
    }

    It 'never follows a link in the folder''s path: an uploads folder that a container turned into a link to /' {
        $null = $dst | Invoke-NodeCommand -Command 'mkdir -p /srv/evil && ln -sfn / /srv/evil/uploads && mkdir -p /srv/victim && echo data > /srv/victim/keep' -ErrorAction Stop
        { Sync-NodeFile $src $dst $dir -TargetPath /srv/evil/uploads -ErrorAction Stop } | Should -Throw -ErrorId 'UnsafeSyncPath,ReleaseOps.Commands.SyncNodeFileCommand'
        ($dst | Invoke-NodeCommand -Command 'cat /srv/victim/keep; test -e /etc/passwd && echo etc-intact').Output | Should -Be "data`netc-intact`n"
    }

    It 'replaces a link that a container planted inside the target folder, never writing or deleting through it' {
        $null = $src | Invoke-NodeCommand -Command 'mkdir -p /srv/plant-s/a && echo new > /srv/plant-s/a/new.txt' -ErrorAction Stop
        $null = $dst | Invoke-NodeCommand -Command 'mkdir -p /srv/plant-t /srv/victim3 && echo data > /srv/victim3/keep && ln -sfn /srv/victim3 /srv/plant-t/a' -ErrorAction Stop
        $r = Sync-NodeFile $src $dst /srv/plant-s -TargetPath /srv/plant-t
        $r.Transport | Should -Be 'rsync'
        ($dst | Invoke-NodeCommand -Command 'cat /srv/victim3/keep; ls /srv/victim3; test -d /srv/plant-t/a && test ! -L /srv/plant-t/a && cat /srv/plant-t/a/new.txt').Output | Should -Be "data`nkeep`nnew`n"
    }

    It 'falls back to the tar stream, saying why, when a node has no rsync; it never follows a folder turned into a link after the listing' {
        $null = $src | Invoke-NodeCommand -Command 'mkdir -p /srv/race-s/a && echo new > /srv/race-s/new.txt' -ErrorAction Stop
        $null = $dst | Invoke-NodeCommand -Command 'mkdir -p /srv/race-t/a /srv/victim2 && echo old > /srv/race-t/a/keep && echo data > /srv/victim2/keep' -ErrorAction Stop
        # No rsync on the target; and the container's move, between the listing and the delete: a/ becomes a link to
        # a folder it must not touch.
        & $SetWrapper $dst 'rsync' 'exit 127'
        & $SetWrapper $dst 'xargs' 'if [ -e /srv/race-t/a ] && [ ! -L /srv/race-t/a ]; then rm -rf /srv/race-t/a && ln -s /srv/victim2 /srv/race-t/a; fi
exec /usr/bin/xargs "$@"'
        try {
            $err = $null
            try { Sync-NodeFile $src $dst /srv/race-s -TargetPath /srv/race-t -ErrorAction Stop -WarningVariable warned -WarningAction SilentlyContinue } catch { $err = $_ }
            $err.FullyQualifiedErrorId | Should -Be 'UnsafeSyncPath,ReleaseOps.Commands.SyncNodeFileCommand'
            "$warned" | Should -Match 'has no rsync: the files go as a tar stream'
        }
        finally { & $RemoveWrapper $dst 'xargs'; & $RemoveWrapper $dst 'rsync' }
        ($dst | Invoke-NodeCommand -Command 'cat /srv/victim2/keep').Output | Should -Be "data`n"
    }

    It 'stops before deleting more than -MaxDelete entries, and says how many' {
        $null = $dst | Invoke-NodeCommand -Command 'mkdir -p /srv/many && cd /srv/many && for i in 1 2 3 4 5; do echo $i > f$i; done' -ErrorAction Stop
        $null = $src | Invoke-NodeCommand -Command 'mkdir -p /srv/few && echo one > /srv/few/only' -ErrorAction Stop
        $err = $null
        try { Sync-NodeFile $src $dst /srv/few -TargetPath /srv/many -MaxDelete 3 -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Be 'TooManyDeletions,ReleaseOps.Commands.SyncNodeFileCommand'
        $err.Exception.Message | Should -Match '5 entries'
        ($dst | Invoke-NodeCommand -Command 'ls /srv/many | wc -l').Output.Trim() | Should -Be '5'
        (Sync-NodeFile $src $dst /srv/few -TargetPath /srv/many -MaxDelete 5).DeletedFiles | Should -Be 5
        ($dst | Invoke-NodeCommand -Command 'ls /srv/many').Output.Trim() | Should -Be 'only'
    }
}
