BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../../B1Backup.psd1') -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:database = New-TestDatabase
    Invoke-TestSql -Database $database -Sql 'CREATE TABLE t (id INT PRIMARY KEY, v TEXT); INSERT INTO t SELECT seq, REPEAT(MD5(seq), 20) FROM seq_1_to_3000;' | Out-Null

    # Each case a minute older than the one before: names never collide (random minutes could).
    $script:caseAge = 0
    function New-Case([string] $Environment) {
        $script:caseAge++
        New-LegacyBackup -Root $script:root -Environment $Environment -Database $script:database -Timestamp (Get-Date).AddMinutes(-$script:caseAge)
    }
}

AfterAll {
    Remove-TestDatabase $database
}

Describe 'Test-B1BackupChecksum' {
    BeforeEach {
        $script:root = Join-Path $TestDrive ([guid]::NewGuid().ToString('n'))
    }

    It 'passes an intact mariadb-dump backup' {
        $file = New-Case intact
        $r = Test-B1BackupChecksum -Path $file.FullName
        $r.Passed | Should -BeTrue
        $r.Reason | Should -Be 'OK'
        $r.Expected | Should -Be $r.Actual
        $r.Actual | Should -Be ((Get-FileHash -Algorithm SHA256 $file.FullName).Hash.ToLowerInvariant())
    }

    It 'reports a flipped byte as ChecksumMismatch' {
        $file = New-Case flipped
        $bytes = [System.IO.File]::ReadAllBytes($file.FullName)
        $bytes[[int]($bytes.Length / 2)] = $bytes[[int]($bytes.Length / 2)] -bxor 0x01
        [System.IO.File]::WriteAllBytes($file.FullName, $bytes)
        $r = Test-B1BackupChecksum -Path $file.FullName
        $r.Passed | Should -BeFalse
        $r.Reason | Should -Be 'ChecksumMismatch'
        $r.Expected | Should -Not -Be $r.Actual
    }

    It 'reports a cut-off file as Truncated' {
        $file = New-Case truncated
        $stream = [System.IO.File]::Open($file.FullName, 'Open')
        try { $stream.SetLength([long]($stream.Length * 0.6)) } finally { $stream.Dispose() }
        $r = Test-B1BackupChecksum -Path $file.FullName
        $r.Passed | Should -BeFalse
        $r.Reason | Should -Be 'Truncated'
    }

    It 'reports a missing .sha256 as ChecksumFileMissing' {
        $file = New-Case missing
        Remove-Item -LiteralPath ($file.FullName + '.sha256')
        $r = Test-B1BackupChecksum -Path $file.FullName
        $r.Passed | Should -BeFalse
        $r.Reason | Should -Be 'ChecksumFileMissing'
        $r.Actual | Should -Match '^[0-9a-f]{64}$'
    }

    It 'reports a malformed .sha256 as ChecksumFileMalformed' {
        $file = New-Case malformed
        Set-Content -LiteralPath ($file.FullName + '.sha256') -Value 'not a checksum at all'
        (Test-B1BackupChecksum -Path $file.FullName).Reason | Should -Be 'ChecksumFileMalformed'
    }

    It 'reports a .sha256 that names another file' {
        $file = New-Case othername
        $line = Get-Content -LiteralPath ($file.FullName + '.sha256')
        Set-Content -LiteralPath ($file.FullName + '.sha256') -Value ($line -replace 'backup_othername', 'backup_somewhere')
        (Test-B1BackupChecksum -Path $file.FullName).Reason | Should -Be 'ChecksumFileNamesOtherFile'
    }

    It 'accepts a .sha256 whose name carries the folder, as sha256sum run from elsewhere writes' {
        $file = New-Case withfolder
        $hash = (Get-FileHash -Algorithm SHA256 $file.FullName).Hash.ToLowerInvariant()
        Set-Content -LiteralPath ($file.FullName + '.sha256') -Value "$hash  backups/withfolder/$($file.Name)" -NoNewline
        (Test-B1BackupChecksum -Path $file.FullName).Passed | Should -BeTrue
    }

    It 'reports a file that does not exist as FileNotFound' {
        $r = Test-B1BackupChecksum -Path (Join-Path $TestDrive 'backup_x_20250101_000000.sql.gz')
        $r.Passed | Should -BeFalse
        $r.Reason | Should -Be 'FileNotFound'
    }

    It 'reports an empty file as EmptyFile' {
        $file = New-Case empty
        Set-Content -LiteralPath $file.FullName -Value $null -NoNewline
        (Test-B1BackupChecksum -Path $file.FullName).Reason | Should -Be 'EmptyFile'
    }

    It 'takes Get-B1Backup objects from the pipeline, each with its own Reason' {
        $good = New-Case good
        $bad = New-Case bad
        $bytes = [System.IO.File]::ReadAllBytes($bad.FullName); $bytes[100] = $bytes[100] -bxor 0xff; [System.IO.File]::WriteAllBytes($bad.FullName, $bytes)
        $results = Get-B1Backup -Path $root | Test-B1BackupChecksum
        $results.Count | Should -Be 2
        ($results | Where-Object FullName -eq $good.FullName).Reason | Should -Be 'OK'
        ($results | Where-Object FullName -eq $bad.FullName).Reason | Should -Be 'ChecksumMismatch'
    }

    It 'binds FileInfo objects from Get-ChildItem by their PSPath' {
        $file = New-Case childitem
        $r = Get-ChildItem -LiteralPath $file.FullName | Test-B1BackupChecksum
        $r.Passed | Should -BeTrue
        $r.FullName | Should -Be $file.FullName
    }

    It '-Quiet returns only a boolean' {
        $good = New-Case quiet
        Test-B1BackupChecksum -Path $good.FullName -Quiet | Should -BeExactly $true
        Remove-Item -LiteralPath ($good.FullName + '.sha256')
        Test-B1BackupChecksum -Path $good.FullName -Quiet | Should -BeExactly $false
    }

    It 'expands wildcards in -Path' {
        $null = New-Case wild
        $null = New-Case wild
        $results = @(Test-B1BackupChecksum -Path (Join-Path $root 'wild/*.sql.gz'))
        $results.Count | Should -Be 2
        $results.Passed | Should -Not -Contain $false
    }
}
