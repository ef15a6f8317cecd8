<#
.SYNOPSIS
    A fake of Jenkins' JSON API on 127.0.0.1: GET /job/<folder>/job/<name>/lastCompletedBuild/api/json.
.DESCRIPTION
    Answers as Jenkins does (shapes from ../shared/contracts/jenkins: build info with number, result, building,
    and the git plugin's lastBuiltRevision action). Basic authentication with -User and -Token is required: a wrong
    or missing one gets 401. Another job gets 404. Requests are logged without their credentials.
#>
param(
    [Parameter(Mandatory)] [int] $Port, [Parameter(Mandatory)] [string] $LogPath,
    [string] $Job = 'cortico/e2e', [string] $User = 'releaser', [string] $Token = 'api-token-123',
    [string] $Result = 'SUCCESS', [string] $Sha = ''
)

$listener = [System.Net.HttpListener]::new()
$listener.Prefixes.Add("http://127.0.0.1:$Port/")
$listener.Start()
Set-Content -Path $LogPath -Value ''
$jobPath = '/' + (($Job -split '/' | ForEach-Object { "job/$_" }) -join '/') + '/lastCompletedBuild/api/json'
$expected = 'Basic ' + [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes("${User}:$Token"))
$deadline = [DateTime]::UtcNow.AddMinutes(10)
while ($listener.IsListening -and [DateTime]::UtcNow -lt $deadline) {
    $task = $listener.GetContextAsync()
    while (-not $task.Wait(500)) { if ([DateTime]::UtcNow -ge $deadline) { exit 0 } }
    $context = $task.Result
    $path = $context.Request.Url.AbsolutePath
    $authorized = $context.Request.Headers['Authorization'] -eq $expected
    Add-Content -Path $LogPath -Value (@{ Method = $context.Request.HttpMethod; Path = $path; Authorized = $authorized } | ConvertTo-Json -Compress)
    $response = $context.Response
    $response.ContentType = 'application/json;charset=utf-8'
    if (-not $authorized) { $response.StatusCode = 401; $body = '' }
    elseif ($path -ne $jobPath) { $response.StatusCode = 404; $body = '' }
    else {
        $actions = @(@{ causes = @(@{ shortDescription = 'Started by an SCM change' }) })
        if ($Sha) { $actions += @{ _class = 'hudson.plugins.git.util.BuildData'; lastBuiltRevision = @{ SHA1 = $Sha; branch = @(@{ SHA1 = $Sha; name = 'refs/remotes/origin/develop' }) } } }
        $body = @{ _class = 'org.jenkinsci.plugins.workflow.job.WorkflowRun'; actions = $actions; building = $false; displayName = '#42'; duration = 60750
            id = '42'; number = 42; queueId = 73; result = $Result; timestamp = 1764230400000; url = "http://127.0.0.1:$Port/job/x/42/" } | ConvertTo-Json -Depth 6
    }
    $bytes = [System.Text.Encoding]::UTF8.GetBytes($body)
    $response.ContentLength64 = $bytes.Length
    $response.OutputStream.Write($bytes, 0, $bytes.Length)
    $response.Close()
}
