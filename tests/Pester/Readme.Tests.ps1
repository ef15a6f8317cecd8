# The README's Jenkinsfile: every command its pwsh steps run exists, with every parameter they pass.
BeforeDiscovery {
    $readme = Get-Content (Join-Path $PSScriptRoot '../../README.md') -Raw
    $groovy = [regex]::Matches($readme, '(?s)```groovy\r?\n(.*?)```') | ForEach-Object { $_.Groups[1].Value }
    $script:steps = foreach ($block in $groovy) {
        foreach ($m in [regex]::Matches($block, "(?s)pwsh\s+'''(.*?)'''")) { @{ Script = $m.Groups[1].Value } }
    }
}

BeforeAll {
    Import-Module $env:RELEASEOPS_MODULE -Force
}

Describe 'README Jenkinsfile' {
    It 'has the three jobs' {
        $steps.Count | Should -BeGreaterOrEqual 3
    }

    It 'runs a pwsh step whose commands and parameters exist' -ForEach $steps {
        $tokens = $null; $errors = $null
        $ast = [System.Management.Automation.Language.Parser]::ParseInput($Script, [ref] $tokens, [ref] $errors)
        $errors | Should -BeNullOrEmpty
        $commands = $ast.FindAll({ $args[0] -is [System.Management.Automation.Language.CommandAst] }, $true)
        $commands.Count | Should -BeGreaterThan 1
        foreach ($command in $commands) {
            $name = $command.GetCommandName()
            $info = Get-Command $name -ErrorAction SilentlyContinue
            $info | Should -Not -BeNullOrEmpty -Because "$name is used in the README's Jenkinsfile"
            foreach ($parameter in $command.CommandElements | Where-Object { $_ -is [System.Management.Automation.Language.CommandParameterAst] }) {
                $known = @($info.Parameters.Values | Where-Object { $_.Name -like "$($parameter.ParameterName)*" -or $_.Aliases -contains $parameter.ParameterName })
                $known.Count | Should -Be 1 -Because "$name -$($parameter.ParameterName) must name exactly one parameter"
            }
        }
    }
}
