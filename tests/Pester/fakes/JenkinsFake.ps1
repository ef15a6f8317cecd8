<#
.SYNOPSIS
    A stateful fake of Jenkins' remote API on 127.0.0.1, at the HTTP level.
.DESCRIPTION
    Follows tests/contracts/jenkins (http_contract.json and the captured bodies):
    - GET /crumbIssuer/api/json: 404 unless -CrumbRequired; then a crumb bound to a session cookie, and every POST
      without that crumb and cookie gets 403 'No valid crumb was included in the request'.
    - POST /job/<folder>/job/<name>/build or /buildWithParameters (form or query): 201 with Location
      http://127.0.0.1:<port>/queue/item/<id>/ ; another job gets 404.
    - GET /queue/item/<id>/api/json: a Queue$BlockedItem ("why") for the first QUEUE_POLLS polls (default 2), then a
      Queue$LeftItem whose executable is the new build; OUTCOME=Cancel gives a cancelled LeftItem, OUTCOME=Expire
      makes the item disappear (404) before its executable was ever shown.
    - GET /job/.../<n>/logText/progressiveText?start=K: the log grows by one piece per poll (the first poll finds no
      log: empty, X-Text-Size 0, X-More-Data true); only whole lines; X-Text-Size counts bytes; once every piece is
      out the build ends and X-More-Data is ABSENT.
    - GET /job/.../<n>/api/json, lastBuild, lastCompletedBuild: build info (building, result null while running,
      number, queueId, duration, timestamp, url, the parameters, and the git plugin's lastBuiltRevision with -Sha).
    Build #42 exists from the start, completed with -Result (the release gate reads it). A build's result is its
    RESULT parameter, else -Result. -DieAfterLogPolls N exits after N log polls (a lost connection); -Transient503 N
    answers the first N log polls with 503. Basic authentication with -User and -Token is required (401 otherwise).
    Requests are logged as JSON lines, without their credentials.
#>
param(
    [Parameter(Mandatory)] [int] $Port, [Parameter(Mandatory)] [string] $LogPath,
    [string] $Job = 'cortico/e2e', [string] $User = 'releaser', [string] $Token = 'api-token-123',
    [string] $Result = 'SUCCESS', [string] $Sha = '', [switch] $CrumbRequired,
    [int] $DieAfterLogPolls = 0, [int] $Transient503 = 0
)

$listener = [System.Net.HttpListener]::new()
$listener.Prefixes.Add("http://127.0.0.1:$Port/")
$listener.Start()
Set-Content -Path $LogPath -Value ''
$base = "http://127.0.0.1:$Port/"
$jobPath = '/' + (($Job -split '/' | ForEach-Object { "job/$_" }) -join '/') + '/'
$expected = 'Basic ' + [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes("${User}:$Token"))
$session = [guid]::NewGuid().ToString('N')
$crumb = [guid]::NewGuid().ToString('N')
$queue = @{}
$builds = @{}
$nextQueueId = 100
$logPolls = 0
$builds[42] = @{ Number = 42; QueueId = 73; Result = $Result; Building = $false; Parameters = @{}; Pieces = @("Started by an SCM change`n", "Finished: $Result`n"); Shown = 2; Started = 1764230400000 }

function Get-BuildJson($b) {
    $actions = @(@{ _class = 'hudson.model.CauseAction'; causes = @(@{ shortDescription = 'Started by user releaser'; userId = $User }) })
    if ($b.Parameters.Count) {
        $actions += @{ _class = 'hudson.model.ParametersAction'; parameters = @($b.Parameters.GetEnumerator() | Sort-Object Key | ForEach-Object { @{ _class = 'hudson.model.StringParameterValue'; name = $_.Key; value = $_.Value } }) }
    }
    if ($Sha) { $actions += @{ _class = 'hudson.plugins.git.util.BuildData'; lastBuiltRevision = @{ SHA1 = $Sha; branch = @(@{ SHA1 = $Sha; name = 'refs/remotes/origin/develop' }) } } }
    @{
        _class = 'org.jenkinsci.plugins.workflow.job.WorkflowRun'; actions = $actions; building = $b.Building
        displayName = "#$($b.Number)"; duration = if ($b.Building) { 0 } else { 60750 }; estimatedDuration = 60258
        fullDisplayName = "$($Job -replace '/', ' » ') #$($b.Number)"; id = "$($b.Number)"; number = $b.Number; queueId = $b.QueueId
        result = if ($b.Building) { $null } else { $b.Result }; timestamp = $b.Started; url = "$base$($jobPath.TrimStart('/'))$($b.Number)/"
    } | ConvertTo-Json -Depth 8
}

function Get-QueueJson($id, $q, [string] $class, [bool] $cancelled, $executable) {
    $item = @{
        _class = "hudson.model.Queue`$$class"; id = $id; url = "queue/item/$id/"; inQueueSince = 1524074568030; stuck = $false
        blocked = $class -eq 'BlockedItem'; buildable = $false; params = ($q.Parameters.GetEnumerator() | ForEach-Object { "`n$($_.Key)=$($_.Value)" }) -join ''
        task = @{ _class = 'hudson.model.FreeStyleProject'; name = ($Job -split '/')[-1]; url = "$base$($jobPath.TrimStart('/'))"; color = 'blue_anime' }
        why = if ($class -eq 'BlockedItem') { 'Waiting for next available executor' } else { $null }
    }
    if ($class -eq 'LeftItem') { $item.cancelled = $cancelled; $item.executable = $executable }
    $item | ConvertTo-Json -Depth 6
}

$deadline = [DateTime]::UtcNow.AddMinutes(10)
while ($listener.IsListening -and [DateTime]::UtcNow -lt $deadline) {
    $task = $listener.GetContextAsync()
    while (-not $task.Wait(500)) { if ([DateTime]::UtcNow -ge $deadline) { exit 0 } }
    $context = $task.Result
    $request = $context.Request
    $response = $context.Response
    $path = $request.Url.AbsolutePath
    $authorized = $request.Headers['Authorization'] -eq $expected
    $sentCrumb = $request.Headers['Jenkins-Crumb']
    $cookie = $request.Cookies['JSESSIONID.fake']
    $form = @{}
    if ($request.HttpMethod -eq 'POST' -and $request.HasEntityBody) {
        $text = [IO.StreamReader]::new($request.InputStream).ReadToEnd()
        foreach ($pair in $text -split '&' | Where-Object { $_ }) {
            $k, $v = $pair -split '=', 2
            $form[[Uri]::UnescapeDataString($k.Replace('+', ' '))] = [Uri]::UnescapeDataString("$v".Replace('+', ' '))
        }
    }
    foreach ($k in $request.QueryString.AllKeys) { if ($k -and $k -ne 'start' -and $request.HttpMethod -eq 'POST') { $form[$k] = $request.QueryString[$k] } }
    Add-Content -Path $LogPath -Value (@{ Method = $request.HttpMethod; Path = $path; Query = $request.Url.Query; Authorized = $authorized
            Crumb = [bool]$sentCrumb; Session = [bool]$cookie; Form = $form } | ConvertTo-Json -Compress)
    $response.ContentType = 'application/json;charset=utf-8'
    $status = 200; $body = ''
    if (-not $authorized) { $status = 401; $response.AddHeader('WWW-Authenticate', 'Basic realm="Jenkins"') }
    elseif ($path -eq '/crumbIssuer/api/json') {
        if ($CrumbRequired) {
            $response.Headers.Add('Set-Cookie', "JSESSIONID.fake=$session; Path=/; HttpOnly")
            $body = @{ _class = 'hudson.security.csrf.DefaultCrumbIssuer'; crumb = $crumb; crumbRequestField = 'Jenkins-Crumb' } | ConvertTo-Json
        }
        else { $status = 404 }
    }
    elseif ($request.HttpMethod -eq 'POST' -and $path -match '^(?<job>/.*/)(?<verb>build|buildWithParameters)$') {
        if ($CrumbRequired -and ($sentCrumb -ne $crumb -or $cookie.Value -ne $session)) {
            $status = 403; $response.ContentType = 'text/html'; $body = 'No valid crumb was included in the request'
        }
        elseif ($Matches.job -ne $jobPath) { $status = 404 }
        else {
            $id = $nextQueueId++
            $queue[$id] = @{ Polls = 0; Parameters = $form; Number = $null; Outcome = $form['OUTCOME']; Wait = [int]($form['QUEUE_POLLS'] ?? 2) }
            $status = 201; $response.AddHeader('Location', "${base}queue/item/$id/")
        }
    }
    elseif ($path -match '^/queue/item/(?<id>\d+)/api/json$') {
        $id = [int]$Matches.id
        $q = $queue[$id]
        if (-not $q) { $status = 404 }
        elseif ($q.Polls -lt $q.Wait) { $q.Polls++; $body = Get-QueueJson $id $q 'BlockedItem' $false $null }
        elseif ($q.Outcome -eq 'Expire') { $queue.Remove($id); $status = 404 }
        elseif ($q.Outcome -eq 'Cancel') { $body = Get-QueueJson $id $q 'LeftItem' $true $null }
        else {
            if (-not $q.Number) {
                $n = [int]($builds.Keys | Measure-Object -Maximum).Maximum + 1
                $r = $q.Parameters['RESULT'] ?? $Result
                $pieces = @("Started by user $User`n", "Running on agent-1 in /var/jenkins_home/workspace/e2e`n")
                $pieces += ($q.Parameters.GetEnumerator() | Sort-Object Key | ForEach-Object { "Parameter $($_.Key)=$($_.Value)`n" }) -join ''
                $pieces += "+ ./run-tests ✓ 12 passed`n+ echo done`ndone`n"
                $pieces += "Finished: $r`n"
                $builds[$n] = @{ Number = $n; QueueId = $id; Result = $r; Building = $true; Parameters = $q.Parameters; Pieces = @($pieces | Where-Object { $_ }); Shown = 0; Started = [DateTimeOffset]::UtcNow.ToUnixTimeMilliseconds() }
                $q.Number = $n
            }
            $body = Get-QueueJson $id $q 'LeftItem' $false @{ _class = 'hudson.model.FreeStyleBuild'; number = $q.Number; url = "$base$($jobPath.TrimStart('/'))$($q.Number)/" }
        }
    }
    elseif ($path.StartsWith($jobPath) -and $path.Substring($jobPath.Length) -match '^(?<n>\d+|lastBuild|lastCompletedBuild)/(?<what>api/json|logText/progressiveText)$') {
        $n = switch ($Matches.n) {
            'lastBuild' { ($builds.Keys | Measure-Object -Maximum).Maximum }
            'lastCompletedBuild' { ($builds.Values | Where-Object { -not $_.Building } | ForEach-Object Number | Measure-Object -Maximum).Maximum }
            default { [int]$Matches.n }
        }
        $b = $builds[[int]$n]
        if (-not $b) { $status = 404 }
        elseif ($Matches.what -eq 'api/json') { $body = Get-BuildJson $b }
        else {
            $logPolls++
            # A crash, not a shutdown: the process goes at once, so the client sees a reset and then refused connections.
            if ($DieAfterLogPolls -gt 0 -and $logPolls -gt $DieAfterLogPolls) { [System.Environment]::Exit(0) }
            if ($logPolls -le $Transient503) { $status = 503 }
            else {
                $full = [Text.Encoding]::UTF8.GetBytes((($b.Pieces | Select-Object -First $b.Shown) -join ''))
                $start = [int]($request.QueryString['start'] ?? 0)
                if ($start -gt $full.Length) { $start = 0 }
                $response.ContentType = 'text/plain;charset=UTF-8'
                $response.AddHeader('X-Text-Size', "$($full.Length)")
                if ($b.Building) { $response.AddHeader('X-More-Data', 'true') }
                $bytes = [byte[]]($full | Select-Object -Skip $start)
                # The next poll finds one more piece; when every piece is out, the build ends.
                if ($b.Building) { $b.Shown++; if ($b.Shown -gt $b.Pieces.Count) { $b.Building = $false } }
                $response.StatusCode = 200
                $response.ContentLength64 = $bytes.Length
                if ($bytes.Length) { $response.OutputStream.Write($bytes, 0, $bytes.Length) }
                $response.Close()
                continue
            }
        }
    }
    else { $status = 404 }
    $response.StatusCode = $status
    $bytes = [System.Text.Encoding]::UTF8.GetBytes($body)
    $response.ContentLength64 = $bytes.Length
    $response.OutputStream.Write($bytes, 0, $bytes.Length)
    $response.Close()
}
