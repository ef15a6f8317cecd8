<#
.SYNOPSIS
    A real git smart-HTTP server on 127.0.0.1: git http-backend behind HTTP basic authentication.
.DESCRIPTION
    Every request must carry -User and -Token as basic credentials (else 401 with a Basic challenge, as GitHub and
    GitLab answer). Authorized requests run git http-backend as a CGI program on the repositories under -Root.
    Each request is logged as one JSON line (method, path, authorized), never with the credentials.
#>
param([Parameter(Mandatory)] [int] $Port, [Parameter(Mandatory)] [string] $Root, [Parameter(Mandatory)] [string] $LogPath,
    [string] $User = 'x-access-token', [string] $Token = 'ghp_pester_token')

$listener = [System.Net.HttpListener]::new()
$listener.Prefixes.Add("http://127.0.0.1:$Port/")
$listener.Start()
Set-Content -Path $LogPath -Value ''
$expected = 'Basic ' + [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes("${User}:$Token"))
$deadline = [DateTime]::UtcNow.AddMinutes(10)
while ($listener.IsListening -and [DateTime]::UtcNow -lt $deadline) {
    $task = $listener.GetContextAsync()
    while (-not $task.Wait(500)) { if ([DateTime]::UtcNow -ge $deadline) { exit 0 } }
    $context = $task.Result
    $request = $context.Request
    $response = $context.Response
    $authorized = $request.Headers['Authorization'] -eq $expected
    Add-Content -Path $LogPath -Value (@{ Method = $request.HttpMethod; Path = $request.Url.AbsolutePath; Authorized = $authorized } | ConvertTo-Json -Compress)
    if (-not $authorized) {
        $response.StatusCode = 401
        $response.AddHeader('WWW-Authenticate', 'Basic realm="git"')
        $response.Close()
        continue
    }
    $psi = [System.Diagnostics.ProcessStartInfo]::new('git', 'http-backend')
    $psi.UseShellExecute = $false; $psi.RedirectStandardInput = $true; $psi.RedirectStandardOutput = $true; $psi.RedirectStandardError = $true
    $cgi = @{ GIT_PROJECT_ROOT = $Root; GIT_HTTP_EXPORT_ALL = '1'; REQUEST_METHOD = $request.HttpMethod; PATH_INFO = $request.Url.AbsolutePath
        QUERY_STRING = $request.Url.Query.TrimStart('?'); CONTENT_TYPE = "$($request.ContentType)"; REMOTE_USER = $User; REMOTE_ADDR = '127.0.0.1'
        HTTP_CONTENT_ENCODING = "$($request.Headers['Content-Encoding'])"; GIT_PROTOCOL = "$($request.Headers['Git-Protocol'])" }
    foreach ($k in $cgi.Keys) { $psi.Environment[$k] = $cgi[$k] }
    $p = [System.Diagnostics.Process]::Start($psi)
    $err = $p.StandardError.ReadToEndAsync()
    $out = [System.IO.MemoryStream]::new()
    $copy = $p.StandardOutput.BaseStream.CopyToAsync($out)
    $request.InputStream.CopyTo($p.StandardInput.BaseStream)
    $p.StandardInput.Close()
    $copy.Wait(); $p.WaitForExit()
    $bytes = $out.ToArray()
    # CGI: headers, a blank line, then the body.
    $split = -1
    for ($i = 0; $i -lt $bytes.Length - 1; $i++) {
        if ($bytes[$i] -eq 10 -and $bytes[$i + 1] -eq 10) { $split = $i; $bodyAt = $i + 2; break }
        if ($i -lt $bytes.Length - 3 -and $bytes[$i] -eq 13 -and $bytes[$i + 1] -eq 10 -and $bytes[$i + 2] -eq 13 -and $bytes[$i + 3] -eq 10) { $split = $i; $bodyAt = $i + 4; break }
    }
    if ($split -lt 0) { $response.StatusCode = 500; $response.Close(); continue }
    foreach ($line in [System.Text.Encoding]::ASCII.GetString($bytes, 0, $split) -split "`r?`n") {
        $name, $value = $line -split ':\s*', 2
        if ($name -eq 'Status') { $response.StatusCode = [int]($value -split ' ')[0] }
        elseif ($name -eq 'Content-Type') { $response.ContentType = $value }
        elseif ($name) { $response.AddHeader($name, $value) }
    }
    $response.ContentLength64 = $bytes.Length - $bodyAt
    $response.OutputStream.Write($bytes, $bodyAt, $bytes.Length - $bodyAt)
    $response.Close()
}
