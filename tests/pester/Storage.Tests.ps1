# Backups in Azure Blob Storage, against a real Azurite: the newcomer's path from the README, the
# pipeline one-liners, the storage going away, wrong credentials and what must never be shown.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../../B1Backup.psd1') -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../TestStorage.psm1') -Force
    $script:azurite = Start-B1TestAzurite
    $script:database = New-TestDatabase
    Invoke-TestSql -Database $database -Sql 'CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(40)); INSERT INTO t SELECT seq, CONCAT(''row '', seq) FROM seq_1_to_2000;' | Out-Null
    $script:url = (Get-B1TestServer).Url -replace '/\?', "/$database`?"
    $script:cs = $azurite.ConnectionString
    function New-Location { "$($azurite.Endpoint)/p$([guid]::NewGuid().ToString('n'))/backups" }
    function Get-RowCount([string] $Name) { [int](Invoke-TestSql -Database $Name -Sql 'SELECT COUNT(*) FROM t') }
}

AfterAll {
    Stop-B1TestAzurite $azurite
    Remove-TestDatabase $database
    Remove-Item Env:AZURE_STORAGE_CONNECTION_STRING -ErrorAction SilentlyContinue
}

Describe 'Backups in Azure Blob Storage' {
    It 'backs up straight to the store, lists, verifies, restores and deletes by retention there' {
        $location = New-Location
        $backup = Backup-B1Database -ConnectionString $url -Path $location -Environment staging -StorageConnectionString $cs
        $backup.FullName | Should -BeLike "$location/staging/backup_staging_*.sql.gz"
        $backup.Verified | Should -BeTrue

        $listed = @(Get-B1Backup -Path $location -StorageConnectionString $cs)
        $listed.Count | Should -Be 1
        $listed[0].FullName | Should -Be $backup.FullName
        $listed[0].Database | Should -Be $database
        $listed[0].Rows | Should -Be 2000
        $listed[0].ChecksumPath | Should -Be ($backup.FullName + '.sha256')

        ($listed | Test-B1BackupChecksum -StorageConnectionString $cs).Passed | Should -BeTrue
        ($listed | Test-B1BackupChecksum -Deep -StorageConnectionString $cs).Reason | Should -Be 'OK'

        $target = "$($database)_fromblob"
        try {
            $restored = $listed | Restore-B1Database -ConnectionString $url -TargetDatabase $target -Force -StorageConnectionString $cs
            $restored.Verified | Should -BeTrue
            $restored.Path | Should -Be $backup.FullName
            Get-RowCount $target | Should -Be 2000
        } finally { Remove-TestDatabase $target }

        # The newest good backup is kept; once a newer one exists, the old one goes.
        $listed | Remove-B1Backup -Confirm:$false -StorageConnectionString $cs -WarningVariable kept -WarningAction SilentlyContinue
        "$kept" | Should -BeLike '*is the newest backup*kept*'
        @(Get-B1Backup -Path $location -StorageConnectionString $cs).Count | Should -Be 1
        Start-Sleep -Seconds 1
        $newer = Backup-B1Database -ConnectionString $url -Path $location -Environment staging -StorageConnectionString $cs
        $listed | Remove-B1Backup -Confirm:$false -StorageConnectionString $cs
        @(Get-B1Backup -Path $location -StorageConnectionString $cs).FullName | Should -Be @($newer.FullName)
    }

    It 'copies the newest local backup off-site and back; sha256sum -c passes on the download' {
        $local = Join-Path $TestDrive 'local'
        $null = Backup-B1Database -ConnectionString $url -Path $local -Environment production
        $location = New-Location
        $copy = Get-B1Backup -Path $local -Environment production -Latest | Copy-B1Backup -Destination $location -StorageConnectionString $cs
        $copy.FullName | Should -BeLike "$location/production/backup_production_*.sql.gz"
        ($copy | Test-B1BackupChecksum -StorageConnectionString $cs).Passed | Should -BeTrue

        $airGapped = Join-Path $TestDrive 'airgapped'
        $back = Get-B1Backup -Path $location -StorageConnectionString $cs | Copy-B1Backup -Destination $airGapped -StorageConnectionString $cs
        $original = Get-B1Backup -Path $local -Environment production -Latest
        (Get-FileHash $back.FullName).Hash | Should -Be (Get-FileHash $original.FullName).Hash
        Push-Location (Split-Path $back.FullName)
        try {
            $output = & sha256sum -c ($back.Name + '.sha256') 2>&1
            $LASTEXITCODE | Should -Be 0
            "$output" | Should -BeLike "*$($back.Name): OK*"
        } finally { Pop-Location }
    }

    It 'takes the connection string from AZURE_STORAGE_CONNECTION_STRING, as the Azure CLI does' {
        $location = New-Location
        $env:AZURE_STORAGE_CONNECTION_STRING = $cs
        try {
            $null = Backup-B1Database -ConnectionString $url -Path $location -Environment dev
            @(Get-B1Backup -Path $location).Count | Should -Be 1
            (Test-B1Rpo -Path $location -Environment dev).Passed | Should -BeTrue
        } finally { Remove-Item Env:AZURE_STORAGE_CONNECTION_STRING }
    }

    It 'drills from the store and counts the download in the RTO' {
        $location = New-Location
        $null = Backup-B1Database -ConnectionString $url -Path $location -Environment production -StorageConnectionString $cs
        $drill = Invoke-B1RestoreDrill -ConnectionString $url -BackupRoot $location -Environment production -StorageConnectionString $cs
        $drill.Passed | Should -BeTrue
        $drill.Backup | Should -BeLike "$location/production/*"
        $drill.DownloadDuration | Should -BeGreaterThan ([timespan]::Zero)
        $drill.Rto | Should -BeGreaterOrEqual ($drill.DownloadDuration + $drill.RestoreDuration)
        # The scratch copy is gone: nothing of this drill is left in the temporary folder.
        @(Get-ChildItem ([System.IO.Path]::GetTempPath()) -Filter 'b1backup-*' -Directory | Where-Object { Get-ChildItem $_.FullName -Recurse -Filter $drill.BackupName }).Count | Should -Be 0
    }

    It 'says so when the storage is down, leaves nothing behind, and works once it is back' {
        $location = New-Location
        $null = Backup-B1Database -ConnectionString $url -Path $location -Environment prod -StorageConnectionString $cs
        $before = @(Get-ChildItem ([System.IO.Path]::GetTempPath()) -Filter 'b1backup-*' -Directory).Count
        Stop-B1TestAzurite $azurite -KeepData
        try {
            { Backup-B1Database -ConnectionString $url -Path $location -Environment prod -StorageConnectionString $cs -ErrorAction Stop } |
                Should -Throw -ErrorId 'StorageUnreachable,B1Backup.Commands.BackupB1DatabaseCommand'
        } finally {
            $script:azurite = Start-B1TestAzurite -Port $azurite.Port -DataFolder $azurite.Root
        }
        @(Get-ChildItem ([System.IO.Path]::GetTempPath()) -Filter 'b1backup-*' -Directory).Count | Should -Be $before
        @(Get-B1Backup -Path $location -StorageConnectionString $cs).Count | Should -Be 1
        Start-Sleep -Seconds 1
        $null = Backup-B1Database -ConnectionString $url -Path $location -Environment prod -StorageConnectionString $cs
        @(Get-B1Backup -Path $location -StorageConnectionString $cs).Count | Should -Be 2
    }

    It 'refuses a wrong account key with a clear error that never shows the key or the real one' {
        $location = New-Location
        $null = Backup-B1Database -ConnectionString $url -Path $location -Environment qa -StorageConnectionString $cs
        $wrong = [Convert]::ToBase64String([System.Security.Cryptography.RandomNumberGenerator]::GetBytes(64))
        $captured = [System.Collections.Generic.List[object]]::new()
        $failure = $null
        # A listing that cannot start is a terminating error, as a missing backup folder is.
        try { $captured.AddRange(@(Get-B1Backup -Path $location -StorageAccountKey $wrong -Verbose *>&1)) } catch { $failure = $_ }
        $failure | Should -Not -BeNullOrEmpty
        $failure.FullyQualifiedErrorId | Should -BeLike 'StorageAccessDenied,*'
        $failure.Exception.Message | Should -BeLike '*account key*'
        $text = (@($captured) + $failure | ForEach-Object { $_ | Out-String; if ($_ -is [System.Management.Automation.ErrorRecord]) { $_.Exception.ToString() } }) -join "`n"
        $text | Should -Not -BeLike "*$wrong*"
        $text | Should -Not -BeLike "*$($azurite.Key)*"
    }

    It 'never shows the connection string''s key in output objects or verbose text' {
        $location = New-Location
        $captured = @(
            Backup-B1Database -ConnectionString $url -Path $location -Environment sec -StorageConnectionString $cs -Verbose *>&1
            Get-B1Backup -Path $location -StorageConnectionString $cs -Verbose *>&1
            Get-B1Backup -Path $location -StorageConnectionString $cs | Test-B1BackupChecksum -Deep -StorageConnectionString $cs -Verbose *>&1
            Invoke-B1RestoreDrill -ConnectionString $url -BackupRoot $location -Environment sec -StorageConnectionString $cs -Verbose *>&1
        )
        $captured.Count | Should -BeGreaterThan 5
        $text = ($captured | ForEach-Object { $_ | Format-List * -Force | Out-String }) -join "`n"
        $text | Should -Not -BeLike "*$($azurite.Key)*"
        $text | Should -Not -BeLike '*AccountKey=*'
        $text | Should -BeLike "*$location/sec/backup_sec_*"
    }

    It 'keeps a SAS token out of every message when the token is refused' {
        $signature = [Convert]::ToBase64String([System.Security.Cryptography.RandomNumberGenerator]::GetBytes(32))
        $withToken = (New-Location) + '?sv=2023-11-03&sr=c&sp=rl&se=2099-01-01T00%3A00%3A00Z&sig=' + [uri]::EscapeDataString($signature)
        $failure = $null
        try { Get-B1Backup -Path $withToken } catch { $failure = $_ }
        $failure | Should -Not -BeNullOrEmpty
        $failure.FullyQualifiedErrorId | Should -BeLike 'StorageAccessDenied,*'
        $text = ($failure | Out-String) + $failure.Exception.ToString() + "$($failure.TargetObject)"
        $text | Should -Not -BeLike "*$signature*"
        $text | Should -Not -BeLike "*$([uri]::EscapeDataString($signature))*"
        $text | Should -Not -BeLike '*sig=*'
    }

    It 'says plainly that s3:// is not supported yet' {
        { Get-B1Backup -Path s3://bucket/backups -ErrorAction Stop } | Should -Throw -ErrorId 'S3NotSupported,B1Backup.Commands.GetB1BackupCommand'
    }
}
