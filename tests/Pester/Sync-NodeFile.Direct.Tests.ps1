# Sync-NodeFile -Direct: the new node's rsync connects to the old node with its own ssh and a temporary key, between
# two real sandbox nodes (sshd on 127.0.0.1, one port each). Wrappers in /usr/local/bin record what the old node's
# sender and the new node's ssh saw, so that the tests prove the path (the forced command ran, the key's folder was
# private) and not only the result.
BeforeAll {
    Import-Module $env:RELEASEOPS_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'SshFixtures.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:ctx = New-SshTestContext -Directory (Join-Path $TestDrive 'ssh')
    $global:PSDefaultParameterValues = $ctx.Defaults.Clone()
    $script:src = New-TestNode -Client dirsrc
    $script:dst = New-TestNode -Client dirdst
    $script:dir = '/srv/app/uploads'
    $setup = @'
set -e
mkdir -p "$1/docs" "$1/empty"
cd "$1"
echo "hello" > a.txt
printf 'second\n' > docs/b.txt
echo "odd" > "docs/it's a \"file\" \$(x).txt"
head -c 2097152 /dev/urandom > big.bin
echo secret > private.txt && chmod 600 private.txt
ln -s docs/b.txt link-to-b
'@
    $r = $src | Invoke-NodeCommand -Command $setup -ArgumentList $dir
    if (-not $r.Succeeded) { throw $r.Error }

    $script:Snapshot = {
        param($Node, [string] $Path = $dir)
        $cmd = 'cd "$1" && find . -mindepth 1 -printf "%y %m %P -> %l\n" | LC_ALL=C sort && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum'
        ($Node | Invoke-NodeCommand -Command $cmd -ArgumentList $Path).Output
    }
    $script:Keys = { ($src | Invoke-NodeCommand -Command 'cat ~/.ssh/authorized_keys').Output }
    $script:KeyFolders = { ($dst | Invoke-NodeCommand -Command 'ls -d /tmp/releaseops-direct-* 2>/dev/null; true').Output }
    $script:SetWrapper = {
        param($Node, [string] $Tool, [string] $Body)
        ($Node | Invoke-NodeCommand -Command 'printf "%s\n" "$2" > "/usr/local/bin/$1" && chmod 755 "/usr/local/bin/$1"' -ArgumentList $Tool, "#!/bin/sh`n$Body").Succeeded | Should -BeTrue
    }
    $script:RemoveWrapper = { param($Node, [string] $Tool) $null = $Node | Invoke-NodeCommand -Command 'rm -f "/usr/local/bin/$1"' -ArgumentList $Tool }
    $script:keysBefore = & $Keys
}

AfterAll {
    $src, $dst, $mitm | Where-Object { $_ } | Remove-ProjectNode -Force
    $global:PSDefaultParameterValues = @{}
}

Describe 'Sync-NodeFile -Direct' {
    It 'copies node to node through the forced command, then sends only deltas; the key line and folder are gone afterwards' {
        # The old node's sender records that sshd ran it as the key's forced command (SSH_ORIGINAL_COMMAND is set only
        # then), where the connection came from, and the key line as it stood; the new node's ssh records its key folder.
        & $SetWrapper $src 'rsync' @'
case "$*" in *--sender*) { echo "orig=$SSH_ORIGINAL_COMMAND"; echo "client=${SSH_CLIENT%% *}"; grep releaseops-direct- ~/.ssh/authorized_keys; } >> /var/tmp/sender.log;; esac
exec /usr/bin/rsync "$@"
'@
        & $SetWrapper $dst 'ssh' @'
for a; do case "$a" in IdentityFile=*) f=${a#IdentityFile=};; esac; done
stat -c '%a %U %F %n' "${f%/id}" "$f" "${f%/id}/known_hosts" >> /var/tmp/ssh.log; cat "${f%/id}/known_hosts" >> /var/tmp/ssh.log
exec /usr/bin/ssh "$@"
'@
        try {
            $r = Sync-NodeFile -Source $src -Target $dst -Path $dir -Direct
            $r.Transport | Should -Be 'rsync-direct'
            $r.Files | Should -Be 5
            $r.ChangedFiles | Should -Be 6   # five files and the link
            $r.Verified | Should -BeTrue
            $r.Hashed | Should -Be 5
            $r.Bytes | Should -BeGreaterThan 2MB
            (& $Snapshot $dst) | Should -Be (& $Snapshot $src)

            $log = ($src | Invoke-NodeCommand -Command 'cat /var/tmp/sender.log').Output
            $log | Should -Match 'orig=rsync --server --sender'
            $log | Should -Match 'client=127\.0\.0\.1'
            $log | Should -Match ([regex]::Escape('restrict,from="127.0.0.1",command="cd -P -- /srv/app/uploads 2>/dev/null && [ \"$(pwd -P)\" = /srv/app/uploads ]'))
            $log | Should -Match 'exec rsync --server --sender -[a-zA-Z]+e\.[a-zA-Z]+ --numeric-ids \. \./" ssh-ed25519 [A-Za-z0-9+/]+ releaseops-direct-[0-9a-f]{16}-[0-9]+-[a-z0-9]{12}'
            $sshLog = ($dst | Invoke-NodeCommand -Command 'cat /var/tmp/ssh.log').Output
            $sshLog | Should -Match '700 root directory /tmp/releaseops-direct-[0-9a-f]{16}\.[A-Za-z0-9]{10}\n'
            $sshLog | Should -Match '600 root regular file /tmp/releaseops-direct-[0-9a-f]{16}\.[A-Za-z0-9]{10}/id\n'
            # The old node's host key, as this machine verified it, and nothing else.
            $known = @($sshLog -split "`n" | Where-Object { $_ -like 'releaseops-old-node *' })
            $known.Count | Should -Be 1
            Set-Content (Join-Path $TestDrive 'seen_known_hosts') $known[0]
            $src.HostKeyFingerprint | Should -Match '^SHA256:'
            ((& ssh-keygen -lf (Join-Path $TestDrive 'seen_known_hosts')) -split ' ')[1] | Should -Be $src.HostKeyFingerprint

            # Afterwards: the old node's authorized_keys is as it was, and the key's folder is gone.
            (& $Keys) | Should -Be $keysBefore
            (& $Keys) | Should -Not -Match 'releaseops-direct'
            & $KeyFolders | Should -BeNullOrEmpty

            $null = $src | Invoke-NodeCommand -Command 'cd "$1" && echo appended >> big.bin && echo new > docs/new.txt && rm a.txt' -ArgumentList $dir
            $r = Sync-NodeFile $src $dst $dir -Direct
            $r.Transport | Should -Be 'rsync-direct'
            @($r.Changed | Sort-Object) | Should -Be @('big.bin', 'docs/new.txt')
            $r.Deleted | Should -Be @('a.txt')
            $r.Bytes | Should -BeLessThan 64KB          # the delta of big.bin, not its 2 MB
            $r.BytesReturned | Should -BeGreaterThan 0  # the block checksums of the new node's copy
            $r.Verified | Should -BeTrue
            (& $Snapshot $dst) | Should -Be (& $Snapshot $src)
            ($src | Invoke-NodeCommand -Command 'grep -c "^orig=rsync --server --sender" /var/tmp/sender.log').Output.Trim() | Should -Be '2'
            (& $Keys) | Should -Be $keysBefore
            & $KeyFolders | Should -BeNullOrEmpty
        }
        finally {
            & $RemoveWrapper $src 'rsync'; & $RemoveWrapper $dst 'ssh'
        }
    }

    It 'removes the key line and folder after the transfer fails, and the rerun completes' {
        $null = $src | Invoke-NodeCommand -Command 'head -c 1048576 /dev/urandom > "$1/big2.bin"' -ArgumentList $dir
        # The sender dies after 30 KB.
        & $SetWrapper $src 'rsync' @'
case "$*" in *--sender*) f=$(mktemp); sh -c 'echo $$ > "$0"; exec /usr/bin/rsync "$@"' "$f" "$@" | { dd bs=1 count=30000 2>/dev/null; kill -KILL "$(cat "$f")"; }; rm -f "$f"; exit 1;; esac
exec /usr/bin/rsync "$@"
'@
        try {
            { Sync-NodeFile $src $dst $dir -Direct -ErrorAction Stop } | Should -Throw -ErrorId 'FileStreamFailed,ReleaseOps.Commands.SyncNodeFileCommand'
        }
        finally { & $RemoveWrapper $src 'rsync' }
        (& $Keys) | Should -Be $keysBefore
        & $KeyFolders | Should -BeNullOrEmpty
        $r = Sync-NodeFile $src $dst $dir -Direct
        $r.Changed | Should -Contain 'big2.bin'
        $r.Verified | Should -BeTrue
        (& $Snapshot $dst) | Should -Be (& $Snapshot $src)
    }

    It 'verifies what moved node to node: a copy damaged after rsync is found, marked, and sent again' {
        $null = $src | Invoke-NodeCommand -Command 'echo again >> "$1/docs/b.txt"' -ArgumentList $dir
        # The new node's rsync finishes, then one file is damaged before the comparison.
        & $SetWrapper $dst 'rsync' @'
/usr/bin/rsync "$@" || exit $?
case "$*" in *releaseops-old-node:*) printf 'X' | dd of=docs/b.txt bs=1 seek=0 conv=notrunc 2>/dev/null;; esac
'@
        try {
            $err = $null
            try { Sync-NodeFile $src $dst $dir -Direct -ErrorAction Stop } catch { $err = $_ }
            $err.FullyQualifiedErrorId | Should -Be 'FileVerificationFailed,ReleaseOps.Commands.SyncNodeFileCommand'
            $err.Exception.Message | Should -Match 'docs/b\.txt'
        }
        finally { & $RemoveWrapper $dst 'rsync' }
        (& $Keys) | Should -Be $keysBefore
        & $KeyFolders | Should -BeNullOrEmpty
        $r = Sync-NodeFile $src $dst $dir -Direct
        $r.Changed | Should -Be @('docs/b.txt')
        $r.Verified | Should -BeTrue
        (& $Snapshot $dst) | Should -Be (& $Snapshot $src)
    }

    It 'hashes on the new node while rsync runs; where the new node has no python3, after rsync, with sha256sum' {
        $null = $src | Invoke-NodeCommand -Command 'cd "$1" && echo more >> docs/b.txt && head -c 300000 /dev/urandom > docs/c.bin' -ArgumentList $dir
        $out = @(Sync-NodeFile $src $dst $dir -Direct -Verbose 4>&1)
        $r = $out | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }
        @($r.Changed | Sort-Object) | Should -Be @('docs/b.txt', 'docs/c.bin')
        $r.Verified | Should -BeTrue
        # The two that moved and the sample of the rest, hashed by the new node while rsync ran; none needed a second look.
        "$($out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })" | Should -Match ": $($r.Hashed) files hashed while rsync ran; 0 hashed again after it\."
        (& $Snapshot $dst) | Should -Be (& $Snapshot $src)

        # Without python3 (hidden in the node's own overlay, never on this machine), the receiver runs rsync alone and the
        # new node's files are hashed afterwards.
        $hide = 'if [ "$(stat -f -c %T /usr/bin)" != overlayfs ]; then echo "not an overlay" >&2; exit 3; fi; mv /usr/bin/python3 /usr/bin/python3.releaseops-hidden'
        ($dst | Invoke-NodeCommand -Command $hide).Succeeded | Should -BeTrue
        try {
            $null = $src | Invoke-NodeCommand -Command 'echo once more >> "$1/docs/c.bin"' -ArgumentList $dir
            $out = @(Sync-NodeFile $src $dst $dir -Direct -Verbose 4>&1)
            $r = $out | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }
            $r.Changed | Should -Be @('docs/c.bin')
            $r.Verified | Should -BeTrue
            "$($out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })" | Should -Not -Match 'hashed while rsync ran'
        }
        finally { $null = $dst | Invoke-NodeCommand -Command 'mv /usr/bin/python3.releaseops-hidden /usr/bin/python3' }
        (& $Snapshot $dst) | Should -Be (& $Snapshot $src)
        (& $Keys) | Should -Be $keysBefore
        & $KeyFolders | Should -BeNullOrEmpty
    }

    It 'fails with DirectPathUnreachable when the new node cannot reach the old one, copies nothing and leaves no key' {
        $null = $src | Invoke-NodeCommand -Command 'echo unreachable > "$1/unreachable.txt"' -ArgumentList $dir
        $before = & $Snapshot $dst
        # Nothing listens on 127.0.0.2 (the nodes' sshd listen on 127.0.0.1 only).
        $err = $null
        try { Sync-NodeFile $src $dst $dir -Direct -DirectAddress "127.0.0.2:$($src.Port)" -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Be 'DirectPathUnreachable,ReleaseOps.Commands.SyncNodeFileCommand'
        $err.Exception.Message | Should -Match 'cannot reach the old node'
        $err.Exception.Message | Should -Match 'Connection refused'
        $err.ErrorDetails.RecommendedAction | Should -Match 'Run without -Direct'
        $err.ErrorDetails.RecommendedAction | Should -Match 'open port'
        $err.CategoryInfo.Category | Should -Be 'ConnectionError'
        (& $Snapshot $dst) | Should -Be $before
        (& $Keys) | Should -Be $keysBefore
        & $KeyFolders | Should -BeNullOrEmpty
    }

    It 'refuses a server at the direct address whose host key is not the one this machine verified' {
        # Another sshd (another node, with its own host key) stands at the address the new node is told to use.
        $script:mitm = New-TestNode -Client dirmitm
        $null = $mitm | Invoke-NodeCommand -Command 'mkdir -p "$1" && echo impostor > "$1/a.txt"' -ArgumentList $dir
        $mitmKeys = ($mitm | Invoke-NodeCommand -Command 'cat ~/.ssh/authorized_keys').Output
        $before = & $Snapshot $dst
        $err = $null
        try { Sync-NodeFile $src $dst $dir -Direct -DirectAddress "127.0.0.1:$($mitm.Port)" -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Be 'HostKeyMismatch,ReleaseOps.Commands.SyncNodeFileCommand'
        $err.Exception.Message | Should -Match 'another host key'
        $src.HostKeyFingerprint | Should -Match '^SHA256:'
        $err.Exception.Message | Should -Match ([regex]::Escape($src.HostKeyFingerprint))
        (& $Snapshot $dst) | Should -Be $before
        ($dst | Invoke-NodeCommand -Command 'cat "$1/a.txt" 2>/dev/null; true' -ArgumentList $dir).Output | Should -Not -Match 'impostor'
        (& $Keys) | Should -Be $keysBefore
        ($mitm | Invoke-NodeCommand -Command 'cat ~/.ssh/authorized_keys').Output | Should -Be $mitmKeys
        & $KeyFolders | Should -BeNullOrEmpty
    }

    It 'removes the line and folder that a killed run left, on the next run; other runs'' fresh lines stay' {
        $null = $src | Invoke-NodeCommand -Command 'echo crash > "$1/crash.txt"' -ArgumentList $dir
        # Another sync's line, fresh (it must stay), and a stale one of a crashed run long ago (it must go).
        $now = [DateTimeOffset]::UtcNow.ToUnixTimeSeconds()
        $fresh = "restrict,from=`"127.0.0.9`",command=`"true`" ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOtherOtherOtherOtherOtherOtherOtherOther releaseops-direct-0123456789abcdef-$now-freshfresh01"
        $stale = "restrict,from=`"127.0.0.9`",command=`"true`" ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIStaleStaleStaleStaleStaleStaleStaleStale releaseops-direct-0123456789abcdee-$($now - 3600)-stalestale01"
        $null = $src | Invoke-NodeCommand -Command 'printf "%s\n%s\n" "$1" "$2" >> ~/.ssh/authorized_keys' -ArgumentList $fresh, $stale
        # The new node's rsync holds: the admin's pwsh is killed while the key is installed.
        & $SetWrapper $dst 'rsync' @'
case "$*" in *releaseops-old-node:*) sleep 20; exit 9;; esac
exec /usr/bin/rsync "$@"
'@
        try {
            $script = @"
Import-Module '$($env:RELEASEOPS_MODULE)'
Sync-NodeFile -Source '127.0.0.1:$($src.Port)' -Target '127.0.0.1:$($dst.Port)' -Path '$dir' -Direct -IdentityFile '$($ctx.IdentityFile)' -KnownHostsFile '$($ctx.KnownHostsFile)' -ConfigFile '$($ctx.ConfigFile)'
"@
            $file = Join-Path $TestDrive 'crash.ps1'
            Set-Content $file $script
            $child = Start-Process -FilePath (Get-TestPwsh) -ArgumentList '-NoProfile', '-NonInteractive', '-File', $file -PassThru
            $deadline = [DateTime]::UtcNow.AddSeconds(60)
            while ([DateTime]::UtcNow -lt $deadline -and -not ((& $Keys) -match 'releaseops-direct-[0-9a-f]{16}-[0-9]+-[a-z0-9]{12}\n' -and (& $Keys) -match 'command="cd -P')) { Start-Sleep -Milliseconds 200 }
            $child.Kill($true); $child.WaitForExit()
            (& $Keys) | Should -Match 'command="cd -P -- /srv/app/uploads'   # the crash left the line
            & $KeyFolders | Should -Not -BeNullOrEmpty                     # and the folder
        }
        finally { & $RemoveWrapper $dst 'rsync' }
        $r = Sync-NodeFile $src $dst $dir -Direct
        $r.Changed | Should -Contain 'crash.txt'
        $keys = & $Keys
        $keys | Should -Not -Match 'command="cd -P'
        $keys | Should -Not -Match 'stalestale01'
        $keys | Should -Match ([regex]::Escape($fresh))
        $keys.Replace("$fresh`n", '') | Should -Be $keysBefore
        & $KeyFolders | Should -BeNullOrEmpty
        $null = $src | Invoke-NodeCommand -Command 'grep -vF "freshfresh01" ~/.ssh/authorized_keys > /tmp/ak && cat /tmp/ak > ~/.ssh/authorized_keys'
    }

    It 'works for a login user that is not root: the key in that user''s files, rsync through sudo -n on both nodes' {
        $setup = 'id ubuntu >/dev/null 2>&1 || useradd -m -s /bin/sh -p "*" ubuntu; echo "ubuntu ALL=(ALL) NOPASSWD: ALL" > /etc/sudoers.d/ubuntu && chmod 440 /etc/sudoers.d/ubuntu && mkdir -p /home/ubuntu/.ssh && printf "%s\n" "$1" > /home/ubuntu/.ssh/authorized_keys && chown -R ubuntu: /home/ubuntu/.ssh && chmod 700 /home/ubuntu/.ssh && chmod 600 /home/ubuntu/.ssh/authorized_keys'
        foreach ($n in $src, $dst) { $null = $n | Invoke-NodeCommand -Command $setup -ArgumentList (Get-Content $ctx.PublicKeyFile) -ErrorAction Stop }
        $ubuntuKeys = { ($src | Invoke-NodeCommand -Command 'cat /home/ubuntu/.ssh/authorized_keys').Output }
        $before = & $ubuntuKeys
        & $SetWrapper $dst 'ssh' @'
for a; do case "$a" in IdentityFile=*) f=${a#IdentityFile=};; esac; done
stat -c '%a %U %n' "${f%/id}" "$f" >> /var/tmp/ssh-ubuntu.log
exec /usr/bin/ssh "$@"
'@
        try {
            $null = $src | Invoke-NodeCommand -Command 'mkdir -p /srv/ubuntu-src/sub && echo "root only" > /srv/ubuntu-src/sub/private.txt && chmod 600 /srv/ubuntu-src/sub/private.txt && chmod 700 /srv/ubuntu-src/sub'
            $r = Sync-NodeFile -Source "ubuntu@127.0.0.1:$($src.Port)" -Target "ubuntu@127.0.0.1:$($dst.Port)" -Path /srv/ubuntu-src -TargetPath /srv/ubuntu-copy -Direct
            $r.Transport | Should -Be 'rsync-direct'
            $r.Changed | Should -Contain 'sub/private.txt'
            $r.Verified | Should -BeTrue
            # Root's 0600 file in a 0700 folder came along (rsync ran as root through sudo on both ends), owner kept.
            (& $Snapshot $dst '/srv/ubuntu-copy') | Should -Be (& $Snapshot $src '/srv/ubuntu-src')
            ($dst | Invoke-NodeCommand -Command 'stat -c "%a %U" /srv/ubuntu-copy/sub/private.txt').Output.Trim() | Should -Be '600 root'
            $log = ($dst | Invoke-NodeCommand -Command 'cat /var/tmp/ssh-ubuntu.log').Output
            $log | Should -Match '^700 ubuntu /tmp/releaseops-direct-[0-9a-f]{16}\.[A-Za-z0-9]{10}\n600 ubuntu /tmp/releaseops-direct-'
        }
        finally { & $RemoveWrapper $dst 'ssh' }
        (& $ubuntuKeys) | Should -Be $before
        (& $Keys) | Should -Be $keysBefore
        & $KeyFolders | Should -BeNullOrEmpty
    }

    It '-WhatIf shows the direct path and changes nothing' {
        $null = $src | Invoke-NodeCommand -Command 'echo whatif > "$1/whatif.txt"' -ArgumentList $dir
        $before = & $Snapshot $dst
        $script = @"
Import-Module '$($env:RELEASEOPS_MODULE)'
Sync-NodeFile -Source '127.0.0.1:$($src.Port)' -Target '127.0.0.1:$($dst.Port)' -Path '$dir' -Direct -DirectAddress 10.1.2.3:2222 -WhatIf -IdentityFile '$($ctx.IdentityFile)' -KnownHostsFile '$($ctx.KnownHostsFile)' -ConfigFile '$($ctx.ConfigFile)'
"@
        $r = Invoke-FreshPwsh -Script $script
        $r.ExitCode | Should -Be 0
        $text = $r.Output -join "`n"
        $text | Should -Match ([regex]::Escape("directly, node to node (127.0.0.1:$($dst.Port) connects to 10.1.2.3:2222)"))
        $text | Should -Match ([regex]::Escape("[127.0.0.1:$($src.Port)] append to ~/.ssh/authorized_keys"))
        $text | Should -Match ([regex]::Escape('restrict,from="<the new node''s addresses>",command="cd -P -- /srv/app/uploads'))
        $text | Should -Match ([regex]::Escape("[127.0.0.1:$($dst.Port)] d=`$(mktemp -d /tmp/releaseops-direct-"))
        $text | Should -Match 'HostName=<10\.1\.2\.3:2222>'
        $text | Should -Match '1 of \d+ file\(s\) to send'
        (& $Snapshot $dst) | Should -Be $before
        (& $Keys) | Should -Be $keysBefore
        & $KeyFolders | Should -BeNullOrEmpty
    }

    It 'refuses a -DirectAddress that is not an address, or without -Direct, before touching a node' {
        foreach ($bad in '10.0.0.1:99999', 'host name', '-oProxyCommand=x', '[::1', 'a;b') {
            { Sync-NodeFile $src $dst $dir -Direct -DirectAddress $bad -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidHostName,ReleaseOps.Commands.SyncNodeFileCommand' -Because $bad
        }
        { Sync-NodeFile $src $dst $dir -DirectAddress 10.0.0.1 -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidHostName,ReleaseOps.Commands.SyncNodeFileCommand'
    }

    It '-DirectFrom adds a NAT''s address to the key''s from=, and nothing wider is accepted' {
        # 192.0.2.10 is a documentation address: it only appears in the key line, nothing connects to it.
        & $SetWrapper $src 'rsync' @'
case "$*" in *--sender*) grep releaseops-direct- ~/.ssh/authorized_keys >> /var/tmp/from.log;; esac
exec /usr/bin/rsync "$@"
'@
        try {
            $null = $src | Invoke-NodeCommand -Command 'echo nat >> "$1/docs/b.txt"' -ArgumentList $dir
            $r = Sync-NodeFile $src $dst $dir -Direct -DirectFrom 192.0.2.10
            $r.Transport | Should -Be 'rsync-direct'
            $r.Changed | Should -Contain 'docs/b.txt'
            $r.Verified | Should -BeTrue
            ($src | Invoke-NodeCommand -Command 'cat /var/tmp/from.log').Output | Should -Match '^restrict,from="127\.0\.0\.1,192\.0\.2\.10",command="'
        }
        finally { & $RemoveWrapper $src 'rsync' }
        (& $Keys) | Should -Be $keysBefore
        foreach ($bad in '*', '10.0.0.0/8', '0.0.0.0', '::', 'old.example.com', '192.0.2.1,192.0.2.2', '192.0.2.1"', '!192.0.2.1', '224.0.0.1', 'fe80::1%eth0') {
            { Sync-NodeFile $src $dst $dir -Direct -DirectFrom $bad -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidHostName,ReleaseOps.Commands.SyncNodeFileCommand' -Because $bad
        }
        { Sync-NodeFile $src $dst $dir -DirectFrom 192.0.2.10 -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidHostName,ReleaseOps.Commands.SyncNodeFileCommand'
    }
}
