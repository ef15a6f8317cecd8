<#
A reader for the part of HCL that Export-TerraformConfiguration writes (blocks with labels, arguments whose values
are strings, numbers, bools, null, references, lists and objects), so that the tests can check each resource against
the providers' schemas in tests/contracts/terraform. It is written apart from the exporter's writer on purpose:
the tests read the files as Terraform would, they do not trust the writer. `terraform fmt -check` parses the same
files with Terraform's own parser.
#>

function Read-Hcl {
    param([Parameter(Mandatory)] [string] $Text)
    $script:pos = 0
    $script:src = $Text
    $script:tokens = [System.Collections.Generic.List[object]]::new()
    $i = 0
    while ($i -lt $Text.Length) {
        $c = $Text[$i]
        if ($c -eq '#') { while ($i -lt $Text.Length -and $Text[$i] -ne "`n") { $i++ }; continue }
        if ($c -eq "`n") { $tokens.Add(@{ K = 'nl' }); $i++; continue }
        if ([char]::IsWhiteSpace($c)) { $i++; continue }
        if ($c -eq '"') {
            $sb = [System.Text.StringBuilder]::new(); $i++
            while ($Text[$i] -ne '"') {
                $ch = $Text[$i]
                if ($ch -eq '\') {
                    $n = $Text[$i + 1]; $i += 2
                    switch -CaseSensitive ($n) {
                        'n' { [void]$sb.Append("`n") } 'r' { [void]$sb.Append("`r") } 't' { [void]$sb.Append("`t") }
                        '"' { [void]$sb.Append('"') } '\' { [void]$sb.Append('\') }
                        'u' { [void]$sb.Append([char][Convert]::ToInt32($Text.Substring($i, 4), 16)); $i += 4 }
                        default { throw "Unknown escape \$n at $i" }
                    }
                    continue
                }
                if (($ch -eq '$' -or $ch -eq '%') -and $Text[$i + 1] -eq '{') { throw "An unescaped template sequence $ch{ at $i" }
                if (($ch -eq '$' -or $ch -eq '%') -and $Text[$i + 1] -eq $ch -and $Text[$i + 2] -eq '{') { [void]$sb.Append($ch); $i += 2; continue }
                if ($ch -eq "`n") { throw "A newline inside a string at $i" }
                [void]$sb.Append($ch); $i++
            }
            $i++
            $tokens.Add(@{ K = 'str'; V = $sb.ToString() }); continue
        }
        if ('{}[]=,.' -match [regex]::Escape([string]$c)) { $tokens.Add(@{ K = [string]$c }); $i++; continue }
        $m = [regex]::Match($Text.Substring($i), '^(-?[0-9]+(\.[0-9]+)?|[A-Za-z_][A-Za-z0-9_-]*)')
        if (-not $m.Success) { throw "Unexpected '$c' at $i" }
        $tokens.Add(@{ K = if ($m.Value -match '^-?[0-9]') { 'num' } else { 'id' }; V = $m.Value }); $i += $m.Length
    }
    $script:pos = 0
    Read-HclBody -Until $null
}

function Peek { if ($script:pos -lt $script:tokens.Count) { $script:tokens[$script:pos] } else { @{ K = 'eof' } } }
function Next { $t = Peek; $script:pos++; $t }
function Skip-Newlines { while ((Peek).K -eq 'nl') { $script:pos++ } }

function Read-HclBody {
    param($Until)
    $body = [ordered]@{ Attributes = [ordered]@{}; Blocks = [System.Collections.Generic.List[object]]::new() }
    while ($true) {
        Skip-Newlines
        $t = Peek
        if ($t.K -eq 'eof' -and $null -eq $Until) { return $body }
        if ($t.K -eq '}' -and $Until -eq '}') { $null = Next; return $body }
        if ($t.K -ne 'id') { throw "Expected a name, found $($t.K) $($t.V)" }
        $name = (Next).V
        if ((Peek).K -eq '=') {
            $null = Next
            if ($body.Attributes.Contains($name)) { throw "The argument $name is set twice" }
            $body.Attributes[$name] = Read-HclExpression
            continue
        }
        $labels = @()
        while ((Peek).K -eq 'str') { $labels += (Next).V }
        if ((Next).K -ne '{') { throw "Expected { after block $name" }
        $inner = Read-HclBody -Until '}'
        $body.Blocks.Add([pscustomobject]@{ Type = $name; Labels = $labels; Attributes = $inner.Attributes; Blocks = $inner.Blocks })
    }
}

function Read-HclExpression {
    $t = Next
    switch ($t.K) {
        'str' { return [pscustomobject]@{ Kind = 'string'; Value = $t.V } }
        'num' { return [pscustomobject]@{ Kind = 'number'; Value = [double]$t.V } }
        'id' {
            if ($t.V -in 'true', 'false') { return [pscustomobject]@{ Kind = 'bool'; Value = $t.V -eq 'true' } }
            if ($t.V -eq 'null') { return [pscustomobject]@{ Kind = 'null'; Value = $null } }
            $ref = $t.V
            while ((Peek).K -eq '.') { $null = Next; $ref += '.' + (Next).V }
            return [pscustomobject]@{ Kind = 'reference'; Value = $ref }
        }
        '[' {
            $items = @()
            while ($true) {
                Skip-Newlines
                if ((Peek).K -eq ']') { $null = Next; break }
                $items += Read-HclExpression
                Skip-Newlines
                if ((Peek).K -eq ',') { $null = Next }
            }
            return [pscustomobject]@{ Kind = 'list'; Value = $items }
        }
        '{' {
            $map = [ordered]@{}
            while ($true) {
                Skip-Newlines
                if ((Peek).K -eq '}') { $null = Next; break }
                $key = Next
                if ($key.K -notin 'id', 'str') { throw "Expected an object key, found $($key.K)" }
                if ((Next).K -ne '=') { throw "Expected = after the key $($key.V)" }
                $map[$key.V] = Read-HclExpression
                if ((Peek).K -eq ',') { $null = Next }
            }
            return [pscustomobject]@{ Kind = 'object'; Value = $map }
        }
        default { throw "Unexpected $($t.K) in an expression" }
    }
}

function Test-HclType {
    <# Whether an expression fits a schema type: string, number, bool, list(string), set(string), map(string). A reference fits any type (Terraform checks it at plan time). #>
    param($Expression, [string] $Type)
    if ($Expression.Kind -eq 'reference') { return $true }
    switch -Regex ($Type) {
        '^string$' { return $Expression.Kind -eq 'string' }
        '^number$' { return $Expression.Kind -eq 'number' }
        '^bool$' { return $Expression.Kind -eq 'bool' }
        '^(list|set)\((\w+)\)$' { $inner = $Matches[2]; return $Expression.Kind -eq 'list' -and @($Expression.Value | Where-Object { -not (Test-HclType $_ $inner) }).Count -eq 0 }
        '^map\((\w+)\)$' { $inner = $Matches[1]; return $Expression.Kind -eq 'object' -and @($Expression.Value.Values | Where-Object { -not (Test-HclType $_ $inner) }).Count -eq 0 }
        default { throw "Unknown schema type $Type" }
    }
}

function Test-TerraformResource {
    <#
    Checks one resource block against its schema: every argument is known and of the right type, every required one
    is set, nested blocks are known, and ignore_changes names only arguments of the resource. Returns the problems.
    #>
    param([Parameter(Mandatory)] $Block, [Parameter(Mandatory)] $Schemas)
    $type = $Block.Labels[0]
    $schema = $Schemas.$type
    if (-not $schema) { return @("$type is not in the contract") }
    $problems = @()
    $arguments = $schema.arguments.PSObject.Properties.Name
    foreach ($name in $Block.Attributes.Keys) {
        if ($name -in 'provider', 'depends_on', 'count', 'for_each') { continue }
        if ($name -notin $arguments) { $problems += "$type.$name is no argument of the provider's schema"; continue }
        $expected = $schema.arguments.$name
        if (-not (Test-HclType $Block.Attributes[$name] $expected)) { $problems += "$type.$name is a $($Block.Attributes[$name].Kind), the schema says $expected" }
    }
    foreach ($required in $schema.required) {
        if (-not $Block.Attributes.Contains($required)) { $problems += "$type is missing the required $required" }
    }
    foreach ($nested in $Block.Blocks) {
        if ($nested.Type -eq 'lifecycle') {
            foreach ($ignored in $nested.Attributes['ignore_changes'].Value) {
                if ($ignored.Kind -ne 'reference' -or $ignored.Value -notin $arguments) { $problems += "$type ignores $($ignored.Value), which is no argument" }
            }
            continue
        }
        $blockSchema = $schema.blocks.($nested.Type)
        if (-not $blockSchema) { $problems += "$type has no block $($nested.Type)"; continue }
        foreach ($name in $nested.Attributes.Keys) {
            $expected = $blockSchema.$name
            if (-not $expected) { $problems += "$type.$($nested.Type).$name is unknown" }
            elseif (-not (Test-HclType $nested.Attributes[$name] $expected)) { $problems += "$type.$($nested.Type).$name is not $expected" }
        }
    }
    $problems
}

Export-ModuleMember -Function Read-Hcl, Test-HclType, Test-TerraformResource
