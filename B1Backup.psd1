@{
    # Loads the build output in out/bin (dotnet pwsh ./build.ps1 Build); the Package task
    # writes a self-contained module folder with its own copy of this manifest.
    RootModule           = 'out/bin/B1Backup.dll'
    # Imported first: points the runtime at the engine under bin/deps (isolated on PowerShell 7).
    NestedModules        = @('out/bin/B1Backup.Loader.dll')
    ModuleVersion        = '0.2.0'
    GUID                 = '6f4f5f0e-2b8e-4c8a-9a61-b1b4c0a7e2d1'
    Author               = 'B1Backup team'
    CompanyName          = 'B1Backup'
    Copyright            = '(c) B1Backup team. MIT licence.'
    Description          = 'Backup, verification, restore and restore drills of MySQL-compatible databases (TiDB, MySQL 8, MariaDB) as PowerShell objects: gzip SQL dumps with SHA-256 sidecars.'
    PowerShellVersion    = '5.1'
    CompatiblePSEditions = @('Desktop', 'Core')
    FormatsToProcess     = @('module/B1Backup.Format.ps1xml')
    TypesToProcess       = @('module/B1Backup.Types.ps1xml')
    CmdletsToExport      = @(
        'Backup-B1Database'
        'Restore-B1Database'
        'Get-B1Backup'
        'Copy-B1Backup'
        'Test-B1BackupChecksum'
        'Remove-B1Backup'
        'Invoke-B1RestoreDrill'
        'Invoke-B1BackupJob'
        'Get-B1BackupSchedule'
        'Unregister-B1BackupSchedule'
        'Test-B1Rpo'
        'Register-B1BackupSchedule'
        'Test-B1DatabaseAccess'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('MySQL', 'MariaDB', 'TiDB', 'Backup', 'Restore', 'Database', 'DBA', 'PSEdition_Desktop', 'PSEdition_Core', 'Linux', 'Windows')
            LicenseUri   = 'https://example.invalid/b1backup/LICENSE'
            ProjectUri   = 'https://example.invalid/b1backup'
            ReleaseNotes = 'Parallel consistent backups, staged atomic restores, statement guard, signatures, restore drills, help.'
        }
    }
}
