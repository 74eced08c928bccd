BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../../B1Backup.psd1') -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:server = Get-B1TestServer
    $script:database = New-TestDatabase -Prefix b1view
    Invoke-TestSql -Database $database -Sql 'CREATE TABLE t (id INT PRIMARY KEY); INSERT INTO t VALUES (1)' | Out-Null
    $env:DATABASE_URL = $server.Url
    $script:root = Join-Path $TestDrive 'backups'
    # The longest names the tool makes: a long environment, zstd, encrypted.
    $key = Join-Path $TestDrive 'enc.key'
    [System.IO.File]::WriteAllBytes($key, [byte[]](1..32))
    $script:gz = Backup-B1Database -Path $root -Database $database -Environment production
    $script:zst = Backup-B1Database -Path $root -Database $database -Environment production -Compression Zstd -EncryptionKeyPath $key
}

AfterAll {
    Remove-Item Env:DATABASE_URL -ErrorAction SilentlyContinue
    Remove-TestDatabase $database
}

Describe 'Default views at 80 columns' {
    It 'Get-B1Backup shows each whole name (so the compression too), the database, age and size' {
        $text = Get-B1Backup -Path $root | Out-String -Width 80
        $text | Should -Match ([regex]::Escape($gz.Name))
        $text | Should -Match ([regex]::Escape($zst.Name))
        $text | Should -Match '\.sql\.zst\.enc'
        $text | Should -Match ([regex]::Escape($database.Substring(0, 10)))
        ($text -split "`n" | Where-Object { $_.TrimEnd().Length -gt 80 }) | Should -BeNullOrEmpty
    }

    It 'Test-B1BackupChecksum shows the result, the reason and the whole name' {
        $bad = Join-Path $TestDrive 'bad'
        $null = New-Item -ItemType Directory -Path (Join-Path $bad 'production')
        Copy-Item $gz.FullName, $gz.ChecksumPath -Destination (Join-Path $bad 'production')
        $copy = Join-Path (Join-Path $bad 'production') $gz.Name
        $bytes = [System.IO.File]::ReadAllBytes($copy); $bytes[100] = $bytes[100] -bxor 1; [System.IO.File]::WriteAllBytes($copy, $bytes)
        $text = Test-B1BackupChecksum -Path $copy | Out-String -Width 80
        $text | Should -Match 'False'
        $text | Should -Match 'ChecksumMismatch'
        $text | Should -Match ([regex]::Escape($gz.Name))
        ($text -split "`n" | Where-Object { $_.TrimEnd().Length -gt 80 }) | Should -BeNullOrEmpty
    }

    It 'Test-B1Rpo wraps its message instead of cutting it' {
        $status = Test-B1Rpo -Path $root -Environment production -MaxAge 1.00:00:00 | Select-Object -First 1
        $text = $status | Out-String -Width 80
        $words = ($status.Message -split '\s+') | Where-Object Length -gt 3
        foreach ($word in $words) { $text | Should -Match ([regex]::Escape($word)) }
        ($text -split "`n" | Where-Object { $_.TrimEnd().Length -gt 80 }) | Should -BeNullOrEmpty
    }

    It 'Format-List still shows everything' {
        $list = Get-B1Backup -Path $root | Select-Object -First 1 | Format-List * | Out-String -Width 80
        foreach ($property in 'FullName', 'Environment', 'Database', 'Timestamp', 'Compression', 'Rows') { $list | Should -Match "$property\s+:" }
    }
}
