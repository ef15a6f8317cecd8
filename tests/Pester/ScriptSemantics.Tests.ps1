# Failures that stop scripts, and no prompt where nobody can answer: every cmdlet, run to fail inside a script under
# -ErrorAction Stop (and under $ErrorActionPreference = 'Stop'), stops that script, and pwsh exits non-zero, as built-in
# cmdlets do. A High-impact cmdlet without -Force in a non-interactive session fails with ConfirmationRequired.
BeforeDiscovery {
    $closed = '127.0.0.1'
    $key = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA x'
    # One failing call per cmdlet: each fails in the module (a ReleaseOps error), not in parameter binding. Nodes are
    # a closed port on 127.0.0.1; no provider token is set, and no call leaves the machine.
    $script:failing = @(
        @{ Cmdlet = 'Add-NodeSshKey'; Call = "Add-NodeSshKey -HostName $closed -Port 1 -PublicKey 'not a key'" }
        @{ Cmdlet = 'Add-NodeUser'; Call = "Add-NodeUser -HostName $closed -Port 1 -Login 'Bad Login' -PublicKey '$key'" }
        @{ Cmdlet = 'Complete-Hotfix'; Call = 'Complete-Hotfix -Path /nonexistent -Name fix' }
        @{ Cmdlet = 'Complete-Migration'; Call = 'Complete-Migration -Id app-20200101-000000 -Force' }
        @{ Cmdlet = 'Copy-NodeItem'; Call = "Copy-NodeItem -HostName $closed -Port 1 -Path /nonexistent-local -Destination /srv/x" }
        @{ Cmdlet = 'Deploy-ProjectStack'; Call = "Deploy-ProjectStack -HostName $closed -Port 1 -Path /nonexistent -Ref develop" }
        @{ Cmdlet = 'Enter-DirectNode'; Call = "Enter-DirectNode -HostName '-oProxyCommand=true'" }
        @{ Cmdlet = 'Export-AnsibleInventory'; Call = "[ReleaseOps.ProjectNode]@{ Name = 'x'; HostName = '-oProxyCommand=true' } | Export-AnsibleInventory -Path /nonexistent-inventory" }
        @{ Cmdlet = 'Export-AnsiblePlaybook'; Call = "Export-AnsiblePlaybook -Path /nonexistent-playbook.yml -Team @{ Name = 'X'; Login = 'Bad Login'; PublicKey = '$key' }" }
        @{ Cmdlet = 'Export-TerraformConfiguration'; Call = "'not a node' | Export-TerraformConfiguration -Path /nonexistent-tf" }
        @{ Cmdlet = 'Export-ReleaseReport'; Call = 'Export-ReleaseReport -Path /nonexistent/report.html' }
        @{ Cmdlet = 'Get-DnsRecord'; Call = 'Get-DnsRecord -Zone example.com' }
        @{ Cmdlet = 'Get-JenkinsBuild'; Call = 'Get-JenkinsBuild -Job app/e2e -JenkinsUrl http://127.0.0.1:1/' }
        @{ Cmdlet = 'Get-Migration'; Call = 'Get-Migration -Id app-20200101-000000' }
        @{ Cmdlet = 'Get-NodeHistory'; Call = "Get-NodeHistory -HostName $closed -Port 1" }
        @{ Cmdlet = 'Get-NodeSnapshot'; Call = 'Get-NodeSnapshot -Provider DigitalOcean' }
        @{ Cmdlet = 'Get-NodeUser'; Call = "Get-NodeUser -HostName $closed -Port 1" }
        @{ Cmdlet = 'Get-ProjectNode'; Call = 'Get-ProjectNode -Provider DigitalOcean' }
        @{ Cmdlet = 'Get-ReleaseOpsConfiguration'; Call = 'Get-ReleaseOpsConfiguration -Name Bogus' }
        @{ Cmdlet = 'Set-ReleaseOpsConfiguration'; Call = 'Set-ReleaseOpsConfiguration -Name Bogus -Value x' }
        @{ Cmdlet = 'Get-Release'; Call = 'Get-Release -Path /nonexistent' }
        @{ Cmdlet = 'Get-ReleaseMetrics'; Call = 'Get-ReleaseMetrics -Path /nonexistent' }
        @{ Cmdlet = 'Get-ReleaseOpsProject'; Call = 'Get-ReleaseOpsProject -Path /nonexistent' }
        @{ Cmdlet = 'Initialize-Node'; Call = "Initialize-Node -HostName $closed -Port 1 -TeamFile /nonexistent/team.psd1" }
        @{ Cmdlet = 'Invoke-JenkinsJob'; Call = 'Invoke-JenkinsJob -Job app/e2e -JenkinsUrl http://127.0.0.1:1/' }
        @{ Cmdlet = 'Invoke-Migration'; Call = "Invoke-Migration -Source ${closed}:1 -Target ${closed}:2 -Project app -StackPath /srv/.. -Force" }
        @{ Cmdlet = 'Invoke-NodeCommand'; Call = "Invoke-NodeCommand -HostName $closed -Port 1 -Command true" }
        @{ Cmdlet = 'New-FeatureBranch'; Call = 'New-FeatureBranch -Path /nonexistent -Name login' }
        @{ Cmdlet = 'New-NodeSession'; Call = "New-NodeSession -HostName $closed -Port 1" }
        @{ Cmdlet = 'Get-NodeSession'; Call = 'Get-NodeSession -SessionId 4711' }
        @{ Cmdlet = 'Remove-NodeSession'; Call = 'Remove-NodeSession -SessionId 4711' }
        @{ Cmdlet = 'New-NodeSnapshot'; Call = "[pscustomobject]@{ Provider = 'DigitalOcean'; Id = '1'; Name = 'app' } | New-NodeSnapshot" }
        @{ Cmdlet = 'New-ProjectNode'; Call = "New-ProjectNode -Provider Sandbox -Project 'Bad Slug'" }
        @{ Cmdlet = 'Register-ReleaseSchedule'; Call = 'Register-ReleaseSchedule -Path /nonexistent' }
        @{ Cmdlet = 'Remove-NodeRedirect'; Call = "Remove-NodeRedirect -HostName $closed -Port 1" }
        @{ Cmdlet = 'Remove-NodeUser'; Call = "Remove-NodeUser -HostName $closed -Port 1 -Login 'Bad Login' -Force" }
        @{ Cmdlet = 'Remove-ProjectNode'; Call = "[pscustomobject]@{ Provider = 'DigitalOcean'; Id = '1'; Name = 'app' } | Remove-ProjectNode -Force" }
        @{ Cmdlet = 'Resolve-DirectHostName'; Call = "Resolve-DirectHostName -HostName 'bad_name'" }
        @{ Cmdlet = 'Resume-Migration'; Call = 'Resume-Migration -Id app-20200101-000000 -Force' }
        @{ Cmdlet = 'Select-HostingProvider'; Call = 'Select-HostingProvider -Project app -DataResidency Canada -AwsOnlyService Rekognition' }
        @{ Cmdlet = 'Set-DnsRecord'; Call = 'Set-DnsRecord -Zone example.com -Name www -Value 192.0.2.1' }
        @{ Cmdlet = 'Set-NodeRedirect'; Call = "Set-NodeRedirect -HostName $closed -Port 1 -Target 'bad target'" }
        @{ Cmdlet = 'Start-Hotfix'; Call = 'Start-Hotfix -Path /nonexistent -Name fix' }
        @{ Cmdlet = 'Start-Release'; Call = 'Start-Release -Path /nonexistent' }
        @{ Cmdlet = 'Sync-NodeDatabase'; Call = "Sync-NodeDatabase -Source ${closed}:1 -Target ${closed}:2 -Database ('a' + [char]10 + 'b') -Force" }
        @{ Cmdlet = 'Sync-NodeFile'; Call = "Sync-NodeFile -Source ${closed}:1 -Target ${closed}:2 -Path /srv/.." }
        @{ Cmdlet = 'Test-DnsRecord'; Call = "Test-DnsRecord -Zone example.com -Name www -Expected 192.0.2.1 -NameServer 'bad server name'" }
        @{ Cmdlet = 'Test-ReleaseOpsEnvironment'; Call = "Test-ReleaseOpsEnvironment -SshHost '-oProxyCommand=true'" }
        @{ Cmdlet = 'Test-ReleasePolicy'; Call = 'Test-ReleasePolicy -Path /nonexistent' }
        @{ Cmdlet = 'Undo-Migration'; Call = 'Undo-Migration -Id app-20200101-000000 -Force' }
        @{ Cmdlet = 'Unregister-ReleaseSchedule'; Call = "Unregister-ReleaseSchedule -Name 'Bad Name'" }
    )
}

BeforeAll {
    Import-Module $env:RELEASEOPS_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:migrations = Join-Path $TestDrive 'migrations'
    # The scripts see no provider token and an empty migrations folder.
    $script:Preamble = @"
foreach (`$v in 'DIGITALOCEAN_TOKEN', 'DIGITALOCEAN_ACCESS_TOKEN', 'SCW_SECRET_KEY', 'SCW_ACCESS_KEY', 'CLOUDFLARE_API_TOKEN', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'JENKINS_URL') { Remove-Item "env:`$v" -ErrorAction SilentlyContinue }
`$env:RELEASEOPS_MIGRATIONS = '$migrations'
Import-Module '$($env:RELEASEOPS_MODULE)'
"@
}

Describe 'Failures stop scripts' {
    It 'covers every cmdlet of the module' {
        $covered = $failing.Cmdlet
        $all = (Get-Command -Module ReleaseOps -CommandType Cmdlet).Name
        $all | Where-Object { $_ -notin $covered } | Should -BeNullOrEmpty
    }

    It '<Cmdlet> under -ErrorAction Stop stops the script, and pwsh exits non-zero' -ForEach $failing {
        $r = Invoke-FreshPwsh -Script "$Preamble`n$Call -ErrorAction Stop`n'after the failure'"
        $r.Output | Should -Not -Contain 'after the failure'
        $r.ExitCode | Should -Not -Be 0
        # It failed in the module, with the module's own id.
        ($r.Output -join "`n") | Should -Not -Match 'ParameterBinding|CommandNotFound'
    }

    It '<Cmdlet> under $ErrorActionPreference = Stop stops the script too' -ForEach ($failing | Where-Object Cmdlet -In 'Start-Release', 'Invoke-NodeCommand', 'Sync-NodeFile', 'Resolve-DirectHostName', 'Get-ProjectNode') {
        $r = Invoke-FreshPwsh -Script "$Preamble`n`$ErrorActionPreference = 'Stop'`n$Call`n'after the failure'"
        $r.Output | Should -Not -Contain 'after the failure'
        $r.ExitCode | Should -Not -Be 0
    }

    It 'is caught by try/catch with its id, and stays quiet under SilentlyContinue' {
        $r = Invoke-FreshPwsh -Script @"
$Preamble
try { Start-Release -Path /nonexistent -ErrorAction Stop } catch { "caught `$(`$_.FullyQualifiedErrorId)" }
Start-Release -Path /nonexistent -ErrorAction SilentlyContinue
"quiet `$(`$Error[0].FullyQualifiedErrorId)"
"@
        $r.Output | Should -Contain 'caught ProjectPathNotFound,ReleaseOps.Commands.StartReleaseCommand'
        $r.Output | Should -Contain 'quiet ProjectPathNotFound,ReleaseOps.Commands.StartReleaseCommand'
        $r.ExitCode | Should -Be 0
    }

    It 'keeps a failure on one node of many non-terminating: the other nodes go on' {
        $r = Invoke-FreshPwsh -Script @"
$Preamble
`$out = Invoke-NodeCommand -HostName 127.0.0.1:1, 127.0.0.1:2 -Command true -ErrorVariable failed -ErrorAction SilentlyContinue
"failed `$(`$failed.Count)"
"@
        $r.Output | Should -Contain 'failed 2'
    }
}

Describe 'No prompt where nobody can answer' {
    It 'fails with ConfirmationRequired, naming -Force, under -NonInteractive' {
        $r = Invoke-FreshPwsh -Script @"
$Preamble
try { [pscustomobject]@{ Provider = 'DigitalOcean'; Id = '1'; Name = 'app' } | Remove-ProjectNode -ErrorAction Stop } catch { "id `$(`$_.FullyQualifiedErrorId)"; `$_.Exception.Message; `$_.ErrorDetails.RecommendedAction }
"@
        $r.Output | Should -Contain 'id ConfirmationRequired,ReleaseOps.Commands.RemoveProjectNodeCommand'
        ($r.Output -join "`n") | Should -Match '-Force'
    }

    It 'fails with ConfirmationRequired when standard input is /dev/null, instead of a NullReferenceException' {
        $file = Join-Path $TestDrive 'confirm.ps1'
        Set-Content $file @"
$Preamble
try { Remove-NodeUser -HostName 127.0.0.1 -Port 1 -Login alice -ErrorAction Stop } catch { "id `$(`$_.FullyQualifiedErrorId)" }
"@
        $out = bash -c "'$(Get-TestPwsh)' -NoProfile -File '$file' < /dev/null 2>&1"
        $out | Should -Contain 'id ConfirmationRequired,ReleaseOps.Commands.RemoveNodeUserCommand'
        # No prompt was shown: nobody could answer it.
        ($out -join "`n") | Should -Not -Match 'Are you sure'
    }
}
