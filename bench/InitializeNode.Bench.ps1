<#
.SYNOPSIS
    Initialize-Node on sandbox nodes against the equivalent Ansible playbook, first run and second (no-change) run.
.DESCRIPTION
    Starts -Count sandbox nodes per tool (root needed), so that each tool bootstraps fresh nodes, then:
      - Initialize-Node with a roster of -Admins admins (groups, accounts, keys, sudo policy and shared history);
      - ansible-playbook with the modules group, user and authorized_key doing the groups, accounts and keys, with
        forks = Count.
    Both run twice on their nodes: the first run changes everything, the second nothing. Every node must succeed, and
    the second run must report no change. Prints the times and the ratios; the targets are at most 0.2 times Ansible
    for the first run and at most 0.1 times for the second.
#>
[CmdletBinding()]
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/ReleaseOps/ReleaseOps.psd1'),
    [int] $Count = 20,
    [int] $Admins = 3
)

$ErrorActionPreference = 'Stop'
Import-Module (Resolve-Path $ModulePath).Path
if (-not (Get-Command ansible-playbook -ErrorAction SilentlyContinue)) { throw 'ansible-playbook is missing: apt-get install ansible' }

$dir = Join-Path ([System.IO.Path]::GetTempPath()) "releaseops-bench-init-$PID"
$null = New-Item -ItemType Directory -Path $dir
& ssh-keygen -q -t ed25519 -N '' -f "$dir/id_ed25519" | Out-Null
$config = "$dir/ssh_config"; Set-Content $config '# empty'
$known = "$dir/known_hosts"
$team = foreach ($i in 1..$Admins) {
    & ssh-keygen -q -t ed25519 -N '' -C "admin$i@laptop" -f "$dir/admin$i" | Out-Null
    [ReleaseOps.TeamMember]@{ Name = "Admin $i"; Login = "admin$i"; PublicKey = @(Get-Content "$dir/admin$i.pub") }
}
$ours = @(); $theirs = @()
try {
    $ours = 1..$Count | ForEach-Object { New-ProjectNode -Provider Sandbox -Project benchinit -Client "r$_" -PublicKey "$dir/id_ed25519.pub" -KnownHostsFile $known }
    $theirs = 1..$Count | ForEach-Object { New-ProjectNode -Provider Sandbox -Project benchinit -Client "a$_" -PublicKey "$dir/id_ed25519.pub" -KnownHostsFile $known }

    $i = 0; $theirs | ForEach-Object { $i++; "node$i ansible_host=127.0.0.1 ansible_port=$($_.Port) ansible_user=root" } | Set-Content "$dir/inventory"
    $users = ($team | ForEach-Object { "      - { login: $($_.Login), name: '$($_.Name)', key: '$($_.PublicKey[0])' }" }) -join "`n"
    @"
- hosts: all
  gather_facts: false
  vars:
    admins:
$users
  tasks:
    - name: groups
      group: { name: "{{ item }}", state: present }
      loop: [dev, sudo, docker]
    - name: accounts
      user: { name: "{{ item.login }}", comment: "{{ item.name }}", groups: [dev, sudo, docker], append: true, shell: /bin/bash, password: '*' }
      loop: "{{ admins }}"
    - name: keys
      authorized_key: { user: "{{ item.login }}", key: "{{ item.key }}", state: present }
      loop: "{{ admins }}"
"@ | Set-Content "$dir/bootstrap.yml"

    $env:ANSIBLE_HOST_KEY_CHECKING = 'True'; $env:ANSIBLE_PYTHON_INTERPRETER = 'auto_silent'; $env:ANSIBLE_NOCOLOR = '1'; $env:ANSIBLE_RETRY_FILES_ENABLED = 'False'
    $sshArgs = "-F $config -o UserKnownHostsFile=$known -o StrictHostKeyChecking=yes -o BatchMode=yes"
    $runAnsible = {
        $out = & ansible-playbook -i "$dir/inventory" "$dir/bootstrap.yml" -f $Count --private-key "$dir/id_ed25519" --ssh-extra-args $sshArgs 2>&1
        $recap = @($out | Where-Object { $_ -match '^node\d+\s+:\s+ok=' })
        if ($recap.Count -ne $Count -or ($recap | Where-Object { $_ -match 'failed=[1-9]|unreachable=[1-9]' })) { throw "ansible-playbook failed:`n$($out -join "`n")" }
        @($recap | Where-Object { $_ -match 'changed=[1-9]' }).Count
    }
    $runOurs = {
        $steps = $ours | Initialize-Node -Team $team -ThrottleLimit $Count -IdentityFile "$dir/id_ed25519" -KnownHostsFile $known -ConfigFile $config
        if (@($steps | Where-Object Status -EQ Failed).Count) { throw 'Initialize-Node failed.' }
        @($steps | Where-Object Status -EQ Changed | Select-Object -ExpandProperty HostName -Unique).Count
        @($steps | Where-Object Status -EQ Changed).Count
    }

    $results = [ordered]@{}
    foreach ($run in 'first', 'second') {
        $changedOurs = $null; $changedTheirs = $null
        $tOurs = Measure-Command { $changedOurs = & $runOurs }
        $tTheirs = Measure-Command { $changedTheirs = & $runAnsible }
        $expectChanges = $run -eq 'first'
        if ($expectChanges -and $changedTheirs -ne $Count) { throw "ansible changed $changedTheirs of $Count nodes on the first run." }
        if (-not $expectChanges -and $changedTheirs -ne 0) { throw "ansible changed $changedTheirs nodes on the second run." }
        if (-not $expectChanges -and $changedOurs[1] -ne 0) { throw "Initialize-Node changed $($changedOurs[1]) steps on the second run." }
        $results[$run] = @{ Ours = $tOurs.TotalMilliseconds; Ansible = $tTheirs.TotalMilliseconds }
        Write-Host ("  {0} run: Initialize-Node {1,8:N0} ms, ansible-playbook {2,8:N0} ms" -f $run, $tOurs.TotalMilliseconds, $tTheirs.TotalMilliseconds)
    }
    foreach ($run in $results.Keys) {
        $ratio = $results[$run].Ours / $results[$run].Ansible
        $target = if ($run -eq 'first') { 0.2 } else { 0.1 }
        '{0} nodes, {1} admins, {2} run: Initialize-Node {3:N0} ms, ansible-playbook {4:N0} ms, ratio {5:N3} (target <= {6}) {7}' -f `
            $Count, $Admins, $run, $results[$run].Ours, $results[$run].Ansible, $ratio, $target, $(if ($ratio -le $target) { 'MET' } else { 'MISSED' })
    }
}
finally {
    @($ours) + @($theirs) | Where-Object { $_ } | Remove-ProjectNode -Force -KnownHostsFile $known
    Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue
}
