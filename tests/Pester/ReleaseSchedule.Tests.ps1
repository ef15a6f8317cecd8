BeforeAll {
    Import-Module $env:RELEASEOPS_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'GitFixtures.psm1') -Force
}

Describe 'Register-ReleaseSchedule' {
    It 'writes a systemd service and timer that run the job non-interactively' {
        $r = New-ReleaseRepo -Directory (Join-Path $TestDrive 'systemd')
        $s = Register-ReleaseSchedule -Path $r.Work -DayOfWeek Friday -At '17:45' -Method SystemdTimer -OutputDirectory (Join-Path $TestDrive 'units')
        $s | Should -BeOfType ([ReleaseOps.ReleaseSchedule])
        $s.Name | Should -Be 'releaseops-demo'
        $s.Installed | Should -BeFalse
        $timer = Get-Content (Join-Path $TestDrive 'units/releaseops-demo.timer') -Raw
        $timer | Should -Match '(?m)^OnCalendar=Fri \*-\*-\* 17:45:00$'
        $timer | Should -Match '(?m)^Persistent=true$'
        $service = Get-Content (Join-Path $TestDrive 'units/releaseops-demo.service') -Raw
        $service | Should -Match '(?m)^Type=oneshot$'
        $service | Should -Match '(?m)^ExecStart=\S*pwsh -NoProfile -NonInteractive -File \S+releaseops-demo\.ps1$'
    }

    It 'writes the job so that another local user can neither read nor replace it' {
        # Issue #13: the job runs as the admin (or root) every week; a script that another user can replace runs their code.
        $r = New-ReleaseRepo -Directory (Join-Path $TestDrive 'private')
        $shared = Join-Path $TestDrive 'shared-units'
        $null = New-Item -ItemType Directory -Path $shared
        & chmod 1777 $shared
        { Register-ReleaseSchedule -Path $r.Work -Method SystemdTimer -OutputDirectory $shared -ErrorAction Stop } |
            Should -Throw -ErrorId 'LocalPathUnsafe,ReleaseOps.Commands.RegisterReleaseScheduleCommand'
        $out = Join-Path $TestDrive 'private-units'
        $victim = Join-Path $TestDrive 'victim.txt'
        Set-Content $victim 'keep'
        $null = New-Item -ItemType Directory -Path $out
        $null = New-Item -ItemType SymbolicLink -Path "$out/releaseops-demo.ps1" -Target $victim
        $null = Register-ReleaseSchedule -Path $r.Work -Method SystemdTimer -OutputDirectory $out
        Get-Content $victim | Should -Be 'keep'
        (Get-Item "$out/releaseops-demo.ps1").LinkType | Should -BeNullOrEmpty
        foreach ($file in 'releaseops-demo.ps1', 'releaseops-demo.service', 'releaseops-demo.timer') {
            (Get-Item "$out/$file").UnixFileMode | Should -Be ([System.IO.UnixFileMode] 'UserRead, UserWrite')
        }
        & setpriv --reuid=65534 --regid=65534 --clear-groups -- cat "$out/releaseops-demo.ps1" 2>$null
        $LASTEXITCODE | Should -Not -Be 0
    }

    It 'writes a Scheduled Task XML with a weekly trigger and the exact action' {
        $r = New-ReleaseRepo -Directory (Join-Path $TestDrive 'task')
        $null = Register-ReleaseSchedule -Path $r.Work -DayOfWeek Tuesday -At '06:15' -Method ScheduledTask -OutputDirectory (Join-Path $TestDrive 'task-out')
        [xml] $x = Get-Content (Join-Path $TestDrive 'task-out/releaseops-demo.xml') -Raw
        $ns = @{ t = 'http://schemas.microsoft.com/windows/2004/02/mit/task' }
        @(Select-Xml -Xml $x -XPath '//t:CalendarTrigger/t:ScheduleByWeek/t:DaysOfWeek/t:Tuesday' -Namespace $ns).Count | Should -Be 1
        @(Select-Xml -Xml $x -XPath '//t:CalendarTrigger/t:ScheduleByWeek/t:DaysOfWeek/*' -Namespace $ns).Count | Should -Be 1
        (Select-Xml -Xml $x -XPath '//t:CalendarTrigger/t:StartBoundary' -Namespace $ns).Node.InnerText | Should -Match 'T06:15:00$'
        (Select-Xml -Xml $x -XPath '//t:Exec/t:Arguments' -Namespace $ns).Node.InnerText | Should -Match '^-NoProfile -NonInteractive -File ".+releaseops-demo\.ps1"$'
        (Select-Xml -Xml $x -XPath '//t:Settings/t:MultipleInstancesPolicy' -Namespace $ns).Node.InnerText | Should -Be 'IgnoreNew'
        (Select-Xml -Xml $x -XPath '//t:Principal/t:LogonType' -Namespace $ns).Node.InnerText | Should -Be 'S4U'
    }

    It 'installs one crontab line, replaces it on a second run, and removes it' {
        $r = New-ReleaseRepo -Directory (Join-Path $TestDrive 'cron')
        $name = "releaseops-pester-$PID"
        try {
            $null = Register-ReleaseSchedule -Path $r.Work -Name $name -Method Cron -At '09:00' -DayOfWeek Monday
            $s = Register-ReleaseSchedule -Path $r.Work -Name $name -Method Cron -At '08:30' -DayOfWeek Wednesday
            $s.Installed | Should -BeTrue
            $lines = @(& crontab -l | Where-Object { $_ -like "*# releaseops:$name" })
            $lines | Should -HaveCount 1
            $lines[0] | Should -Match '^30 8 \* \* 3 \S*pwsh -NoProfile -NonInteractive -File '
            Unregister-ReleaseSchedule -Name $name -Method Cron | Should -BeTrue
            @(& crontab -l 2>$null | Where-Object { $_ -like "*# releaseops:$name" }) | Should -HaveCount 0
            Unregister-ReleaseSchedule -Name $name -Method Cron | Should -BeFalse
        }
        finally { $null = Unregister-ReleaseSchedule -Name $name -Method Cron -ErrorAction SilentlyContinue }
    }

    It 'writes a job script that really releases, and logs what happened' {
        $r = New-ReleaseRepo -Directory (Join-Path $TestDrive 'job')
        $log = Join-Path $TestDrive 'job.log'
        $s = Register-ReleaseSchedule -Path $r.Work -Method Cron -LogPath $log -OutputDirectory (Join-Path $TestDrive 'job-out')
        $script = $s.Files | Where-Object { $_ -like '*.ps1' }
        & (Join-Path $PSHOME 'pwsh') -NoProfile -NonInteractive -File $script
        $LASTEXITCODE | Should -Be 0
        $text = Get-Content $log -Raw
        $text | Should -Match 'Start-Release'
        $text | Should -Match 'Released'
        $text | Should -Match '== .+ done'
        (& git -C $r.Origin tag -l).Count | Should -Be 2
        # A failing release is logged with its error id, and the job exits with 1.
        Add-Content "$($r.Work)/app.py" '# dirty'
        & (Join-Path $PSHOME 'pwsh') -NoProfile -NonInteractive -File $script
        $LASTEXITCODE | Should -Be 1
        Get-Content $log -Raw | Should -Match 'FAILED: DirtyWorktree'
    }
}
