# Shared fixtures for the Pester tests: a fresh pwsh, a real sshd on loopback, and HTTP-level fakes.

function Get-TestPwsh {
    Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')
}

function Get-FreePort {
    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $listener.Start()
    try { $listener.LocalEndpoint.Port } finally { $listener.Stop() }
}

function Start-MigrationProcess {
    <#
    Runs a migration command in a pwsh of its own, so that a test can kill it; the nodes reach it as Clixml, as
    between two Jenkins steps, and the SSH options of the test's context as @ssh. Returns the process and its log.
    #>
    param(
        [Parameter(Mandatory)] [string] $Command,
        [Parameter(Mandatory)] [hashtable] $Nodes,
        [Parameter(Mandatory)] $Context,
        [Parameter(Mandatory)] [string] $Directory
    )
    $nodesFile = Join-Path $Directory 'nodes.xml'
    if (-not (Test-Path $nodesFile)) { $Nodes | Export-Clixml $nodesFile }
    $script = @"
`$ErrorActionPreference = 'Stop'
trap { [Console]::Error.WriteLine("`$(`$_.FullyQualifiedErrorId): `$(`$_.Exception.ToString())"); exit 1 }
Import-Module '$($env:RELEASEOPS_MODULE)'
`$nodes = Import-Clixml '$nodesFile'
`$ssh = @{ IdentityFile = '$($Context.IdentityFile)'; KnownHostsFile = '$($Context.KnownHostsFile)'; ConfigFile = '$($Context.ConfigFile)' }
$Command
"@
    $file = Join-Path $Directory ("run-" + [guid]::NewGuid().ToString('N') + '.ps1')
    Set-Content -Path $file -Value $script
    $log = "$file.log"
    $p = Start-Process -FilePath (Get-TestPwsh) -ArgumentList @('-NoProfile', '-NonInteractive', '-File', $file) -PassThru -RedirectStandardOutput $log -RedirectStandardError "$log.err"
    [pscustomobject]@{ Process = $p; Log = $log }
}

function Invoke-FreshPwsh {
    <# Runs a script in a fresh pwsh -NoProfile -NonInteractive and returns its output lines and exit code. #>
    param([Parameter(Mandatory)] [string] $Script, [string] $WorkingDirectory = [System.IO.Path]::GetTempPath())
    $file = Join-Path ([System.IO.Path]::GetTempPath()) ("ro-" + [guid]::NewGuid().ToString('N') + '.ps1')
    Set-Content -Path $file -Value $Script
    try {
        Push-Location $WorkingDirectory
        $output = & (Get-TestPwsh) -NoProfile -NonInteractive -File $file 2>&1
        [pscustomobject]@{ Output = @($output | ForEach-Object { "$_" }); ExitCode = $LASTEXITCODE }
    }
    finally {
        Pop-Location
        Remove-Item $file -ErrorAction SilentlyContinue
    }
}

function Start-TestSshd {
    <# A real OpenSSH server on 127.0.0.1 (or another loopback address and port) with its own host key, accepting one client key for the current user. #>
    param([string] $Address = '127.0.0.1', [int] $Port = 0)
    $dir = Join-Path ([System.IO.Path]::GetTempPath()) ("ro-sshd-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
    $null = New-Item -ItemType Directory -Path $dir
    & ssh-keygen -q -t ed25519 -N '' -f "$dir/host_ed25519" | Out-Null
    & ssh-keygen -q -t ed25519 -N '' -f "$dir/id_ed25519" -C releaseops-test | Out-Null
    Copy-Item "$dir/id_ed25519.pub" "$dir/authorized_keys"
    & chmod 600 "$dir/authorized_keys"
    $port = if ($Port) { $Port } else { Get-FreePort }
    @"
Port $port
ListenAddress $Address
HostKey $dir/host_ed25519
AuthorizedKeysFile $dir/authorized_keys
PidFile $dir/sshd.pid
UsePAM no
StrictModes no
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
"@ | Set-Content "$dir/sshd_config"
    if (-not (Test-Path /run/sshd)) { $null = New-Item -ItemType Directory -Path /run/sshd }
    $process = Start-Process -FilePath /usr/sbin/sshd -ArgumentList @('-D', '-e', '-f', "$dir/sshd_config") -PassThru -RedirectStandardError "$dir/sshd.log"
    $deadline = [DateTime]::UtcNow.AddSeconds(10)
    while ([DateTime]::UtcNow -lt $deadline) {
        try { $c = [System.Net.Sockets.TcpClient]::new($Address, $port); $c.Dispose(); break } catch { Start-Sleep -Milliseconds 50 }
    }
    $fingerprint = ((& ssh-keygen -lf "$dir/host_ed25519.pub") -split ' ')[1]
    [pscustomobject]@{
        Process = $process; Port = $port; Directory = $dir; IdentityFile = "$dir/id_ed25519"
        HostKeyFingerprint = $fingerprint; User = [Environment]::UserName
    }
}

function Stop-TestSshd {
    param($Sshd)
    if ($Sshd) {
        if (-not $Sshd.Process.HasExited) { $Sshd.Process.Kill($true); $Sshd.Process.WaitForExit() }
        Remove-Item $Sshd.Directory -Recurse -Force -ErrorAction SilentlyContinue
    }
}

function Start-FakeCloud {
    <#
    The stateful fakes of the DigitalOcean, Scaleway, Cloudflare and EC2 APIs (tests/ReleaseOps.Fakes), in a process
    of their own on a free loopback port. Returns the base URL, the secrets they accept, and the process.
    #>
    param([string] $NodeAddress = '127.0.0.1')
    $dll = Join-Path $PSScriptRoot '../ReleaseOps.Fakes/bin/Release/net10.0/ReleaseOps.Fakes.dll'
    if (-not (Test-Path $dll)) { throw "The fakes are not built: $dll" }
    $port = Get-FreePort
    $dnsPort = Get-FreePort
    $log = Join-Path ([System.IO.Path]::GetTempPath()) ("ro-fakes-" + [guid]::NewGuid().ToString('N').Substring(0, 8) + '.log')
    $process = Start-Process -FilePath dotnet -ArgumentList @($dll, '--port', $port, '--node-address', $NodeAddress, '--dns-port', $dnsPort) -PassThru -RedirectStandardOutput $log -RedirectStandardError "$log.err"
    $base = "http://127.0.0.1:$port/"
    $deadline = [DateTime]::UtcNow.AddSeconds(30)
    while ([DateTime]::UtcNow -lt $deadline) {
        try { $null = Invoke-RestMethod "${base}_fake/log"; break } catch { Start-Sleep -Milliseconds 100 }
    }
    [pscustomobject]@{ Process = $process; BaseUrl = $base; NameServer = "127.0.0.1:$dnsPort"; DigitalOceanToken = 'do-test-token'; CloudflareToken = 'cf-test-token'
        ScalewaySecretKey = 'scw-test-secret'; ScalewayProjectId = 'fa1e3217-dc80-42ac-85c3-3f034b78b552' }
}

function Set-FakeCloudEnvironment {
    <# Points the providers' environment variables at the fakes, as an admin's shell would point them at the real APIs. #>
    param([Parameter(Mandatory)] $Fake)
    $env:DIGITALOCEAN_ACCESS_TOKEN = $Fake.DigitalOceanToken
    $env:DIGITALOCEAN_API_URL = $Fake.BaseUrl
    $env:CLOUDFLARE_API_TOKEN = $Fake.CloudflareToken
    $env:CLOUDFLARE_API_URL = "$($Fake.BaseUrl)client/v4/"
    $env:SCW_ACCESS_KEY = 'SCWFAKEACCESSKEY0001'
    $env:SCW_SECRET_KEY = $Fake.ScalewaySecretKey
    $env:SCW_DEFAULT_PROJECT_ID = $Fake.ScalewayProjectId
    $env:SCW_DEFAULT_ZONE = 'fr-par-1'
    $env:SCW_API_URL = $Fake.BaseUrl
    $env:RELEASEOPS_POLL_SECONDS = '0.05'
    $env:RELEASEOPS_HTTP_RETRIES = '3'
    $env:RELEASEOPS_NAME_SERVERS = $Fake.NameServer
}

function Clear-FakeCloudEnvironment {
    foreach ($name in 'DIGITALOCEAN_ACCESS_TOKEN', 'DIGITALOCEAN_API_URL', 'CLOUDFLARE_API_TOKEN', 'CLOUDFLARE_API_URL', 'SCW_ACCESS_KEY', 'SCW_SECRET_KEY',
        'SCW_DEFAULT_PROJECT_ID', 'SCW_DEFAULT_ZONE', 'SCW_API_URL', 'RELEASEOPS_POLL_SECONDS', 'RELEASEOPS_HTTP_RETRIES', 'RELEASEOPS_NAME_SERVERS') {
        Remove-Item "env:$name" -ErrorAction SilentlyContinue
    }
}

function Stop-FakeCloud {
    <#
    Stops the fakes. First it reads what their contract gate validated (tests/contracts/spec): the counts go to
    $env:RELEASEOPS_CONTRACT_STATS when set (build.ps1 sums them), and a request or answer that broke a provider's
    spec fails the caller, naming the rule.
    #>
    param($Fake)
    if (-not $Fake -or $Fake.Process.HasExited) { return }
    $contract = $null
    try { $contract = Invoke-RestMethod "$($Fake.BaseUrl)_fake/contract" } catch { Write-Warning "The fakes' contract counts could not be read: $_" }
    $Fake.Process.Kill($true); $Fake.Process.WaitForExit()
    if ($contract) {
        if ($env:RELEASEOPS_CONTRACT_STATS) {
            $line = [ordered]@{ requests = $contract.requests; responses = $contract.responses; violations = @($contract.violations).Count; operations = $contract.operations } | ConvertTo-Json -Compress -Depth 5
            Add-Content -Path $env:RELEASEOPS_CONTRACT_STATS -Value $line
        }

        if (@($contract.violations).Count -gt 0) {
            throw "The wire traffic broke the providers' specs:`n$((@($contract.violations) | Select-Object -Unique) -join "`n")"
        }
    }
}

function Start-Ec2Fake {
    <# The EC2 Query API's DescribeRegions, at the HTTP level, in its own pwsh process. #>
    param([switch] $Hang)
    $port = Get-FreePort
    $log = Join-Path ([System.IO.Path]::GetTempPath()) ("ro-ec2-" + [guid]::NewGuid().ToString('N') + '.log')
    $args = @('-NoProfile', '-NonInteractive', '-File', (Join-Path $PSScriptRoot 'fakes/Ec2Fake.ps1'), '-Port', $port, '-LogPath', $log)
    if ($Hang) { $args += '-Hang' }
    $process = Start-Process -FilePath (Get-TestPwsh) -ArgumentList $args -PassThru
    $deadline = [DateTime]::UtcNow.AddSeconds(20)
    while ([DateTime]::UtcNow -lt $deadline -and -not (Test-Path $log)) { Start-Sleep -Milliseconds 50 }
    [pscustomobject]@{ Process = $process; Port = $port; Uri = "http://127.0.0.1:$port/"; LogPath = $log }
}

function Stop-Ec2Fake {
    param($Fake)
    if ($Fake) {
        if (-not $Fake.Process.HasExited) { $Fake.Process.Kill($true); $Fake.Process.WaitForExit() }
        Remove-Item $Fake.LogPath -ErrorAction SilentlyContinue
    }
}

function Start-JenkinsFake {
    <# The stateful Jenkins fake (fakes/JenkinsFake.ps1) in its own pwsh process; see its help for the switches. #>
    param([switch] $CrumbRequired, [string] $Result = 'SUCCESS', [string] $Sha = '', [int] $DieAfterLogPolls = 0, [int] $Transient503 = 0, [int] $Port = 0)
    $port = if ($Port) { $Port } else { Get-FreePort }
    $log = Join-Path ([System.IO.Path]::GetTempPath()) ("ro-jenkins-" + [guid]::NewGuid().ToString('N') + '.log')
    $args = @('-NoProfile', '-NonInteractive', '-File', (Join-Path $PSScriptRoot 'fakes/JenkinsFake.ps1'), '-Port', $port, '-LogPath', $log,
        '-Result', $Result, '-DieAfterLogPolls', $DieAfterLogPolls, '-Transient503', $Transient503)
    if ($Sha) { $args += @('-Sha', $Sha) }
    if ($CrumbRequired) { $args += '-CrumbRequired' }
    $process = Start-Process -FilePath (Get-TestPwsh) -ArgumentList $args -PassThru
    $deadline = [DateTime]::UtcNow.AddSeconds(20)
    while ([DateTime]::UtcNow -lt $deadline -and -not (Test-Path $log)) { Start-Sleep -Milliseconds 50 }
    [pscustomobject]@{ Process = $process; Port = $port; Url = "http://127.0.0.1:$port/"; LogPath = $log }
}

function Get-JenkinsFakeRequest {
    <# The requests the Jenkins fake received, oldest first. #>
    param($Fake)
    @(Get-Content $Fake.LogPath | Where-Object { $_ } | ConvertFrom-Json)
}

function Stop-JenkinsFake {
    param($Fake)
    if ($Fake) {
        if (-not $Fake.Process.HasExited) { $Fake.Process.Kill($true); $Fake.Process.WaitForExit() }
        Remove-Item $Fake.LogPath -ErrorAction SilentlyContinue
    }
}

Export-ModuleMember -Function *
