# Real git repositories for the release tests: a bare "origin" and a working clone with develop ahead of master.

function Invoke-Git {
    # A simple function on purpose: git's own flags (-A, -q) must not bind to PowerShell parameters.
    $repo, $rest = $args
    $out = & git -C $repo -c user.name=Dev -c user.email=dev@example.com -c init.defaultBranch=master @rest 2>&1
    if ($LASTEXITCODE -ne 0) { throw "git $($rest -join ' ') failed: $out" }
    $out
}

function New-ReleaseRepo {
    <# A project with a bare origin; master has one commit, develop has two merged pull requests on top. #>
    param([Parameter(Mandatory)] [string] $Directory, [string] $Gate = 'true', [switch] $NoSettings, [string] $TagScheme = 'CalVer')
    $origin = Join-Path $Directory 'origin.git'
    $work = Join-Path $Directory 'work'
    $null = New-Item -ItemType Directory -Path $Directory -Force
    & git init -q --bare -b master $origin
    & git init -q -b master $work
    Invoke-Git $work remote add origin $origin | Out-Null
    Set-Content "$work/app.py" 'print("v1")'
    if (-not $NoSettings) {
        Set-Content "$work/releaseops.psd1" "@{ Slug = 'demo'; EndToEndTestCommand = '$Gate'; TagScheme = '$TagScheme' }"
    }
    Invoke-Git $work add -A | Out-Null
    Invoke-Git $work commit -qm 'Initial commit' | Out-Null
    Invoke-Git $work tag -a v0.1.0 -m 'First' | Out-Null
    Invoke-Git $work switch -qc develop | Out-Null
    foreach ($pr in @(@{ N = 11; Branch = 'feature/login'; Title = 'Add the login page'; Commit = 'feat: login page' }, @{ N = 12; Branch = 'feature/typo'; Title = 'Fix a typo'; Commit = 'fix: typo in footer' })) {
        Invoke-Git $work switch -qc $pr.Branch develop | Out-Null
        Add-Content "$work/app.py" "# $($pr.Title)"
        Invoke-Git $work commit -qam $pr.Commit | Out-Null
        Invoke-Git $work switch -q develop | Out-Null
        Invoke-Git $work merge -q --no-ff $pr.Branch -m "Merge pull request #$($pr.N) from team/$($pr.Branch)" -m $pr.Title | Out-Null
    }
    Invoke-Git $work push -q origin master develop --tags | Out-Null
    [pscustomobject]@{ Work = $work; Origin = $origin }
}

Export-ModuleMember -Function *
