# Migration journals written by hand, as a migration that stopped (or finished) on another day would have left them:
# the journal (<id>.json) and the plan beside it (<id>.plan). For the cmdlets that work from the journal alone
# (Resume-Migration, Complete-Migration), without nodes.

function New-TestMigration {
    param(
        [Parameter(Mandatory)] [string] $Id,
        [Parameter(Mandatory)] [ValidateSet('Running', 'Failed', 'Completed', 'RolledBack', 'Closed')] [string] $Status,
        [datetimeoffset] $DeleteAfter = [datetimeoffset]::UtcNow.AddDays(7),
        $SourceNode,
        [switch] $NoPlan
    )
    $dir = $env:RELEASEOPS_MIGRATIONS
    $null = New-Item -ItemType Directory -Path $dir -Force
    $steps = 'PrepareTarget', 'InitialSync', 'Freeze', 'FinalSync', 'SwitchDns', 'Redirect', 'Snapshot' | ForEach-Object {
        $name = $_
        # A failed migration stopped at InitialSync; a running one has started nothing; the others did every step.
        $state = switch ($Status) { 'Failed' { @{ PrepareTarget = 'Done'; InitialSync = 'Failed' }[$name] ?? 'Pending' } 'Running' { 'Pending' } default { 'Done' } }
        [ordered]@{ Name = $name; State = $state; Attempts = [int]($state -ne 'Pending') }
    }
    $journal = [ordered]@{
        Id = $Id; Project = ($Id -split '-')[0]; Source = '127.0.0.98:22'; Target = '127.0.0.99:22'; Status = $Status; Steps = @($steps)
        FreezeStarted = $null; ServingAt = $null; DeleteAfter = $(if ($Status -in 'Completed', 'Closed') { $DeleteAfter.ToString('o') } else { $null })
    }
    $journal | ConvertTo-Json -Depth 5 | Set-Content (Join-Path $dir "$Id.json")
    if (-not $NoPlan) {
        $plan = [ordered]@{
            Version = 1; SourceHost = '127.0.0.98'; SourcePort = 22; SourceUser = 'root'; TargetHost = '127.0.0.99'; TargetPort = 22; TargetUser = 'root'; SourceAddress = '127.0.0.98'
            Plan = [ordered]@{ StackPath = '/srv/shop'; SourceNode = $SourceNode; DnsNames = @(); Files = @(); TargetAddress = '127.0.0.99'; DnsTimeoutSeconds = 10 }
        }
        $plan | ConvertTo-Json -Depth 6 | Set-Content (Join-Path $dir "$Id.plan")
    }
    Get-Migration -Id $Id
}

Export-ModuleMember -Function New-TestMigration
