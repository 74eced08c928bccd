BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../../B1Backup.psd1') -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:database = New-TestDatabase
    Invoke-TestSql -Database $database -Sql 'CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(20)); INSERT INTO t VALUES (1, ''a''), (2, ''b'');' | Out-Null
    $script:root = Join-Path $TestDrive 'backups'
    $script:old = New-LegacyBackup -Root $root -Environment staging -Database $database -Timestamp (Get-Date).AddDays(-8)
    $script:new = New-LegacyBackup -Root $root -Environment staging -Database $database -Timestamp (Get-Date).AddHours(-1)
    $script:prod = New-LegacyBackup -Root $root -Environment production -Database $database -Timestamp (Get-Date).AddDays(-2)
    # Things that are not backups must not be listed.
    Set-Content -Path (Join-Path $root 'staging/notes.txt') -Value 'x'
    Set-Content -Path (Join-Path $root 'staging/backup_staging_20250101_000000.sql.gz.tmp-1234') -Value 'partial'
    Set-Content -Path (Join-Path $root 'staging/backup_production_20250101_000000.sql.gz') -Value 'wrong folder'
}

AfterAll {
    Remove-TestDatabase $database
}

Describe 'Get-B1Backup' {
    It 'lists every backup newest first, and nothing else' {
        $list = @(Get-B1Backup -Path $root)
        $list.Count | Should -Be 3
        $list[0].Name | Should -Be $new.Name
        $list[1].Name | Should -Be $prod.Name
        $list[2].Name | Should -Be $old.Name
    }

    It 'fills FullName, Name, Environment, Timestamp, Age, Size and ChecksumPath' {
        $b = Get-B1Backup -Path $root -Environment staging | Select-Object -First 1
        $b.FullName | Should -Be $new.FullName
        $b.Environment | Should -Be 'staging'
        $b.Timestamp | Should -BeOfType [datetime]
        $b.Age | Should -BeGreaterThan ([timespan]::FromMinutes(59))
        $b.Age | Should -BeLessThan ([timespan]::FromMinutes(62))
        $b.Size | Should -Be $new.Length
        $b.ChecksumPath | Should -Be ($new.FullName + '.sha256')
    }

    It 'reads the database and server version from a mariadb-dump header' {
        $b = Get-B1Backup -Path $root -Environment production
        $b.Database | Should -Be $database
        $b.ServerVersion | Should -Match '^10\.|MariaDB|^[5-9]\.'
    }

    It 'takes the root as -BackupRoot too, the name the drill uses' {
        $byAlias = @(Get-B1Backup -BackupRoot $root)
        $byAlias.Count | Should -Be 3
        ($byAlias.FullName -join '|') | Should -Be (@(Get-B1Backup -Path $root).FullName -join '|')
        @(Test-B1Rpo -BackupRoot $root -Environment production -MaxAge (New-TimeSpan -Days 3)).Count | Should -Be 1
    }

    It 'filters by environment and database with wildcards' {
        @(Get-B1Backup -Path $root -Environment 'stag*').Count | Should -Be 2
        @(Get-B1Backup -Path $root -Environment 'nothing').Count | Should -Be 0
        @(Get-B1Backup -Path $root -Database $database).Count | Should -Be 3
        @(Get-B1Backup -Path $root -Database 'other*').Count | Should -Be 0
    }

    It '-Latest gives the newest backup of each environment' {
        $latest = @(Get-B1Backup -Path $root -Latest)
        $latest.Count | Should -Be 2
        ($latest | Where-Object Environment -eq staging).Name | Should -Be $new.Name
    }

    It 'makes retention a one-liner on Age' {
        $expired = @(Get-B1Backup -Path $root -Environment staging | Where-Object Age -gt (New-TimeSpan -Days 7))
        $expired.Count | Should -Be 1
        $expired[0].Name | Should -Be $old.Name
    }

    It 'resolves a relative -Path against the current location' {
        Push-Location $TestDrive
        try { @(Get-B1Backup -Path ./backups).Count | Should -Be 3 } finally { Pop-Location }
    }

    It 'says so for a root that does not exist, and for an environment folder given as the root' {
        $err = $null
        try { Get-B1Backup -Path (Join-Path $TestDrive 'none') -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Match '^BackupRootNotFound'
        $err = $null
        try { Get-B1Backup -Path (Join-Path $root 'staging') -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Match '^BackupRootIsEnvironmentFolder'
        $err.Exception.Message | Should -Match ([regex]::Escape($root))
    }

    It 'shows a table at the prompt with human sizes' {
        $text = Get-B1Backup -Path $root | Out-String -Width 200
        $text | Should -Match 'Database\s+Age\s+Size\s+Name'
        $text | Should -Match '\d+(\.\d)? (B|KB|MB)'
    }
}
