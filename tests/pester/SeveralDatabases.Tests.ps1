BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../../B1Backup.psd1') -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:server = Get-B1TestServer
    # One prefix per run, so the wildcard tests see only these databases.
    $script:prefix = 'b1many' + [guid]::NewGuid().ToString('n').Substring(0, 6)
    $script:names = 'alpha', 'beta', 'gamma' | ForEach-Object { "${prefix}_$_" }
    foreach ($name in $names) {
        Invoke-TestSql "CREATE DATABASE ``$name`` CHARACTER SET utf8mb4; CREATE TABLE ``$name``.t (id INT PRIMARY KEY); INSERT INTO ``$name``.t VALUES (1), (2)" | Out-Null
    }
    $env:DATABASE_URL = $server.Url
}

AfterAll {
    Remove-Item Env:DATABASE_URL -ErrorAction SilentlyContinue
    foreach ($name in $names) { Remove-TestDatabase $name }
}

Describe 'Backing up several databases' {
    It 'backs up each database named in -Database a,b as a backup of its own' {
        $root = Join-Path $TestDrive 'list'
        $made = Backup-B1Database -Path $root -Environment multi -Database $names[0], $names[1]
        @($made).Count | Should -Be 2
        $made.Database | Should -Be $names[0], $names[1]
        $made | ForEach-Object { $_.Verified | Should -BeTrue }
        @($made.Name | Select-Object -Unique).Count | Should -Be 2
        (Get-B1Backup -Path $root -Environment multi | Sort-Object Database).Database | Should -Be $names[0], $names[1]
    }

    It 'takes names from the pipeline, one per line of a file' {
        $root = Join-Path $TestDrive 'pipe'
        $list = Join-Path $TestDrive 'dbs.txt'
        Set-Content -Path $list -Value $names
        $made = Get-Content $list | Backup-B1Database -Path $root -Environment multi
        @($made).Count | Should -Be 3
        ($made.Database | Sort-Object) | Should -Be ($names | Sort-Object)
    }

    It 'never lets two backups of the same second collide, even one call after another' {
        $root = Join-Path $TestDrive 'loop'
        $made = $names[0], $names[1], $names[0] | ForEach-Object { Backup-B1Database -Path $root -Environment multi -Database $_ -ErrorAction Stop }
        @($made).Count | Should -Be 3
        @($made.Name | Select-Object -Unique).Count | Should -Be 3
        $made | ForEach-Object { Test-B1BackupChecksum -Path $_.FullName | ForEach-Object Passed | Should -BeTrue }
        # Two backups of the same database stay two: retention still sees the newest of each.
        @(Get-B1Backup -Path $root -Environment multi -Database $names[0]).Count | Should -Be 2
    }

    It 'expands wildcards against the server, and * never means the server''s own databases' {
        $root = Join-Path $TestDrive 'wild'
        $made = Backup-B1Database -Path $root -Environment multi -Database "${prefix}_*"
        ($made.Database | Sort-Object) | Should -Be ($names | Sort-Object)

        $transcript = Join-Path $TestDrive 'all.txt'
        Start-Transcript -Path $transcript | Out-Null
        try { $out = Backup-B1Database -Path (Join-Path $TestDrive 'all') -Environment multi -Database * -WhatIf } finally { Stop-Transcript | Out-Null }
        $out | Should -BeNullOrEmpty
        $all = Get-Content -Raw $transcript
        foreach ($name in $names) { $all | Should -Match ([regex]::Escape("database $name on")) }
        $all | Should -Not -Match 'database (mysql|sys|information_schema|performance_schema) on'
        Test-Path (Join-Path $TestDrive 'all') | Should -BeFalse
    }

    It 'says clearly when a wildcard matches nothing, and backs up nothing' {
        $root = Join-Path $TestDrive 'none'
        $err = $null
        try { Backup-B1Database -Path $root -Environment multi -Database "${prefix}_nothing*" -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Match '^NoDatabaseMatches'
        $err.Exception.Message | Should -Match 'No database this user can see matches'
        Test-Path (Join-Path $root 'multi') | Should -BeFalse
    }

    It 'goes on with the others when one database fails, and reports that one as an error' {
        $root = Join-Path $TestDrive 'partial'
        $made = Backup-B1Database -Path $root -Environment multi -Database $names[0], "${prefix}_missing", $names[2] -ErrorVariable failures -ErrorAction SilentlyContinue
        $made.Database | Should -Be $names[0], $names[2]
        @($failures).Count | Should -Be 1
        $failures[0].TargetObject | Should -Be "${prefix}_missing"
        $failures[0].Exception.Message | Should -Not -Match ([regex]::Escape($server.Password))

        # Under -ErrorAction Stop (a runbook), the first failure stops the run.
        { Backup-B1Database -Path $root -Environment multi -Database "${prefix}_missing", $names[0] -ErrorAction Stop } | Should -Throw
    }

    It 'offers the server''s databases on <Tab>' {
        $line = "Backup-B1Database -Database ${prefix}_b"
        $completions = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText
        $completions | Should -Be "${prefix}_beta"
        $everything = (TabExpansion2 -inputScript 'Backup-B1Database -Database ' -cursorColumn 28).CompletionMatches.CompletionText
        $everything | Should -Contain $names[2]
        $everything | Should -Not -Contain 'mysql'
    }
}
