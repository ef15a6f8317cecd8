<#
.SYNOPSIS
    Generates MAML help for ReleaseOps's cmdlets from docs/<Verb-Noun>.md and the cmdlets' own metadata.
.DESCRIPTION
    platyPS is not available here, so this is the module's help compiler. Each docs page has the sections
    SYNOPSIS, DESCRIPTION, EXAMPLES (### Example N: title, a ```powershell block, then remarks), PARAMETERS
    (### -Name, then text), INPUTS, OUTPUTS and NOTES. Syntax, types, pipeline input, positions and defaults come
    from the cmdlet itself, so they cannot drift. The script fails when a page, a section, an example or a
    parameter's text is missing, or when a page documents a parameter that does not exist.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $DocsPath,
    [Parameter(Mandatory)] [string] $OutFile
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$module = Import-Module $ModulePath -PassThru
$common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
$shouldProcessText = @{
    WhatIf  = 'Shows what would happen if the cmdlet runs. The cmdlet is not run.'
    Confirm = 'Prompts you for confirmation before running the cmdlet.'
}

function Read-DocPage([string] $path) {
    $sections = [ordered]@{}
    $current = $null
    $sub = $null
    foreach ($line in Get-Content $path) {
        if ($line -match '^## (.+)$') { $current = $Matches[1].Trim().ToUpperInvariant(); $sections[$current] = [ordered]@{ '' = [System.Collections.Generic.List[string]]::new() }; $sub = ''; continue }
        if ($null -eq $current) { continue }
        if ($line -match '^### (.+)$') { $sub = $Matches[1].Trim(); $sections[$current][$sub] = [System.Collections.Generic.List[string]]::new(); continue }
        $sections[$current][$sub].Add($line)
    }
    $sections
}

function Split-Paragraphs([string[]] $lines) {
    $text = ($lines -join "`n").Trim()
    if (-not $text) { return @() }
    # Blank lines separate paragraphs; a list item (1. or -) starts a paragraph of its own.
    @($text -split "\n\s*\n" | ForEach-Object { $_ -split '\n(?=\s*(?:\d+\.|-) )' } |
        ForEach-Object { ($_ -replace '\s*\n\s*', ' ').Trim() } | Where-Object { $_ })
}

function Write-Paras([System.Xml.XmlWriter] $w, [string[]] $paras) {
    foreach ($p in $paras) { $w.WriteElementString('maml', 'para', $script:maml, $p) }
}

$maml = 'http://schemas.microsoft.com/maml/2004/10'
$cmd = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
$dev = 'http://schemas.microsoft.com/maml/dev/2004/10'
$problems = [System.Collections.Generic.List[string]]::new()
# Text for parameters that several cmdlets share; a cmdlet's own page wins.
$sharedParameters = @{}
$sharedPage = Join-Path $DocsPath 'shared/Parameters.md'
if (Test-Path $sharedPage) {
    $shared = Read-DocPage $sharedPage
    foreach ($key in $shared['PARAMETERS'].Keys) {
        if ($key -match '^-(\w+)$') { $sharedParameters[$Matches[1]] = Split-Paragraphs $shared['PARAMETERS'][$key] }
    }
}
$settings = [System.Xml.XmlWriterSettings]@{ Indent = $true; Encoding = [System.Text.UTF8Encoding]::new($false) }
$null = New-Item -ItemType Directory -Path (Split-Path $OutFile) -Force
$w = [System.Xml.XmlWriter]::Create($OutFile, $settings)
$w.WriteStartDocument()
$w.WriteStartElement('helpItems', 'http://msh')
$w.WriteAttributeString('schema', 'maml')

foreach ($c in $module.ExportedCmdlets.Values | Sort-Object Name) {
    $page = Join-Path $DocsPath "$($c.Name).md"
    if (-not (Test-Path $page)) { $problems.Add("$($c.Name): no help page at $page"); continue }
    $doc = Read-DocPage $page
    foreach ($s in 'SYNOPSIS', 'DESCRIPTION', 'EXAMPLES', 'PARAMETERS', 'OUTPUTS') {
        if (-not $doc.Contains($s)) { $problems.Add("$($c.Name): the page has no '## $s' section") }
    }
    if ($problems.Count) { continue }
    $synopsis = (Split-Paragraphs $doc['SYNOPSIS']['']) -join ' '
    if (-not $synopsis) { $problems.Add("$($c.Name): the synopsis is empty") }
    $description = Split-Paragraphs $doc['DESCRIPTION']['']
    if (-not $description) { $problems.Add("$($c.Name): the description is empty") }

    $parameterDocs = @{}
    foreach ($key in $doc['PARAMETERS'].Keys) {
        if ($key -match '^-(\w+)$') { $parameterDocs[$Matches[1]] = Split-Paragraphs $doc['PARAMETERS'][$key] }
    }
    $parameters = @($c.Parameters.Values | Where-Object { $_.Name -notin $common -or $_.Name -in 'WhatIf', 'Confirm' })
    foreach ($p in $parameters) {
        if (-not $parameterDocs[$p.Name] -and $sharedParameters[$p.Name]) { $parameterDocs[$p.Name] = $sharedParameters[$p.Name] }
    }
    foreach ($p in $parameters) {
        if (-not $parameterDocs[$p.Name] -and -not $shouldProcessText[$p.Name]) { $problems.Add("$($c.Name): parameter -$($p.Name) is not described") }
    }
    foreach ($name in @($parameterDocs.Keys)) {
        if ($name -notin $parameters.Name) { $problems.Add("$($c.Name): the page describes -$name, which the cmdlet does not have") }
    }

    $examples = @(foreach ($key in $doc['EXAMPLES'].Keys) {
            if (-not $key) { continue }
            $body = ($doc['EXAMPLES'][$key] -join "`n")
            if ($body -notmatch '(?s)```(?:powershell)?\n(.*?)\n```(.*)$') { $problems.Add("$($c.Name): '$key' has no powershell code block"); continue }
            [pscustomobject]@{ Title = $key; Code = $Matches[1].Trim(); Remarks = Split-Paragraphs ($Matches[2] -split "`n") }
        })
    if (-not $examples) { $problems.Add("$($c.Name): no examples") }
    if ($problems.Count) { continue }

    $w.WriteStartElement('command', 'command', $cmd)
    $w.WriteAttributeString('xmlns', 'maml', $null, $maml)
    $w.WriteAttributeString('xmlns', 'dev', $null, $dev)
    $w.WriteStartElement('command', 'details', $cmd)
    $w.WriteElementString('command', 'name', $cmd, $c.Name)
    $w.WriteStartElement('maml', 'description', $maml); Write-Paras $w @($synopsis); $w.WriteEndElement()
    $w.WriteElementString('command', 'verb', $cmd, $c.Verb)
    $w.WriteElementString('command', 'noun', $cmd, $c.Noun)
    $w.WriteEndElement()
    $w.WriteStartElement('maml', 'description', $maml); Write-Paras $w $description; $w.WriteEndElement()

    $writeParameter = {
        param($p, $set)
        $attr = if ($set) { $p.ParameterSets[$set] } else { $p.ParameterSets.Values | Select-Object -First 1 }
        $pipeline = @(if ($attr.ValueFromPipeline) { 'ByValue' }; if ($attr.ValueFromPipelineByPropertyName) { 'ByPropertyName' })
        $w.WriteStartElement('command', 'parameter', $cmd)
        $w.WriteAttributeString('required', ([string]$attr.IsMandatory).ToLowerInvariant())
        $w.WriteAttributeString('variableLength', ([string]$p.ParameterType.IsArray).ToLowerInvariant())
        $w.WriteAttributeString('globbing', 'false')
        $w.WriteAttributeString('pipelineInput', $(if ($pipeline) { "True ($($pipeline -join ', '))" } else { 'False' }))
        $w.WriteAttributeString('position', $(if ($attr.Position -ge 0) { [string]$attr.Position } else { 'named' }))
        $w.WriteAttributeString('aliases', $(if ($p.Aliases.Count) { $p.Aliases -join ', ' } else { 'none' }))
        $w.WriteElementString('maml', 'name', $maml, $p.Name)
        $w.WriteStartElement('maml', 'description', $maml)
        Write-Paras $w @(if ($parameterDocs[$p.Name]) { $parameterDocs[$p.Name] } else { $shouldProcessText[$p.Name] })
        $w.WriteEndElement()
        if ($p.ParameterType -ne [System.Management.Automation.SwitchParameter]) {
            $w.WriteStartElement('command', 'parameterValue', $cmd)
            $w.WriteAttributeString('required', 'true')
            $w.WriteAttributeString('variableLength', ([string]$p.ParameterType.IsArray).ToLowerInvariant())
            $w.WriteString($p.ParameterType.Name)
            $w.WriteEndElement()
        }
        $w.WriteStartElement('dev', 'type', $dev); $w.WriteElementString('maml', 'name', $maml, $p.ParameterType.FullName); $w.WriteEndElement()
        $w.WriteEndElement()
    }

    $w.WriteStartElement('command', 'syntax', $cmd)
    foreach ($set in $c.ParameterSets) {
        $w.WriteStartElement('command', 'syntaxItem', $cmd)
        $w.WriteElementString('maml', 'name', $maml, $c.Name)
        foreach ($sp in $set.Parameters | Where-Object { $_.Name -notin $common -or $_.Name -in 'WhatIf', 'Confirm' }) {
            & $writeParameter $c.Parameters[$sp.Name] $(if ($c.Parameters[$sp.Name].ParameterSets.ContainsKey($set.Name)) { $set.Name } else { '__AllParameterSets' })
        }
        $w.WriteEndElement()
    }
    $w.WriteEndElement()
    $w.WriteStartElement('command', 'parameters', $cmd)
    foreach ($p in $parameters) { & $writeParameter $p $null }
    $w.WriteEndElement()

    foreach ($kind in @(@{ Section = 'INPUTS'; List = 'inputTypes'; Item = 'inputType' }, @{ Section = 'OUTPUTS'; List = 'returnValues'; Item = 'returnValue' })) {
        if (-not $doc.Contains($kind.Section)) { continue }
        $w.WriteStartElement('command', $kind.List, $cmd)
        foreach ($key in $doc[$kind.Section].Keys) {
            if (-not $key) { continue }
            $w.WriteStartElement('command', $kind.Item, $cmd)
            $w.WriteStartElement('dev', 'type', $dev); $w.WriteElementString('maml', 'name', $maml, $key); $w.WriteEndElement()
            $w.WriteStartElement('maml', 'description', $maml); Write-Paras $w (Split-Paragraphs $doc[$kind.Section][$key]); $w.WriteEndElement()
            $w.WriteEndElement()
        }
        $w.WriteEndElement()
    }
    if ($doc.Contains('NOTES')) {
        $w.WriteStartElement('maml', 'alertSet', $maml); $w.WriteStartElement('maml', 'alert', $maml)
        Write-Paras $w (Split-Paragraphs $doc['NOTES'][''])
        $w.WriteEndElement(); $w.WriteEndElement()
    }

    $w.WriteStartElement('command', 'examples', $cmd)
    foreach ($e in $examples) {
        $w.WriteStartElement('command', 'example', $cmd)
        $w.WriteElementString('maml', 'title', $maml, "--------- $($e.Title) ---------")
        $w.WriteElementString('dev', 'code', $dev, $e.Code)
        $w.WriteStartElement('dev', 'remarks', $dev); Write-Paras $w $e.Remarks; $w.WriteEndElement()
        $w.WriteEndElement()
    }
    $w.WriteEndElement()
    $w.WriteStartElement('command', 'relatedLinks', $cmd)
    $w.WriteStartElement('maml', 'navigationLink', $maml); $w.WriteElementString('maml', 'linkText', $maml, 'about_ReleaseOps'); $w.WriteElementString('maml', 'uri', $maml, ''); $w.WriteEndElement()
    $w.WriteEndElement()
    $w.WriteEndElement()
}

$w.WriteEndElement()
$w.WriteEndDocument()
$w.Dispose()

if ($problems.Count) {
    Remove-Item $OutFile -ErrorAction SilentlyContinue
    $problems | ForEach-Object { Write-Error -Message "Help: $_" -ErrorAction Continue }
    exit 1
}
Write-Host "Help: $($module.ExportedCmdlets.Count) cmdlets -> $OutFile"
