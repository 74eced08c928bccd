BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../../B1Backup.psd1') -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $env:DATABASE_URL = (Get-B1TestServer).Url
    $script:database = New-TestDatabase -Prefix b1native
    Invoke-TestSql -Database $database -Sql 'CREATE TABLE t (id INT PRIMARY KEY); INSERT INTO t VALUES (1);' | Out-Null
    $script:root = Join-Path $TestDrive 'backups'
    $script:backup = Backup-B1Database -Database $database -Path $root -Environment staging
    $null = Backup-B1Database -Database $database -Path $root -Environment production
    function script:Complete([string] $Line) {
        (TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches.CompletionText
    }
}

AfterAll {
    Remove-Item Env:DATABASE_URL -ErrorAction SilentlyContinue
    Remove-TestDatabase $database
}

Describe 'Argument completion' {
    It 'completes -Environment from the folders under the backup root' {
        Complete "Get-B1Backup -Path '$root' -Environment " | Should -Be @('production', 'staging')
        Complete "Get-B1Backup -Path '$root' -Environment st" | Should -Be @('staging')
        Complete "Test-B1Rpo -Path '$root' -Environment pro" | Should -Be @('production')
        Complete "Invoke-B1RestoreDrill -BackupRoot '$root' -Environment s" | Should -Be @('staging')
    }

    It 'completes -Database from the databases the backups hold' {
        Complete "Get-B1Backup -Path '$root' -Database b1nat" | Should -Be @($database)
        Complete "Test-B1Rpo -Path '$root' -Database " | Should -Be @($database)
    }

    It 'completes from ./backups under the current location by default' {
        Push-Location $TestDrive
        try { Complete 'Get-B1Backup -Environment p' | Should -Be @('production') } finally { Pop-Location }
    }
}

Describe 'Views' {
    It 'shows Get-B1Backup as a table with human sizes and ages, and keeps every property for Select-Object *' {
        $text = Get-B1Backup -Path $root | Out-String -Width 200
        $text | Should -Match 'Timestamp\s+Environment\s+Database\s+Age\s+Size'
        $text | Should -Match '\d+(\.\d)? (KB|B)'
        $text | Should -Match '\dm \d\ds'
        $all = Get-B1Backup -Path $root | Select-Object -First 1 *
        @($all.PSObject.Properties.Name) | Should -Contain 'ChecksumPath'
        @($all.PSObject.Properties.Name) | Should -Contain 'UncompressedSize'
        (Get-B1Backup -Path $root | ConvertTo-Json | ConvertFrom-Json)[0].Path | Should -Not -BeNullOrEmpty
    }

    It 'shows durations of results in seconds, not as raw TimeSpans' {
        ($backup | Out-String) | Should -Match 'Duration\s+:\s+\d+\.\ds'
    }
}

Describe 'Errors' {
    It 'are ErrorRecords with a specific id, category and target that -ErrorAction governs' {
        $err = $null
        Remove-B1Backup -Path (Join-Path $root 'staging/nothing_here.sql.gz') -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Match '^BackupNotFound,'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err[0].TargetObject | Should -Match 'nothing_here'
        { Remove-B1Backup -Path (Join-Path $root 'staging/nothing_here.sql.gz') -ErrorAction Stop } | Should -Throw
    }
}

Describe 'Progress' {
    It 'reports backup and restore progress, with a bar per large table, and completes every bar' {
        $big = New-TestDatabase -Prefix b1progress
        try {
            Invoke-TestSql -Database $big -Sql 'CREATE TABLE big (id INT PRIMARY KEY, pad VARCHAR(200)); INSERT INTO big SELECT seq, REPEAT(MD5(seq), 6) FROM seq_1_to_300000; ANALYZE TABLE big;' | Out-Null
            $ps = [powershell]::Create()
            $null = $ps.AddScript("Import-Module '$((Resolve-Path (Join-Path $PSScriptRoot '../../B1Backup.psd1')).Path)'; `$env:DATABASE_URL = '$($env:DATABASE_URL)'; `$b = Backup-B1Database -Database $big -Path '$root' -Environment progress -Parallel 1; Restore-B1Database -Path `$b.Path -TargetDatabase $($big)_copy -Confirm:`$false | Out-Null")
            $null = $ps.Invoke()
            $ps.Streams.Error | Should -BeNullOrEmpty
            $records = @($ps.Streams.Progress)
            $ps.Dispose()
            $backup = @($records | Where-Object ActivityId -eq 1)
            $backup.Count | Should -BeGreaterThan 1
            ($backup | Where-Object { $_.RecordType -eq 'Processing' -and $_.PercentComplete -ge 0 }) | Should -Not -BeNullOrEmpty
            $backup[-1].RecordType | Should -Be 'Completed'
            $table = @($records | Where-Object ParentActivityId -eq 1)
            $table | Should -Not -BeNullOrEmpty -Because 'a table of 300,000 rows gets a bar of its own'
            $table[0].Activity | Should -Be 'big'
            $table[-1].RecordType | Should -Be 'Completed'
            $restore = @($records | Where-Object ActivityId -eq 2)
            $restore | Should -Not -BeNullOrEmpty
            $restore[-1].RecordType | Should -Be 'Completed'
        } finally {
            Remove-TestDatabase $big
            Remove-TestDatabase "$($big)_copy"
        }
    }
}
