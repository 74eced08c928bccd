# The public parameter surface of every cmdlet, pinned: a change to it must be deliberate
# (regenerate tests/pester/ParameterSurface.txt as ParameterSurface.ps1 says).

Describe 'The public parameter surface' {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot '../../B1Backup.psd1') -Force
        . (Join-Path $PSScriptRoot 'ParameterSurface.ps1')
    }

    It 'is exactly the pinned one (tests/pester/ParameterSurface.txt)' {
        $pinned = @(Get-Content (Join-Path $PSScriptRoot 'ParameterSurface.txt'))
        $current = @(Get-B1ParameterSurface | ForEach-Object { $_.TrimEnd() })
        $difference = Compare-Object $pinned $current | ForEach-Object { "$($_.SideIndicator) $($_.InputObject)" }
        $difference | Should -BeNullOrEmpty -Because 'a parameter was added, removed or changed; if that is deliberate, regenerate ParameterSurface.txt (see ParameterSurface.ps1)'
    }

    It 'cannot pass on nothing: every cmdlet has parameters in the pinned file' {
        $pinned = Get-Content (Join-Path $PSScriptRoot 'ParameterSurface.txt')
        foreach ($command in Get-Command -Module B1Backup -CommandType Cmdlet) {
            @($pinned | Where-Object { $_ -like "$($command.Name) -*" }).Count | Should -BeGreaterThan 0 -Because $command.Name
        }
    }
}
