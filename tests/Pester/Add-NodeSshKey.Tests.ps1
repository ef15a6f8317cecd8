BeforeAll {
    Import-Module $env:RELEASEOPS_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'SshFixtures.psm1') -Force
    $script:ctx = New-SshTestContext -Directory (Join-Path $TestDrive 'ssh')
    $global:PSDefaultParameterValues = $ctx.Defaults.Clone()
    $script:node = New-TestNode -Client keys
    & ssh-keygen -q -t ecdsa -N '' -C 'alice@laptop' -f (Join-Path $TestDrive 'alice') | Out-Null
    $script:alice = Get-Content (Join-Path $TestDrive 'alice.pub')
    $script:aliceFp = ((& ssh-keygen -lf (Join-Path $TestDrive 'alice.pub')) -split ' ')[1]
}

AfterAll {
    $node | Remove-ProjectNode -Force
    $global:PSDefaultParameterValues = @{}
}

Describe 'Add-NodeSshKey' {
    It 'installs a key once, with the right modes and owner' {
        $null = $node | Invoke-NodeCommand -Command 'useradd -m -p "*" alice'
        $first = $node | Add-NodeSshKey -PublicKey $alice -ForUser alice
        $first.Status | Should -Be 'Added'
        $first.Fingerprint | Should -Be $aliceFp
        $first.Path | Should -Be '/home/alice/.ssh/authorized_keys'
        ($node | Add-NodeSshKey -PublicKey $alice -ForUser alice).Status | Should -Be 'AlreadyPresent'
        $check = $node | Invoke-NodeCommand -Command 'stat -c "%a %U" /home/alice/.ssh /home/alice/.ssh/authorized_keys; grep -c . /home/alice/.ssh/authorized_keys'
        $check.Output | Should -Be "700 alice`n600 alice`n1`n"
    }

    It 'lets the user log in with the installed key' {
        $r = Invoke-NodeCommand -HostName $node.HostName -Port $node.Port -User alice -IdentityFile (Join-Path $TestDrive 'alice') -Command 'id -un'
        $r.Output.Trim() | Should -Be 'alice'
    }

    It 'reads .pub files and appends after a file without a final newline' {
        $null = $node | Invoke-NodeCommand -Command 'useradd -m -p "*" bob && mkdir -p /home/bob/.ssh && printf "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGl0ZXN0a2V5aXRlc3RrZXlpdGVzdGtleWl0ZXN0aw old" > /home/bob/.ssh/authorized_keys && chown -R bob:bob /home/bob/.ssh'
        ($node | Add-NodeSshKey -PublicKeyFile (Join-Path $TestDrive 'alice.pub') -ForUser bob).Status | Should -Be 'Added'
        $lines = ($node | Invoke-NodeCommand -Command 'cat /home/bob/.ssh/authorized_keys').Output.TrimEnd("`n").Split("`n")
        $lines | Should -HaveCount 2
        $lines[0] | Should -Match ' old$'
        $lines[1] | Should -Be $alice.Trim()
    }

    It 'writes a hostile comment literally and runs nothing' {
        $parts = $alice.Split(' ')
        $hostile = "$($parts[0]) $($parts[1]) x; touch /tmp/pwned `$(touch /tmp/pwned2)"
        ($node | Add-NodeSshKey -PublicKey $hostile -ForUser root).Status | Should -Be 'Added'
        $r = $node | Invoke-NodeCommand -Command 'ls /tmp; tail -n 1 /root/.ssh/authorized_keys'
        $r.Output | Should -Not -Match 'pwned\n'
        $r.Output | Should -Match ([regex]::Escape('x; touch /tmp/pwned $(touch /tmp/pwned2)'))
    }

    It 'never follows a link that the user planted: authorized_keys -> a root file, and ~/.ssh -> /root/.ssh' {
        # Threat model, node accounts: a user must not gain root through what ReleaseOps does as root.
        $setup = 'useradd -m -p "*" mallory && printf "root secret\n" > /etc/releaseops-secret && chmod 600 /etc/releaseops-secret && ' +
            'setpriv --reuid=mallory --regid=mallory --init-groups sh -c "mkdir -m 700 /home/mallory/.ssh && ln -s /etc/releaseops-secret /home/mallory/.ssh/authorized_keys" && ' +
            'useradd -m -p "*" oscar && setpriv --reuid=oscar --regid=oscar --init-groups ln -s /root/.ssh /home/oscar/.ssh && stat -c "%U %a" /root/.ssh/authorized_keys > /tmp/root-keys-before && md5sum /root/.ssh/authorized_keys >> /tmp/root-keys-before'
        $null = $node | Invoke-NodeCommand -Command $setup -ErrorAction Stop
        $null = $node | Add-NodeSshKey -PublicKey $alice -ForUser mallory -ErrorVariable e1 -ErrorAction SilentlyContinue
        $e1[0].FullyQualifiedErrorId | Should -Be 'UnsafeKeyFile,ReleaseOps.Commands.AddNodeSshKeyCommand'
        $e1[0].Exception.Message | Should -Match 'symbolic link'
        $null = $node | Add-NodeSshKey -PublicKey $alice -ForUser oscar -ErrorVariable e2 -ErrorAction SilentlyContinue
        $e2[0].FullyQualifiedErrorId | Should -Be 'UnsafeKeyFile,ReleaseOps.Commands.AddNodeSshKeyCommand'
        $r = $node | Invoke-NodeCommand -Command 'stat -c "%U %a" /etc/releaseops-secret; cat /etc/releaseops-secret; stat -c "%U %a" /root/.ssh/authorized_keys > /tmp/root-keys-after; md5sum /root/.ssh/authorized_keys >> /tmp/root-keys-after; cmp /tmp/root-keys-before /tmp/root-keys-after && echo root-keys-unchanged'
        $r.Output | Should -Be "root 600`nroot secret`nroot-keys-unchanged`n"
    }

    It 'refuses a key file that another account owns, as sshd StrictModes does' {
        $null = $node | Invoke-NodeCommand -Command 'useradd -m -p "*" peggy && mkdir -m 700 /home/peggy/.ssh && : > /home/peggy/.ssh/authorized_keys && chown peggy /home/peggy/.ssh' -ErrorAction Stop
        { $node | Add-NodeSshKey -PublicKey $alice -ForUser peggy -ErrorAction Stop } | Should -Throw -ErrorId 'UnsafeKeyFile,ReleaseOps.Commands.AddNodeSshKeyCommand'
        ($node | Invoke-NodeCommand -Command 'stat -c "%U %s" /home/peggy/.ssh/authorized_keys').Output.Trim() | Should -Be 'root 0'
    }

    It 'rejects what is not a public key before touching any node' {
        { $node | Add-NodeSshKey -PublicKey 'ssh-ed25519 not-base64!' -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidPublicKey,ReleaseOps.Commands.AddNodeSshKeyCommand'
        { $node | Add-NodeSshKey -PublicKey (Get-Content $ctx.IdentityFile -Raw) -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidPublicKey,ReleaseOps.Commands.AddNodeSshKeyCommand'
    }

    It 'reports a missing user with a stable id' {
        $null = $node | Add-NodeSshKey -PublicKey $alice -ForUser nobody-here -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -Be 'NodeUserNotFound,ReleaseOps.Commands.AddNodeSshKeyCommand'
    }

    It 'changes nothing with -WhatIf' {
        $null = $node | Invoke-NodeCommand -Command 'useradd -m -p "*" carol'
        $node | Add-NodeSshKey -PublicKey $alice -ForUser carol -WhatIf
        ($node | Invoke-NodeCommand -Command 'test -e /home/carol/.ssh && echo yes || echo no').Output.Trim() | Should -Be 'no'
    }
}
