# Runs the Pester suite and writes its totals as JSON for build.ps1.
param([Parameter(Mandatory)] [string] $PesterPath, [Parameter(Mandatory)] [string] $ResultFile)

Import-Module $PesterPath -Force
$configuration = New-PesterConfiguration
$configuration.Run.Path = Join-Path $PSScriptRoot 'pester'
$configuration.Run.PassThru = $true
$configuration.Output.Verbosity = 'Detailed'
$configuration.TestResult.Enabled = $true
$configuration.TestResult.OutputPath = [System.IO.Path]::ChangeExtension($ResultFile, '.xml')
$result = Invoke-Pester -Configuration $configuration
# Containers that failed to run (a syntax error, a throwing BeforeAll) count as failures too.
$failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
[pscustomobject]@{ Passed = $result.PassedCount; Failed = $failed } | ConvertTo-Json | Set-Content -Path $ResultFile
