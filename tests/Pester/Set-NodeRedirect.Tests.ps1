# The migration's redirect on a real HAProxy (Debian's package) inside a sandbox node: what reaches the old node's
# address is passed to the "new node", here a web server on another loopback address.
BeforeAll {
    Import-Module $env:RELEASEOPS_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'SshFixtures.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:ctx = New-SshTestContext -Directory (Join-Path $TestDrive 'ssh')
    $global:PSDefaultParameterValues = $ctx.Defaults.Clone()
    $script:old = New-TestNode -Client redirect
    # The new node's stack: two web servers on 127.0.0.61, one per redirected port.
    $script:site = Join-Path $TestDrive 'site'
    $null = New-Item -ItemType Directory $site
    Set-Content (Join-Path $site 'marker.txt') 'served by the new node'
    $script:ports = @([int](Get-FreePort), [int](Get-FreePort))
    $script:servers = foreach ($p in $ports) {
        Start-Process python3 -ArgumentList @('-m', 'http.server', "$p", '--bind', '127.0.0.61', '--directory', $site) -PassThru -RedirectStandardError (Join-Path $TestDrive "web$p.log")
    }
    foreach ($p in $ports) {
        $deadline = [DateTime]::UtcNow.AddSeconds(10)
        while ([DateTime]::UtcNow -lt $deadline) { try { $c = [System.Net.Sockets.TcpClient]::new('127.0.0.61', $p); $c.Dispose(); break } catch { Start-Sleep -Milliseconds 50 } }
    }
    function Get-Through([int] $Port) { (Invoke-WebRequest "http://127.0.0.60:$Port/marker.txt" -TimeoutSec 5).Content.Trim() }
}

AfterAll {
    $old | Remove-NodeRedirect -ErrorAction SilentlyContinue | Out-Null
    $old | Remove-ProjectNode -Force
    $servers | ForEach-Object { $_.Kill() }
    $global:PSDefaultParameterValues = @{}
}

Describe 'Set-NodeRedirect' {
    It 'passes both ports through to the new node, and a second run changes nothing' {
        $r = $old | Set-NodeRedirect -Target 127.0.0.61 -RedirectPort $ports -ListenAddress 127.0.0.60 -ErrorAction Stop
        $r.Status | Should -Be 'Changed'
        $r.Mode | Should -Be 'Tcp'
        Get-Through $ports[0] | Should -Be 'served by the new node'
        Get-Through $ports[1] | Should -Be 'served by the new node'
        ($old | Set-NodeRedirect -Target 127.0.0.61 -RedirectPort $ports -ListenAddress 127.0.0.60).Status | Should -Be 'Unchanged'
        ($old | Invoke-NodeCommand -Command 'haproxy -c -f /etc/releaseops/redirect.cfg >/dev/null && echo valid').Output.Trim() | Should -Be 'valid'
    }

    It 'reports a change under -WhatIf without making it' {
        ($old | Set-NodeRedirect -Target 127.0.0.62 -RedirectPort $ports -ListenAddress 127.0.0.60 -WhatIf).Status | Should -Be 'WouldChange'
        ($old | Invoke-NodeCommand -Command 'grep -c 127.0.0.62 /etc/releaseops/redirect.cfg || true').Output.Trim() | Should -Be '0'
        Get-Through $ports[0] | Should -Be 'served by the new node'
    }

    It 'keeps the running redirect when a new one cannot start' {
        $busy = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Parse('127.0.0.60'), (Get-FreePort))
        $busy.Start()
        try {
            $taken = $busy.LocalEndpoint.Port
            $old | Set-NodeRedirect -Target 127.0.0.61 -RedirectPort ($ports + $taken) -ListenAddress 127.0.0.60 -ErrorAction SilentlyContinue -ErrorVariable failed | Out-Null
            $failed[0].FullyQualifiedErrorId | Should -BeLike 'RedirectStartFailed*'
            Get-Through $ports[0] | Should -Be 'served by the new node'
            ($old | Invoke-NodeCommand -Command "grep -c ':$taken' /etc/releaseops/redirect.cfg || true").Output.Trim() | Should -Be '0'
        }
        finally { $busy.Stop() }
    }

    It 'sends an HTTP 301 to the new name in Http301 mode' {
        $r = $old | Set-NodeRedirect -Target 127.0.0.61 -RedirectPort $ports[0] -ListenAddress 127.0.0.60 -Mode Http301 -RedirectHost kmc.countable.ca -ErrorAction Stop
        $r.Status | Should -Be 'Changed'
        $response = Invoke-WebRequest "http://127.0.0.60:$($ports[0])/marker.txt" -MaximumRedirection 0 -SkipHttpErrorCheck -ErrorAction SilentlyContinue
        $response.StatusCode | Should -Be 301
        "$($response.Headers.Location)" | Should -Be "http://kmc.countable.ca:$($ports[0])/marker.txt"
    }

    It 'refuses a target that is not an address or a host name, before any node is reached' {
        { $old | Set-NodeRedirect -Target '127.0.0.61;reboot' -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidRedirectTarget*'
        { $old | Set-NodeRedirect -Target 127.0.0.61 -Mode Http301 -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidRedirectHost*'
    }

    It 'takes a ProjectNode as the target' {
        $new = [ReleaseOps.ProjectNode]@{ Name = 'cortico-new'; PublicIPv4 = '127.0.0.61'; HostName = '127.0.0.61' }
        ($old | Set-NodeRedirect -Target $new -RedirectPort $ports[1] -ListenAddress 127.0.0.60 -WhatIf).Target | Should -Be '127.0.0.61'
    }
}

Describe 'Remove-NodeRedirect' {
    It 'stops the redirect and removes its configuration, and a second run changes nothing' {
        $null = $old | Set-NodeRedirect -Target 127.0.0.61 -RedirectPort $ports -ListenAddress 127.0.0.60 -ErrorAction Stop
        ($old | Remove-NodeRedirect -ErrorAction Stop).Status | Should -Be 'Changed'
        { Invoke-WebRequest "http://127.0.0.60:$($ports[0])/marker.txt" -TimeoutSec 3 } | Should -Throw
        ($old | Invoke-NodeCommand -Command 'test -e /etc/releaseops/redirect.cfg && echo present || echo gone').Output.Trim() | Should -Be 'gone'
        ($old | Remove-NodeRedirect).Status | Should -Be 'Unchanged'
    }
}
