# The main job on an embedded default: a private MariaDB with the Sakila sample is backed up,
# listed, verified and restored into a second database.
param([Parameter(Mandatory)] [string] $ModulePath)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot 'TestServer.psm1') -Force
Import-Module (Join-Path $PSScriptRoot 'pester/TestHelpers.psm1') -Force
Import-Module $ModulePath -Force

$server = Start-B1TestServer -SkipTimeZones -ServerOnly
$env:B1_TEST_DATABASE_URL = $server.Url
$savedUrl = $env:DATABASE_URL
try {
    Write-Host "Private MariaDB with TLS on 127.0.0.1:$($server.Port); loading the Sakila sample..."
    Invoke-ClientTool -Tool mariadb -InputFile (Join-Path $PSScriptRoot 'fixtures/sakila/sakila-schema.sql') | Out-Null
    Invoke-ClientTool -Tool mariadb -InputFile (Join-Path $PSScriptRoot 'fixtures/sakila/sakila-data.sql') | Out-Null

    # What an admin's DATABASE_URL looks like: user and password percent-encoded, TLS verified.
    $env:DATABASE_URL = $server.Url -replace '/\?', '/sakila?'
    $root = Join-Path (Split-Path $PSScriptRoot) 'demo/backups'

    Write-Host "`n> Backup-B1Database -Path $root -Environment development -Verbose" -ForegroundColor Cyan
    $backup = Backup-B1Database -Path $root -Environment development -Verbose
    $backup | Format-List | Out-Host

    Write-Host "> Get-B1Backup -Path $root" -ForegroundColor Cyan
    Get-B1Backup -Path $root | Format-Table | Out-Host

    Write-Host "> Get-B1Backup -Path $root | Test-B1BackupChecksum" -ForegroundColor Cyan
    Get-B1Backup -Path $root | Test-B1BackupChecksum | Format-Table | Out-Host

    Write-Host "> Get-B1Backup -Path $root -Latest | Restore-B1Database -TargetDatabase sakila_restored -Confirm:`$false" -ForegroundColor Cyan
    $restored = Get-B1Backup -Path $root -Latest | Restore-B1Database -TargetDatabase sakila_restored -Confirm:$false -Verbose
    $restored | Format-List | Out-Host
    $restored.Checks | Format-Table Name, Passed, Expected, Actual -AutoSize | Out-Host
    if (-not ($backup.Verified -and $restored.Verified)) { throw 'The demo round trip did not verify.' }
    Write-Host "Round trip verified: $($restored.Tables) tables, $($restored.Rows) rows. Backups are in $root." -ForegroundColor Green
} finally {
    $env:DATABASE_URL = $savedUrl
    Stop-B1TestServer $server
    Remove-Item Env:B1_TEST_DATABASE_URL -ErrorAction SilentlyContinue
}
