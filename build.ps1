#requires -Version 7.4
<#
.SYNOPSIS
    Builds, tests, benchmarks and packages ReleaseOps.
.DESCRIPTION
    Run it with the pinned PowerShell from the local tool manifest:
        dotnet tool restore
        dotnet pwsh -NoProfile -File ./build.ps1 Build
    Build lays out an importable module at out/ReleaseOps. Test builds, then runs xunit (the engine) and Pester 5
    (the cmdlets, in a fresh pwsh -NoProfile -NonInteractive against out/) and ends with 'N passed, N failed'.
    Bench runs bench/*.Bench.ps1. Package builds, then writes artifacts/ReleaseOps.<version>.nupkg, which
    Install-PSResource and Install-Module install from a folder repository.
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('Build', 'Test', 'Bench', 'Package', 'Clean')]
    [string[]] $Task = 'Build',

    [ValidateSet('Release', 'Debug')]
    [string] $Configuration = 'Release',

    # Runs only the Pester files whose names match (Test task).
    [string] $PesterFilter = '*',

    # Runs only the xunit tests that match this dotnet test --filter expression (Test task), e.g.
    # 'FullyQualifiedName~ProviderTests'; 'none' skips xunit.
    [string] $XunitFilter = ''
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$root = $PSScriptRoot
$out = Join-Path $root 'out/ReleaseOps'
$artifacts = Join-Path $root 'artifacts'

function Invoke-Native([string] $File, [string[]] $Arguments) {
    & $File @Arguments
    if ($LASTEXITCODE -ne 0) { throw "$File $($Arguments -join ' ') failed with exit code $LASTEXITCODE." }
}

function Invoke-Build {
    $editions = @{ core = 'net8.0'; desktop = 'net472' }
    if (Test-Path $out) { Remove-Item $out -Recurse -Force }
    $null = New-Item -ItemType Directory -Path $out, "$out/en-US"

    foreach ($edition in $editions.Keys) {
        $publish = Join-Path $artifacts "publish/$edition"
        if (Test-Path $publish) { Remove-Item $publish -Recurse -Force }
        Invoke-Native dotnet @('publish', "$root/src/ReleaseOps/ReleaseOps.csproj", '-c', $Configuration, '-f', $editions[$edition], '-o', $publish, '--nologo', '-v', 'quiet', "-p:Version=$(Get-ModuleVersion)")
        $target = Join-Path $out $edition
        $deps = Join-Path $target 'deps'
        $null = New-Item -ItemType Directory -Path $deps -Force
        # The cmdlets sit in <edition>/; the engine and every dependency go to <edition>/deps, where only the
        # module's own resolver finds them. PowerShell itself is never shipped; the model sits at the root.
        foreach ($item in Get-ChildItem $publish) {
            switch -Wildcard ($item.Name) {
                'ReleaseOps.dll' { Copy-Item $item.FullName $target; break }
                'ReleaseOps.pdb' { Copy-Item $item.FullName $target; break }
                'ReleaseOps.Model.*' { Copy-Item $item.FullName $out -Force; break }
                'System.Management.Automation.dll' { break }
                '*.deps.json' { break }
                default { Copy-Item $item.FullName $deps -Recurse }
            }
        }
    }

    # The engine's assemblies compiled ahead of time for pwsh 7.6 (.NET 10) on linux-x64: the same IL with native code
    # added, which the module's loader prefers on that runtime (a fresh process then skips most of the JIT).
    $readyToRun = Join-Path $out "core/deps/readytorun/linux-x64-net10"
    Invoke-Native dotnet @('publish', "$root/tools/ReadyToRun/ReadyToRun.csproj", '-c', $Configuration, '-o', $readyToRun, '--nologo', '-v', 'quiet',
        "-p:EngineDeps=$out/core/deps", "-p:ModelAssembly=$out/ReleaseOps.Model.dll")
    Copy-Item "$out/core/deps/ReleaseOps.Core.pdb" $readyToRun   # the same IL, so the same symbols (stack traces' lines)

    Copy-Item "$root/ReleaseOps.psd1" $out
    Copy-Item "$root/module/*" $out -Recurse -Force
    # Windows PowerShell 5.1 cannot load core/ReleaseOps.dll, the root module, so its build gets a manifest of its
    # own, made from the one manifest; 5.1 imports it by path.
    $desktop = (Get-Content -Raw "$root/ReleaseOps.psd1") `
        -replace "(?m)^(\s*RootModule\s*=\s*)'[^']*'", "`$1'ReleaseOps.dll'" `
        -replace "(?m)^(\s*PowerShellVersion\s*=\s*)'[^']*'", "`$1'5.1'" `
        -replace "(?m)^(\s*CompatiblePSEditions\s*=\s*)@\([^)]*\)", "`$1@('Desktop')" `
        -replace "@\('ReleaseOps\.(Model\.dll|Format\.ps1xml)'\)", "@('../ReleaseOps.`$1')"
    Set-Content -Path "$out/desktop/ReleaseOps.psd1" -Value $desktop -NoNewline

    # MAML help from docs/*.md, checked against the cmdlets' own metadata (a fresh process imports the module).
    $maml = Join-Path $out 'en-US/ReleaseOps.dll-Help.xml'
    Invoke-Native (Get-PwshPath) @('-NoProfile', '-NonInteractive', '-File', "$root/tools/New-MamlHelp.ps1", '-ModulePath', "$out/ReleaseOps.psd1", '-DocsPath', "$root/docs", '-OutFile', $maml)
    foreach ($edition in $editions.Keys) {
        $null = New-Item -ItemType Directory -Path "$out/$edition/en-US" -Force
        Copy-Item $maml "$out/$edition/en-US/"
    }
    Copy-Item "$out/en-US/about_*.help.txt" "$out/desktop/en-US/"
    foreach ($manifest in "$out/ReleaseOps.psd1", "$out/desktop/ReleaseOps.psd1") {
        $data = Import-PowerShellDataFile $manifest
        foreach ($file in @($data.RootModule) + $data.RequiredAssemblies + $data.FormatsToProcess) {
            if (-not (Test-Path (Join-Path (Split-Path $manifest) $file))) { throw "$manifest names $file, which the build did not lay out." }
        }
    }

    Write-Host "Built $out"
}

function Get-ModuleVersion {
    # The one place the version lives: the manifest's ModuleVersion.
    (Import-PowerShellDataFile "$root/ReleaseOps.psd1").ModuleVersion
}

function Get-PwshPath {
    # The pinned tool runs under the dotnet host, so the process path is dotnet; the apphost sits in $PSHOME.
    Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')
}

function Invoke-Test {
    Invoke-Build
    $results = Join-Path $artifacts 'test-results'
    if (Test-Path $results) { Remove-Item $results -Recurse -Force }
    $null = New-Item -ItemType Directory -Path $results

    # The remote scripts (bootstrap.sh, deploy.sh, redirect.sh and their protocol prelude) pass Debian's shellcheck as
    # POSIX sh, at every severity; a finding that is meant is disabled in the script, on its line, with the reason.
    $scripts = @(Get-ChildItem "$root/src" -Recurse -Filter '*.sh' | Where-Object { $_.FullName -notmatch '[\\/](bin|obj)[\\/]' })
    $shellcheckFailed = 0
    if (-not (Get-Command shellcheck -ErrorAction Ignore)) { Write-Host 'shellcheck: not installed (apt-get install shellcheck)'; $shellcheckFailed = 1 }
    else {
        & shellcheck --shell=sh --severity=style --format=gcc @($scripts.FullName)
        if ($LASTEXITCODE -ne 0) { $shellcheckFailed = 1 }
        Write-Host "shellcheck: $($scripts.Count) remote scripts, $(if ($shellcheckFailed) { 'findings above' } else { 'no findings' })"
    }

    # Test-only downloads: Pester, and other versions of our dependencies for the isolation test.
    Invoke-Native dotnet @('restore', "$root/tests/TestDependencies/TestDependencies.csproj", '--nologo', '-v', 'quiet')

    # The strict fakes append what they validated here, one JSON line per fake host (xunit and Pester).
    $contractStats = Join-Path $results 'contract-stats.jsonl'
    $env:RELEASEOPS_CONTRACT_STATS = $contractStats

    # Two xunit projects: the engine (ReleaseOps.Core.Tests) and the cmdlet assembly's parameter mapping
    # (ReleaseOps.Cmdlets.Tests). A filter that matches nothing in one project is not a failure there.
    $xunitExit = 0; $xunitPassed = 0; $xunitFailed = 0
    if ($XunitFilter -ne 'none') {
        $filterArgs = if ($XunitFilter) { @('--filter', $XunitFilter) } else { @() }
        foreach ($project in 'ReleaseOps.Core.Tests', 'ReleaseOps.Cmdlets.Tests') {
            $trx = Join-Path $results "$project.trx"
            & dotnet test "$root/tests/$project/$project.csproj" -c $Configuration --nologo @filterArgs `
                --logger "trx;LogFileName=$trx" --logger 'console;verbosity=minimal'
            $exit = $LASTEXITCODE
            if (Test-Path $trx) {
                [xml] $doc = Get-Content $trx -Raw
                $counters = $doc.TestRun.ResultSummary.Counters
                $xunitPassed += [int] $counters.passed
                $failedHere = [int] $counters.failed + [int] $counters.error + [int] $counters.timeout + [int] $counters.aborted + [int] $counters.notExecuted
                $xunitFailed += $failedHere
                if ($failedHere -gt 0) { $xunitExit = $exit }
            }
            elseif ($exit -ne 0 -and -not $XunitFilter) { $xunitFailed += 1; $xunitExit = $exit }
        }
    }

    # The wire-level fakes of the cloud APIs, which Pester runs as a process of their own.
    Invoke-Native dotnet @('build', "$root/tests/ReleaseOps.Fakes/ReleaseOps.Fakes.csproj", '-c', 'Release', '--nologo', '-v', 'quiet')

    $summary = Join-Path $results 'pester.json'
    $pesterArgs = @('-NoProfile', '-NonInteractive', '-File', "$root/tests/Invoke-PesterTests.ps1", '-ModulePath', "$out/ReleaseOps.psd1", '-SummaryPath', $summary)
    if ($PesterFilter -ne '*') { $pesterArgs += @('-Filter', $PesterFilter) }
    & (Get-PwshPath) @pesterArgs
    $pesterPassed = 0; $pesterFailed = 1
    if (Test-Path $summary) {
        $s = Get-Content $summary -Raw | ConvertFrom-Json
        $pesterPassed = $s.Passed; $pesterFailed = $s.Failed + $s.Skipped + $s.NotRun + $s.ContainerFailed
    }

    if (Test-Path $contractStats) {
        $hosts = @(Get-Content $contractStats | Where-Object { $_ } | ForEach-Object { $_ | ConvertFrom-Json })
        $validated = ($hosts | Measure-Object -Property requests -Sum).Sum
        $answers = ($hosts | Measure-Object -Property responses -Sum).Sum
        $broken = ($hosts | Measure-Object -Property violations -Sum).Sum
        Write-Host "Provider contracts: $validated requests and $answers answers validated against the specs by $($hosts.Count) fake hosts; $broken broke a rule."
    }

    Write-Host "xunit: $xunitPassed passed, $xunitFailed failed; Pester: $pesterPassed passed, $pesterFailed failed"
    $failed = $xunitFailed + $pesterFailed + $shellcheckFailed
    Write-Host "$($xunitPassed + $pesterPassed) passed, $failed failed"
    if ($failed -gt 0 -or $xunitExit -ne 0) { exit 1 }
}

function Invoke-Bench {
    if (-not (Test-Path "$out/ReleaseOps.psd1")) { Invoke-Build }
    foreach ($bench in Get-ChildItem "$root/bench" -Filter '*.Bench.ps1') {
        Write-Host "== $($bench.Name)"
        Invoke-Native (Get-PwshPath) @('-NoProfile', '-NonInteractive', '-File', $bench.FullName, '-ModulePath', "$out/ReleaseOps.psd1")
    }
}

function Invoke-Package {
    Invoke-Build
    # ReleaseOps.<version>.nupkg, which Install-PSResource and Install-Module install from a folder repository.
    Invoke-Native (Get-PwshPath) @('-NoProfile', '-NonInteractive', '-File', "$root/tools/New-ModulePackage.ps1", '-ModulePath', $out, '-OutputDirectory', $artifacts)
}

foreach ($t in $Task) {
    switch ($t) {
        'Clean' { Remove-Item $out, $artifacts -Recurse -Force -ErrorAction SilentlyContinue }
        'Build' { Invoke-Build }
        'Test' { Invoke-Test }
        'Bench' { Invoke-Bench }
        'Package' { Invoke-Package }
    }
}
