# Invoke-Migration -DirectFileSync between two sandbox nodes: the migration's file syncs go node to node with a
# temporary key, which is gone after each sync; a key that a crash left with the migration's tag is removed by
# Undo-Migration. The freeze fails on purpose, so the migration stops after its InitialSync (no DNS, no redirect).
BeforeAll {
    Import-Module $env:RELEASEOPS_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'SshFixtures.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:ctx = New-SshTestContext -Directory (Join-Path $TestDrive 'ssh')
    $global:PSDefaultParameterValues = $ctx.Defaults.Clone()
    $env:RELEASEOPS_MIGRATIONS = Join-Path $TestDrive 'migrations'
    $script:old = New-TestNode -Client migd-old
    $script:new = New-TestNode -Client migd-new
    $null = $old | Invoke-NodeCommand -Command @'
set -e
mkdir -p /srv/dshop /var/lib/dshop/www
printf 'exit 0\n' > /srv/dshop/start.sh
printf 'echo "freeze not allowed" >&2; exit 9\n' > /srv/dshop/freeze.sh
printf 'exit 0\n' > /srv/dshop/stop.sh
for i in 1 2 3; do echo "upload $i" > /var/lib/dshop/www/upload-$i.txt; done
head -c 1048576 /dev/urandom > /var/lib/dshop/www/photo.jpg
'@ -ErrorAction Stop
    # The old node's rsync records each sender that sshd ran as the temporary key's forced command.
    $null = $old | Invoke-NodeCommand -Command 'printf "%s\n" "#!/bin/sh" "case \"\$*\" in *--sender*) [ -n \"\$SSH_ORIGINAL_COMMAND\" ] && pwd >> /var/tmp/direct-senders.log;; esac" "exec /usr/bin/rsync \"\$@\"" > /usr/local/bin/rsync && chmod 755 /usr/local/bin/rsync' -ErrorAction Stop
    $script:keysBefore = ($old | Invoke-NodeCommand -Command 'cat ~/.ssh/authorized_keys').Output
    $script:migrate = @{
        Source = $old; Target = $new; Project = 'dshop'; StackPath = '/srv/dshop'; SourceAddress = '127.0.0.1'; TargetAddress = '127.0.0.1'
        StartCommand = 'sh ./start.sh'; FreezeCommand = 'sh ./freeze.sh'; StopCommand = 'sh ./stop.sh'; FilePath = '/var/lib/dshop/www'
        RedirectPort = 8099; RedirectListenAddress = '127.0.0.1'; DirectFileSync = $true; Force = $true
    }
}

AfterAll {
    $old, $new | Where-Object { $_ } | Remove-ProjectNode -Force
    Remove-Item env:RELEASEOPS_MIGRATIONS -ErrorAction SilentlyContinue
    $global:PSDefaultParameterValues = @{}
}

Describe 'Invoke-Migration -DirectFileSync' {
    It 'says in -WhatIf that the files go node to node' {
        $script = @"
Import-Module '$($env:RELEASEOPS_MODULE)'
`$env:RELEASEOPS_MIGRATIONS = '$($env:RELEASEOPS_MIGRATIONS)'
Invoke-Migration -Source '127.0.0.1:$($old.Port)' -Target '127.0.0.1:$($new.Port)' -Project dshop -StackPath /srv/dshop -FilePath /var/lib/dshop/www -DirectAddress 10.9.8.7:2222 -DirectFrom 192.0.2.10 -TargetAddress 127.0.0.1 -SourceAddress 127.0.0.1 -WhatIf -IdentityFile '$($ctx.IdentityFile)' -KnownHostsFile '$($ctx.KnownHostsFile)' -ConfigFile '$($ctx.ConfigFile)'
"@
        $r = Invoke-FreshPwsh -Script $script
        $r.ExitCode | Should -Be 0
        $out = $r.Output -join "`n"
        $out | Should -Match 'InitialSync: files /srv/dshop, /var/lib/dshop/www node to node \(the new node''s rsync connects to 10\.9\.8\.7:2222'
        $out | Should -Match 'FinalSync: files /srv/dshop, /var/lib/dshop/www node to node'
        $out | Should -Match 'restricted to its addresses and 192\.0\.2\.10 and to rsync''s sender'
        @(Get-Migration -Project dshop).Count | Should -Be 0
    }

    It 'syncs the files node to node through the forced command, and leaves no key behind' {
        Invoke-Migration @migrate -ErrorAction SilentlyContinue -ErrorVariable failed | Out-Null
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'MigrationStepFailed*'
        $m = Get-Migration -Project dshop
        ($m.Steps | Where-Object Name -EQ 'InitialSync').State | Should -Be 'Done'
        ($m.Steps | Where-Object Name -EQ 'Freeze').State | Should -Be 'Failed'
        # The uploads came from a sender that the temporary key's forced command started (the stack's folder had
        # nothing left to send: PrepareTarget copied it).
        ($old | Invoke-NodeCommand -Command 'sort /var/tmp/direct-senders.log').Output | Should -Be "/var/lib/dshop/www`n"
        $hash = 'cd /var/lib/dshop/www && sha256sum photo.jpg upload-1.txt upload-3.txt'
        ($new | Invoke-NodeCommand -Command $hash).Output | Should -Be ($old | Invoke-NodeCommand -Command $hash).Output
        ($old | Invoke-NodeCommand -Command 'cat ~/.ssh/authorized_keys').Output | Should -Be $keysBefore
        ($new | Invoke-NodeCommand -Command 'ls -d /tmp/releaseops-direct-* 2>/dev/null; true').Output | Should -BeNullOrEmpty
    }

    It 'is undone by Undo-Migration, which removes a temporary key that a crash left with the migration''s tag' {
        $m = Get-Migration -Project dshop
        # The line a crash during one of this migration's syncs would leave: its marker carries the migration's tag
        # (the first 8 bytes of the sha256 of its id), and it is fresh, so only the tag can tell it apart.
        $tag = -join ([System.Security.Cryptography.SHA256]::HashData([System.Text.Encoding]::UTF8.GetBytes($m.Id))[0..7] | ForEach-Object { $_.ToString('x2') })
        $now = [DateTimeOffset]::UtcNow.ToUnixTimeSeconds()
        $left = "restrict,from=`"127.0.0.1`",command=`"cd -P -- /srv/dshop && exec rsync --server --sender -lHogDtpre.iLsfxCIvu --numeric-ids . ./`" ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILeftLeftLeftLeftLeftLeftLeftLeftLeftLeft releaseops-direct-$tag-$now-crashcrash01"
        $other = "restrict,from=`"127.0.0.9`",command=`"true`" ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOtherOtherOtherOtherOtherOtherOtherOther releaseops-direct-0123456789abcdef-$now-otherother01"
        $null = $old | Invoke-NodeCommand -Command 'printf "%s\n%s\n" "$1" "$2" >> ~/.ssh/authorized_keys' -ArgumentList $left, $other -ErrorAction Stop
        $r = $m | Undo-Migration -Force -ErrorAction Stop
        $r.Status | Should -Be 'RolledBack'
        $keys = ($old | Invoke-NodeCommand -Command 'cat ~/.ssh/authorized_keys').Output
        $keys | Should -Not -Match 'crashcrash01'
        $keys | Should -Match 'otherother01'   # another sync's fresh key is not the migration's to remove
        $keys.Replace("$other`n", '') | Should -Be $keysBefore
    }
}
