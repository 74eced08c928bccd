# The main job on an embedded default: a private MariaDB with the Sakila sample.
param([Parameter(Mandatory)] [string] $ModulePath)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot 'TestServer.psm1') -Force
Import-Module (Join-Path $PSScriptRoot 'pester/TestHelpers.psm1') -Force
Import-Module $ModulePath -Force

$server = Start-B1TestServer -SkipTimeZones
$env:B1_TEST_DATABASE_URL = $server.Url
try {
    Write-Host "Private MariaDB on 127.0.0.1:$($server.Port); loading the Sakila sample..."
    Invoke-ClientTool -Tool mariadb -InputFile (Join-Path $PSScriptRoot 'fixtures/sakila/sakila-schema.sql') | Out-Null
    Invoke-ClientTool -Tool mariadb -InputFile (Join-Path $PSScriptRoot 'fixtures/sakila/sakila-data.sql') | Out-Null
    $root = Join-Path (Split-Path $PSScriptRoot) 'demo/backups'
    $file = New-LegacyBackup -Root $root -Environment development -Database sakila
    Write-Host "`nBackups under $root :"
    Get-B1Backup -Path $root | Format-Table | Out-Host
    Write-Host 'Checksums:'
    Get-B1Backup -Path $root | Test-B1BackupChecksum | Format-Table | Out-Host
} finally {
    Stop-B1TestServer $server
    Remove-Item Env:B1_TEST_DATABASE_URL -ErrorAction SilentlyContinue
}
