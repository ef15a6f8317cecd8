# Views for everything: every type a cmdlet declares as output has a default table view, and every column of every
# view shows something for a real, fully set object of its type: a column whose script block does not parse or
# throws, or that is empty whatever the object holds, fails here.
BeforeDiscovery {
    $format = [xml](Get-Content (Join-Path (Split-Path $env:RELEASEOPS_MODULE) 'ReleaseOps.Format.ps1xml') -Raw)
    $script:views = foreach ($v in $format.Configuration.ViewDefinitions.View) {
        $headers = @($v.TableControl.TableHeaders.TableColumnHeader | ForEach-Object { $_.Label })
        $items = @($v.TableControl.TableRowEntries.TableRowEntry.TableColumnItems.TableColumnItem)
        $columns = for ($i = 0; $i -lt $items.Count; $i++) {
            @{ Label = $headers[$i]; Property = $items[$i].PropertyName; Script = $items[$i].ScriptBlock }
        }
        @{ TypeName = $v.ViewSelectedBy.TypeName; Columns = @($columns) }
    }
}

BeforeAll {
    Import-Module $env:RELEASEOPS_MODULE -Force
    # A real object of the type, with every public property set to a value of its type (lists hold two such objects).
    function New-Sample([type] $Type, [int] $Depth = 0) {
        if ($Type -eq [string]) { return 'sample' }
        $inner = [Nullable]::GetUnderlyingType($Type)
        if ($inner) { return New-Sample $inner $Depth }
        if ($Type.IsEnum) { $values = [Enum]::GetValues($Type); return $values[[Math]::Min(1, $values.Count - 1)] }
        switch ($Type.FullName) {
            'System.Int32' { return 3 }
            'System.Int64' { return [long] 3 }
            'System.Double' { return 1.5 }
            'System.Boolean' { return $true }
            'System.DateTimeOffset' { return [DateTimeOffset]::Now }
            'System.DateTime' { return [DateTime]::Now }
            'System.TimeSpan' { return [TimeSpan]::FromSeconds(1.5) }
            'System.Uri' { return [Uri] 'https://example.com/' }
        }
        if ($Type.IsArray) {
            $e = $Type.GetElementType(); $a = [Array]::CreateInstance($e, 2)
            for ($i = 0; $i -lt 2; $i++) { $a[$i] = New-Sample $e ($Depth + 1) }
            return , $a
        }
        if ($Type.IsGenericType -and $Type.GetGenericArguments().Count -eq 1 -and $Type.Name -match 'List|Enumerable|Collection') {
            $e = $Type.GetGenericArguments()[0]
            $list = [Activator]::CreateInstance([System.Collections.Generic.List`1].MakeGenericType($e))
            for ($i = 0; $i -lt 2; $i++) { $list.Add((New-Sample $e ($Depth + 1))) }
            return , $list
        }
        if ($Type.IsClass -and $Depth -lt 3 -and -not $Type.GetConstructor([type]::EmptyTypes)) {
            # An immutable type: its widest constructor, with a value for each parameter.
            $ctor = $Type.GetConstructors() | Sort-Object { $_.GetParameters().Count } -Descending | Select-Object -First 1
            if ($ctor) { return $ctor.Invoke([object[]] @($ctor.GetParameters() | ForEach-Object { New-Sample $_.ParameterType ($Depth + 1) })) }
        }
        if ($Type.IsClass -and $Depth -lt 3 -and $Type.GetConstructor([type]::EmptyTypes)) {
            $o = [Activator]::CreateInstance($Type)
            foreach ($p in $Type.GetProperties() | Where-Object { $_.SetMethod -and $_.SetMethod.IsPublic }) {
                $p.SetValue($o, (New-Sample $p.PropertyType ($Depth + 1)))
            }
            return $o
        }
        $null
    }
}

Describe 'Default views' {
    It 'exist for every type that a cmdlet declares as its output' {
        $viewed = $views.TypeName
        $declared = Get-Command -Module ReleaseOps | ForEach-Object { $_.OutputType.Type } | Where-Object { $_ -and $_.FullName -like 'ReleaseOps.*' } | Sort-Object FullName -Unique
        $declared.FullName | Where-Object { $_ -notin $viewed } | Should -BeNullOrEmpty
    }

    It '<TypeName>: every column shows something for a real object, and the table renders without an error' -ForEach $views {
        $object = New-Sample ([type] $TypeName)
        $object | Should -Not -BeNullOrEmpty
        foreach ($c in $Columns) {
            if ($c.Property) {
                "$($object.($c.Property))" | Should -Not -BeNullOrEmpty -Because "column $($c.Label) reads $($c.Property)"
            }
            else {
                $block = [scriptblock]::Create($c.Script)
                $value = $object | ForEach-Object $block
                "$value" | Should -Not -BeNullOrEmpty -Because "column $($c.Label) ($($c.Script)) must show a value"
            }
        }
        $Error.Clear()
        $text = $object | Format-Table | Out-String
        $Error | Should -BeNullOrEmpty
        foreach ($c in $Columns) { $text | Should -Match ([regex]::Escape($c.Label)) }
    }
}
