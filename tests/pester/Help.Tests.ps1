BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot '../../B1Backup.psd1') -Force
    $script:commands = @(Get-Command -Module B1Backup -CommandType Cmdlet | ForEach-Object { @{ Name = $_.Name } })
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../../B1Backup.psd1') -Force
    $script:common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
}

Describe 'Help for <Name>' -ForEach $commands {
    BeforeAll {
        $script:help = Get-Help $Name -Full
    }

    It 'has a synopsis and a description' {
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -Match "^\s*$Name\s"
        ($help.description | Out-String).Trim().Length | Should -BeGreaterThan 80
    }

    It 'documents every parameter' {
        $documented = @{}
        foreach ($p in $help.parameters.parameter) { $documented[$p.name] = ($p.description | Out-String).Trim() }
        foreach ($parameter in (Get-Command $Name).Parameters.Keys | Where-Object { $_ -notin $common }) {
            $documented[$parameter] | Should -Not -BeNullOrEmpty -Because "-$parameter of $Name needs a description"
        }
    }

    It 'says what it takes from the pipeline, what it returns, and the defaults its text states' {
        $full = Get-Help $Name -Full | Out-String -Width 200
        $full | Should -Match 'INPUTS\s+\S'
        $full | Should -Match 'OUTPUTS\s+\S'
        $help.returnValues.returnValue.type.name | Should -Not -BeNullOrEmpty
        foreach ($p in $help.parameters.parameter | Where-Object { ($_.description | Out-String) -match 'Default:' }) {
            $p.defaultValue | Should -Not -Be 'None' -Because "-$($p.name) of $Name states a default"
        }
    }

    It 'has at least three examples that are real commands' {
        $examples = @($help.examples.example)
        $examples.Count | Should -BeGreaterOrEqual 3
        foreach ($example in $examples) {
            $example.code | Should -Match 'B1|Get-|Remove-|Restore-|Test-|Invoke-'
            { [scriptblock]::Create($example.code) } | Should -Not -Throw -Because 'an example must parse'
        }
    }
}

Describe 'about_B1Backup' {
    It 'covers the file layout, environments and the recovery procedure' {
        $text = Get-Help about_B1Backup | Out-String
        $text | Should -Match 'FILE LAYOUT'
        $text | Should -Match 'ENVIRONMENTS'
        $text | Should -Match 'RECOVERY PROCEDURE'
        $text | Should -Match 'roll the\s+application back'
    }
}
