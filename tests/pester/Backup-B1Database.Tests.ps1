BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../../B1Backup.psd1') -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:server = Get-B1TestServer
    $script:database = New-TestDatabase -Prefix b1bk
    Invoke-TestSql -Database $database -Sql @'
CREATE TABLE orders (id INT PRIMARY KEY AUTO_INCREMENT, item VARCHAR(40), price DECIMAL(10,2));
INSERT INTO orders (item, price) SELECT CONCAT('item ', seq), seq * 1.5 FROM seq_1_to_500;
CREATE TABLE notes (id INT PRIMARY KEY, body TEXT);
INSERT INTO notes VALUES (1, 'it''s; "quoted" \\ text');
CREATE VIEW expensive AS SELECT id, item FROM orders WHERE price > 100;
'@ | Out-Null
    $script:root = Join-Path $TestDrive 'backups'
    $env:DATABASE_URL = $server.Url
}

AfterAll {
    Remove-Item Env:DATABASE_URL -ErrorAction SilentlyContinue
    Remove-TestDatabase $database
}

Describe 'Backup-B1Database' {
    BeforeAll {
        $script:verbose = Backup-B1Database -Path $root -Database $database -Environment staging -Verbose 4>&1
        $script:result = $verbose | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }
        $script:story = ($verbose | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message) -join "`n"
    }

    It 'writes backups/<env>/backup_<env>_<yyyyMMdd_HHmmss>.sql.gz with a .sha256 beside it' {
        $result.Name | Should -Match '^backup_staging_\d{8}_\d{6}\.sql\.gz$'
        $result.FullName | Should -Be (Join-Path (Join-Path $root 'staging') $result.Name)
        Test-Path -LiteralPath $result.FullName | Should -BeTrue
        $result.ChecksumPath | Should -Be ($result.FullName + '.sha256')
        Get-Content -LiteralPath $result.ChecksumPath -Raw | Should -Be "$($result.Sha256)  $($result.Name)`n"
    }

    It 'returns the promised properties, with no credentials in them' {
        $result.Environment | Should -Be 'staging'
        $result.Database | Should -Be $database
        $result.Server | Should -Be "127.0.0.1:$($server.Port)"
        $result.Tables | Should -Be 2
        $result.Rows | Should -Be 501
        $result.Size | Should -Be (Get-Item -LiteralPath $result.FullName).Length
        $result.UncompressedSize | Should -BeGreaterThan $result.Size
        $result.Duration | Should -BeOfType [timespan]
        $result.Verified | Should -BeTrue
        $result.Timestamp | Should -BeOfType [datetime]
        ($result | ConvertTo-Json) | Should -Not -Match ([regex]::Escape($server.Password))
    }

    It 'is verified by sha256sum -c' {
        $output = & bash -c 'cd "$(dirname "$0")" && sha256sum -c "$(basename "$0").sha256"' $result.FullName 2>&1
        $LASTEXITCODE | Should -Be 0
        "$output" | Should -Match ': OK'
    }

    It 'restores with gunzip -c | mariadb' {
        $copy = New-TestDatabase -Prefix b1bkcli
        try {
            & bash -c 'gunzip -c "$0" > "$0.sql"' $result.FullName
            Invoke-ClientTool -Tool mariadb -Arguments @($copy) -InputFile "$($result.FullName).sql" | Out-Null
            Invoke-TestSql -Database $copy -Sql 'SELECT COUNT(*), SUM(price) FROM orders' | Should -Be (Invoke-TestSql -Database $database -Sql 'SELECT COUNT(*), SUM(price) FROM orders')
            Invoke-TestSql -Database $copy -Sql 'SELECT body FROM notes' | Should -Be (Invoke-TestSql -Database $database -Sql 'SELECT body FROM notes')
            Invoke-TestSql -Database $copy -Sql 'SELECT COUNT(*) FROM expensive' | Should -Be (Invoke-TestSql -Database $database -Sql 'SELECT COUNT(*) FROM expensive')
        } finally {
            Remove-Item -LiteralPath "$($result.FullName).sql" -ErrorAction SilentlyContinue
            Remove-TestDatabase $copy
        }
    }

    It 'writes .sql.zst and plain .sql backups that zstd -dc | mariadb and mariadb restore, and that list and verify alike' {
        $zst = Backup-B1Database -Path $root -Database $database -Environment zstd -Compression Zstd
        $zst.Name | Should -Match '\.sql\.zst$'
        Start-Sleep -Milliseconds 1100
        $plain = Backup-B1Database -Path $root -Database $database -Environment zstd -Compression None
        $plain.Name | Should -Match '\.sql$'
        @(Get-B1Backup -Path $root -Environment zstd).Count | Should -Be 2
        $checked = @(Get-B1Backup -Path $root -Environment zstd | Test-B1BackupChecksum -Deep)
        $checked.Count | Should -Be 2
        $checked.Passed | Should -Not -Contain $false
        foreach ($file in $zst.FullName, $plain.FullName) {
            $copy = New-TestDatabase -Prefix b1bkzst
            try {
                & bash -c 'case "$0" in *.zst) zstd -dcq "$0" ;; *) cat "$0" ;; esac > "$0.restore.sql"' $file
                Invoke-ClientTool -Tool mariadb -Arguments @($copy) -InputFile "$file.restore.sql" | Out-Null
                Invoke-TestSql -Database $copy -Sql 'SELECT COUNT(*), SUM(price) FROM orders' | Should -Be (Invoke-TestSql -Database $database -Sql 'SELECT COUNT(*), SUM(price) FROM orders')
            } finally {
                Remove-Item -LiteralPath "$file.restore.sql" -ErrorAction SilentlyContinue
                Remove-TestDatabase $copy
            }
        }
        $target = 'b1bkzst_r_{0}' -f [guid]::NewGuid().ToString('n').Substring(0, 8)
        try {
            (Restore-B1Database -Path $zst.FullName -TargetDatabase $target -Confirm:$false).Verified | Should -BeTrue
        } finally { Remove-TestDatabase $target }
    }

    It 'tells the old script''s story with -Verbose, without the password' {
        $story | Should -Match 'Environment: staging'
        $story | Should -Match "Database: $database"
        $story | Should -Match "Host: 127\.0\.0\.1:$($server.Port)"
        $story | Should -Match 'Output file: .*backup_staging_'
        $story | Should -Match 'Backup size: '
        $story | Should -Match 'SHA-256: [0-9a-f]{64}'
        $story | Should -Match 'Duration: '
        $story | Should -Match 'Verification: '
        $story | Should -Not -Match ([regex]::Escape($server.Password))
        $story | Should -Not -Match ([regex]::Escape([uri]::EscapeDataString($server.Password)))
    }

    It 'shows with -WhatIf what it would back up and where, and writes nothing' {
        $folder = Join-Path $TestDrive 'whatif'
        $transcript = Join-Path $TestDrive 'whatif.txt'
        Start-Transcript -Path $transcript | Out-Null
        try { $out = Backup-B1Database -Path $folder -Database $database -Environment staging -WhatIf } finally { Stop-Transcript | Out-Null }
        $out | Should -BeNullOrEmpty
        $said = Get-Content -Raw $transcript
        $said | Should -Match ([regex]::Escape($database))
        $said | Should -Match 'backup_staging_<yyyyMMdd_HHmmss>\.sql\.gz'
        Test-Path (Join-Path $folder 'staging') | Should -BeFalse
    }

    It 'is listed by Get-B1Backup with its tables and rows, read from the manifest' {
        $listed = Get-B1Backup -Path $root -Environment staging -Latest
        $listed.FullName | Should -Be $result.FullName
        $listed.Database | Should -Be $database
        $listed.Tables | Should -Be 2
        $listed.Rows | Should -Be 501
        $listed.Producer | Should -Be 'B1Backup'
        ($listed | Test-B1BackupChecksum).Passed | Should -BeTrue
    }

    It 'takes the environment from ENV_NAME, else development' {
        try {
            $env:ENV_NAME = 'qa'
            (Backup-B1Database -Path $root -Database $database).Environment | Should -Be 'qa'
            Remove-Item Env:ENV_NAME
            Start-Sleep -Milliseconds 1100
            (Backup-B1Database -Path $root -Database $database).Environment | Should -Be 'development'
        } finally { Remove-Item Env:ENV_NAME -ErrorAction SilentlyContinue }
    }

    It 'refuses an environment name that is not a plain word' {
        { Backup-B1Database -Path $root -Database $database -Environment '../etc' } | Should -Throw
    }

    It 'reports a folder it cannot write before touching the database' {
        $blocker = Join-Path $TestDrive 'a-file'
        Set-Content -Path $blocker -Value 'not a folder'
        $err = $null
        try { Backup-B1Database -Path $blocker -Database $database -Environment x -ErrorAction Stop } catch { $err = $_ }
        $err | Should -Not -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -Match '^BackupFolderNotWritable'
        $err.CategoryInfo.Category | Should -Be 'PermissionDenied'
    }

    It 'reports a database that does not exist, and leaves no file behind' {
        $before = @(Get-ChildItem -Path (Join-Path $root 'missing') -ErrorAction SilentlyContinue).Count
        $err = $null
        try { Backup-B1Database -Path $root -Database 'no_such_db_b1' -Environment missing -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Match '^DatabaseNotFound'
        @(Get-ChildItem -Path (Join-Path $root 'missing') -ErrorAction SilentlyContinue).Count | Should -Be $before
    }

    It 'refuses a plaintext connection unless TLS is lowered explicitly' {
        $err = $null
        $url = $server.Url -replace 'ssl-mode=VERIFY_CA', 'ssl-mode=VERIFY_IDENTITY' -replace '&ssl-ca=[^&]*', ''
        try { Backup-B1Database -ConnectionString $url -Path $root -Database $database -Environment tls -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Match '^TlsFailed'
        $err.Exception.Message | Should -Not -Match ([regex]::Escape($server.Password))
    }

    It 'warns when TLS is lowered on purpose' {
        $warnings = $null
        $null = Backup-B1Database -Path $root -Database $database -Environment lowered -SslMode Preferred -WarningVariable warnings -WarningAction SilentlyContinue
        "$warnings" | Should -Match 'TLS is lowered to Preferred'
    }

    It 'gives back the memory a job freed to the long-lived session that ran it' {
        # 160 MB of dead large arrays, which only a full collection frees: the backup ends with one.
        $garbage = [System.Collections.Generic.List[object]]::new()
        foreach ($i in 1..40) { $garbage.Add([byte[]]::new(4MB)) }
        $garbage = $null
        $before = [GC]::GetTotalMemory($false)
        $null = Backup-B1Database -Path $root -Database $database -Environment memory
        [GC]::GetTotalMemory($false) | Should -BeLessThan ($before - 120MB)
    }

    It 'takes separate parameters and a PSCredential' {
        $credential = [pscredential]::new($server.User, (ConvertTo-SecureString $server.Password -AsPlainText -Force))
        $r = Backup-B1Database -ConnectionString '' -Server 127.0.0.1 -Port $server.Port -Database $database -Credential $credential -SslMode VerifyCA -SslCa $server.Ca -Path $root -Environment params
        $r.Verified | Should -BeTrue
        $r.Server | Should -Be "127.0.0.1:$($server.Port)"
    }
}
