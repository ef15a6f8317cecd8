<#
.SYNOPSIS
    A fake of the EC2 Query API's DescribeRegions action on 127.0.0.1, from the published API reference.
.DESCRIPTION
    It answers only signed requests (Signature Version 4 for the ec2 service); anything else gets EC2's
    AuthFailure error document. Each request is logged as one JSON line (action, credential scope), never the
    signature. With -Hang it accepts requests and never answers, for cancellation tests.
#>
param([Parameter(Mandatory)] [int] $Port, [Parameter(Mandatory)] [string] $LogPath, [switch] $Hang)

$listener = [System.Net.HttpListener]::new()
$listener.Prefixes.Add("http://127.0.0.1:$Port/")
$listener.Start()
Set-Content -Path $LogPath -Value ''
$deadline = [DateTime]::UtcNow.AddMinutes(10)
while ($listener.IsListening -and [DateTime]::UtcNow -lt $deadline) {
    $task = $listener.GetContextAsync()
    while (-not $task.Wait(500)) { if ([DateTime]::UtcNow -ge $deadline) { exit 0 } }
    $context = $task.Result
    if ($Hang) { continue }
    $request = $context.Request
    $body = [System.IO.StreamReader]::new($request.InputStream).ReadToEnd()
    $form = [System.Web.HttpUtility]::ParseQueryString($body)
    $auth = $request.Headers['Authorization']
    $signed = $auth -match '^AWS4-HMAC-SHA256 Credential=([^/]+)/(\d{8})/([a-z0-9-]+)/ec2/aws4_request, SignedHeaders=([^,]+), Signature=[0-9a-f]{64}$'
    $entry = [ordered]@{ Action = $form['Action']; Version = $form['Version']; Signed = $signed; Region = $(if ($signed) { $Matches[3] }); AccessKey = $(if ($signed) { $Matches[1] }) }
    Add-Content -Path $LogPath -Value ($entry | ConvertTo-Json -Compress)
    $response = $context.Response
    $response.ContentType = 'text/xml;charset=UTF-8'
    if (-not $signed) {
        $response.StatusCode = 401
        $xml = '<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>AuthFailure</Code><Message>AWS was not able to validate the provided access credentials</Message></Error></Errors><RequestID>fake</RequestID></Response>'
    }
    elseif ($form['Action'] -ne 'DescribeRegions') {
        $response.StatusCode = 400
        $xml = "<?xml version=`"1.0`" encoding=`"UTF-8`"?><Response><Errors><Error><Code>InvalidAction</Code><Message>The action $($form['Action']) is not valid for this web service.</Message></Error></Errors><RequestID>fake</RequestID></Response>"
    }
    else {
        $xml = @'
<?xml version="1.0" encoding="UTF-8"?>
<DescribeRegionsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
  <requestId>59dbff89-35bd-4eac-99ed-be587EXAMPLE</requestId>
  <regionInfo>
    <item><regionName>ca-central-1</regionName><regionEndpoint>ec2.ca-central-1.amazonaws.com</regionEndpoint><optInStatus>opt-in-not-required</optInStatus></item>
    <item><regionName>us-east-1</regionName><regionEndpoint>ec2.us-east-1.amazonaws.com</regionEndpoint><optInStatus>opt-in-not-required</optInStatus></item>
  </regionInfo>
</DescribeRegionsResponse>
'@
    }
    $bytes = [System.Text.Encoding]::UTF8.GetBytes($xml)
    $response.ContentLength64 = $bytes.Length
    $response.OutputStream.Write($bytes, 0, $bytes.Length)
    $response.Close()
}
