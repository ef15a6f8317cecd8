<#
.SYNOPSIS
    The README's main job: the weekly release of a sample project, end to end.
.DESCRIPTION
    Creates a sample project in a scratch folder: a bare "origin", a clone with releaseops.psd1, master with a first
    release, and develop ahead of it with two merged pull requests and a passing end-to-end command. Then it runs
    Start-Release and prints the ReleaseInfo and the release notes, and shows that a second run has nothing to
    release. The scratch folder is removed at the end unless -Keep is given.
#>
[CmdletBinding()]
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/ReleaseOps/ReleaseOps.psd1'),
    [switch] $Keep
)

$ErrorActionPreference = 'Stop'
Import-Module (Resolve-Path $ModulePath).Path
$root = Join-Path ([System.IO.Path]::GetTempPath()) "releaseops-release-demo-$PID"
$origin = Join-Path $root 'origin.git'
$work = Join-Path $root 'cortico'
function git { & (Get-Command git -CommandType Application | Select-Object -First 1) -c user.name='Dana Dev' -c user.email=dana@example.com @args; if ($LASTEXITCODE) { throw "git $args failed" } }

try {
    Write-Host "== A sample project: master released, develop ahead with two merged pull requests" -ForegroundColor Cyan
    git init -q --bare -b master $origin
    git init -q -b master $work
    git -C $work remote add origin $origin
    Set-Content "$work/app.py" 'print("cortico")'
    # The end-to-end gate: a stand-in for the project's puppeteer suite against staging.
    Set-Content "$work/e2e.sh" "echo 'login flow ... ok'; echo 'booking flow ... ok'; echo '2 passed'"
    Set-Content "$work/releaseops.psd1" "@{ Slug = 'cortico'; EndToEndTestCommand = 'sh ./e2e.sh'; StagingNodes = 'staging.cortico.ca' }"
    git -C $work add -A; git -C $work commit -qm 'Initial commit'
    git -C $work tag -a v2026.47.0 -m 'Last week''s release'
    git -C $work switch -qc develop
    foreach ($pr in @(@{ N = 41; Branch = 'feature/online-booking'; Title = 'Online booking'; Commit = 'feat: online booking' },
                      @{ N = 42; Branch = 'feature/fix-timezone'; Title = 'Show times in the clinic''s time zone'; Commit = 'fix: clinic time zone' })) {
        git -C $work switch -qc $pr.Branch develop
        Add-Content "$work/app.py" "# $($pr.Title)"
        git -C $work commit -qam $pr.Commit
        git -C $work switch -q develop
        git -C $work merge -q --no-ff $pr.Branch -m "Merge pull request #$($pr.N) from countable/$($pr.Branch)" -m $pr.Title
    }
    git -C $work push -q origin master develop --tags
    git -C $work log --oneline --graph --all | Out-Host

    Write-Host "`n== Start-Release" -ForegroundColor Cyan
    $release = Start-Release -Path $work
    $release | Format-List Status, Project, Tag, PreviousRelease, Commit, PullRequests, Ungated,
        @{ n = 'Gate'; e = { '{0}: passed={1}, exit {2}' -f $_.Gates[0].Target, $_.Gates[0].Passed, $_.Gates[0].ExitCode } },
        @{ n = 'Total'; e = { '{0:N2} s' -f $_.Durations['Total'].TotalSeconds } } | Out-Host
    Write-Host $release.Notes

    Write-Host "== origin's master after the release" -ForegroundColor Cyan
    git -C $origin log --oneline --first-parent -3 master | Out-Host

    Write-Host "`n== A second run has nothing to release" -ForegroundColor Cyan
    (Start-Release -Path $work) | Format-Table Project, Status, Tag | Out-Host
}
finally {
    if ($Keep) { Write-Host "Kept $root" } else { Remove-Item $root -Recurse -Force -ErrorAction SilentlyContinue }
}
