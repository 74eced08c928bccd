BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../../B1Backup.psd1') -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:server = Get-B1TestServer
    $script:source = New-TestDatabase -Prefix b1rs
    Invoke-TestSql -Database $source -Sql @'
CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(30), b BLOB);
INSERT INTO items SELECT seq, CONCAT('name ', seq), UNHEX(MD5(seq)) FROM seq_1_to_300;
CREATE TABLE audit (id INT PRIMARY KEY AUTO_INCREMENT, item INT);
CREATE TRIGGER items_audit AFTER INSERT ON items FOR EACH ROW INSERT INTO audit (item) VALUES (NEW.id);
CREATE PROCEDURE count_items() SELECT COUNT(*) FROM items;
'@ | Out-Null
    $script:root = Join-Path $TestDrive 'backups'
    $env:DATABASE_URL = $server.Url
    $script:backup = Backup-B1Database -Path $root -Database $source -Environment staging
    $script:targets = [System.Collections.Generic.List[string]]::new()
    function script:New-Target {
        $name = 'b1rs_target_{0}' -f [guid]::NewGuid().ToString('n').Substring(0, 8)
        $script:targets.Add($name)
        $name
    }
    function script:Get-Marker([string] $Database) {
        Invoke-TestSql -Database $Database -Sql 'SELECT v FROM marker'
    }
    function script:New-MarkedDatabase {
        $name = New-Target
        Invoke-TestSql "CREATE DATABASE $name; CREATE TABLE $name.marker (v VARCHAR(10)); INSERT INTO $name.marker VALUES ('old');" | Out-Null
        $name
    }
}

AfterAll {
    Remove-Item Env:DATABASE_URL, Env:ENV_NAME -ErrorAction SilentlyContinue
    Remove-TestDatabase $source
    foreach ($t in $targets) { Remove-TestDatabase $t }
}

Describe 'Restore-B1Database' {
    It 'restores the latest backup from the pipeline into a new database and checks it' {
        $target = New-Target
        $r = Get-B1Backup -Path $root -Latest | Restore-B1Database -TargetDatabase $target -Confirm:$false
        $r.Database | Should -Be $target
        $r.Tables | Should -Be 2
        $r.Rows | Should -Be 300
        $r.ChecksumVerified | Should -BeTrue
        $r.Verified | Should -BeTrue
        $r.Checks.Count | Should -BeGreaterThan 2
        ($r.Checks | Where-Object { -not $_.Passed }) | Should -BeNullOrEmpty
        Invoke-TestSql -Database $target -Sql 'SELECT COUNT(*) FROM items' | Should -Be 300
        Invoke-TestSql -Database $target -Sql 'SELECT COUNT(*) FROM audit' | Should -Be 0
        Invoke-TestSql -Sql "SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = '$target'" | Should -Be 1
        Invoke-TestSql -Sql "SELECT COUNT(*) FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = '$target'" | Should -Be 1
    }

    It 'overwrites an existing target' {
        $target = New-MarkedDatabase
        Restore-B1Database -Path $backup.FullName -TargetDatabase $target -Confirm:$false | Out-Null
        Invoke-TestSql -Sql "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '$target' AND TABLE_NAME = 'marker'" | Should -Be 0
        Invoke-TestSql -Database $target -Sql 'SELECT COUNT(*) FROM items' | Should -Be 300
    }

    It 'restores a mariadb-dump | gzip backup with its sha256sum file, DELIMITER blocks and all' {
        $legacy = New-LegacyBackup -Root (Join-Path $TestDrive 'legacy') -Environment production -Database $source
        $listed = Get-B1Backup -Path (Join-Path $TestDrive 'legacy')
        $listed.Database | Should -Be $source
        ($listed | Test-B1BackupChecksum).Passed | Should -BeTrue
        $target = New-Target
        $r = $listed | Restore-B1Database -TargetDatabase $target -Confirm:$false -Environment staging
        $r.Verified | Should -BeTrue
        $r.Tables | Should -Be 2
        Invoke-TestSql -Database $target -Sql 'SELECT COUNT(*), SUM(id) FROM items' | Should -Be (Invoke-TestSql -Database $source -Sql 'SELECT COUNT(*), SUM(id) FROM items')
        Invoke-TestSql -Sql "SELECT COUNT(*) FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = '$target'" | Should -Be 1
        # The dump's own USE/CREATE DATABASE never sends the restore back to the source.
        Invoke-TestSql -Database $source -Sql 'SELECT COUNT(*) FROM items' | Should -Be 300
    }

    It 'refuses a backup whose checksum fails, and changes nothing' {
        $bad = Join-Path $TestDrive 'bad/staging'
        New-Item -ItemType Directory -Force -Path $bad | Out-Null
        Copy-Item -LiteralPath $backup.FullName, $backup.ChecksumPath -Destination $bad
        $copy = Join-Path $bad $backup.Name
        $bytes = [System.IO.File]::ReadAllBytes($copy); $bytes[200] = $bytes[200] -bxor 0x10; [System.IO.File]::WriteAllBytes($copy, $bytes)
        $target = New-MarkedDatabase
        $err = $null
        try { Restore-B1Database -Path $copy -TargetDatabase $target -Confirm:$false -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Match '^ChecksumFailed'
        $err.Exception.Message | Should -Match 'Nothing was changed'
        Get-Marker $target | Should -Be 'old'
    }

    It 'refuses a dump without its end marker even when the checksum matches' {
        $folder = Join-Path $TestDrive 'cut/staging'
        New-Item -ItemType Directory -Force -Path $folder | Out-Null
        $cut = Join-Path $folder 'backup_staging_20250101_000000.sql.gz'
        & bash -c 'gunzip -c "$0" | head -n 40 | gzip > "$1" && cd "$(dirname "$1")" && sha256sum "$(basename "$1")" > "$(basename "$1").sha256"' $backup.FullName $cut
        $target = New-MarkedDatabase
        $err = $null
        try { Restore-B1Database -Path $cut -TargetDatabase $target -Confirm:$false -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Match '^BackupIncomplete'
        Get-Marker $target | Should -Be 'old'
    }

    It '-WhatIf changes nothing' {
        $target = New-MarkedDatabase
        Restore-B1Database -Path $backup.FullName -TargetDatabase $target -WhatIf | Should -BeNullOrEmpty
        Get-Marker $target | Should -Be 'old'
    }

    Context 'production guard' {
        It 'refuses -Environment production where no one can type the phrase, even with -Confirm:$false' {
            $target = New-MarkedDatabase
            $err = $null
            try { Restore-B1Database -Path $backup.FullName -TargetDatabase $target -Environment production -Confirm:$false -ErrorAction Stop } catch { $err = $_ }
            $err.FullyQualifiedErrorId | Should -Match '^ProductionRestoreNotConfirmed'
            $err.Exception.Message | Should -Match 'RESTORE PRODUCTION'
            Get-Marker $target | Should -Be 'old'
        }

        It 'treats ENV_NAME=prod as production' {
            $target = New-MarkedDatabase
            $env:ENV_NAME = 'prod'
            try {
                $err = $null
                try { Restore-B1Database -Path $backup.FullName -TargetDatabase $target -Confirm:$false -ErrorAction Stop } catch { $err = $_ }
                $err.FullyQualifiedErrorId | Should -Match '^ProductionRestoreNotConfirmed'
                Get-Marker $target | Should -Be 'old'
            } finally { Remove-Item Env:ENV_NAME }
        }

        It 'treats a production backup restored over the database of its own name as production when nothing says otherwise' {
            $prodBackup = Backup-B1Database -Path (Join-Path $TestDrive 'prodguard') -Database $source -Environment production
            $err = $null
            try { Restore-B1Database -Path $prodBackup.FullName -Confirm:$false -ErrorAction Stop } catch { $err = $_ }
            $err.FullyQualifiedErrorId | Should -Match '^ProductionRestoreNotConfirmed'
            $err.Exception.Message | Should -Match 'backup is from production'
            # Saying where it runs is enough; and another target is not the production database.
            (Restore-B1Database -Path $prodBackup.FullName -Environment staging -Confirm:$false).Verified | Should -BeTrue
            $other = New-MarkedDatabase
            (Restore-B1Database -Path $prodBackup.FullName -TargetDatabase $other -Confirm:$false).Verified | Should -BeTrue
        }

        It 'restores into production with -Force' {
            $target = New-MarkedDatabase
            $r = Restore-B1Database -Path $backup.FullName -TargetDatabase $target -Environment production -Force
            $r.Verified | Should -BeTrue
            Invoke-TestSql -Database $target -Sql 'SELECT COUNT(*) FROM items' | Should -Be 300
        }

        It 'asks an operator to type the phrase: a wrong answer aborts, the right one restores' {
            # A real pwsh whose console input is the operator's answer.
            $script = Join-Path $TestDrive 'restore-prod.ps1'
            Set-Content -Path $script -Value @"
Import-Module '$((Resolve-Path (Join-Path $PSScriptRoot '../../B1Backup.psd1')).Path)'
`$env:DATABASE_URL = '$($server.Url)'
Restore-B1Database -Path '$($backup.FullName)' -TargetDatabase `$args[0] -Environment production -Confirm:`$false
"@
            $repository = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
            $wrong = New-MarkedDatabase
            $output = & bash -c 'cd "$0" && printf "restore production\n" | dotnet pwsh -NoProfile -File "$1" "$2" 2>&1' $repository $script $wrong
            "$output" | Should -Match 'Type RESTORE PRODUCTION'
            "$output" | Should -Match 'aborted'
            Get-Marker $wrong | Should -Be 'old'

            $right = New-MarkedDatabase
            $output = & bash -c 'cd "$0" && printf "RESTORE PRODUCTION\n" | dotnet pwsh -NoProfile -File "$1" "$2" 2>&1' $repository $script $right
            "$output" | Should -Not -Match 'aborted'
            Invoke-TestSql -Database $right -Sql 'SELECT COUNT(*) FROM items' | Should -Be 300
        }
    }
}

Describe 'Restore-B1Database with a dump of several databases' {
    It 'refuses it before touching anything, since a restore writes one database' {
        $folder = Join-Path $TestDrive 'multi/staging'
        New-Item -ItemType Directory -Force -Path $folder | Out-Null
        $file = Join-Path $folder 'backup_staging_20250101_000000.sql.gz'
        $other = New-TestDatabase -Prefix b1multi
        try {
            $server = Get-B1TestServer
            $env:MYSQL_PWD = $server.Password
            & bash -c 'set -o pipefail; mariadb-dump --no-defaults --host="$2" --port="$3" --user="$4" --ssl-ca="$5" --databases "$6" "$7" | gzip > "$1" && cd "$(dirname "$1")" && sha256sum "$(basename "$1")" > "$(basename "$1").sha256"' _ $file $server.Host $server.Port $server.User $server.Ca $source $other
            Remove-Item Env:MYSQL_PWD
            $err = $null
            try { Restore-B1Database -Path $file -TargetDatabase (New-Target) -Confirm:$false -ErrorAction Stop } catch { $err = $_ }
            $err.FullyQualifiedErrorId | Should -Match '^MultipleDatabases'
        } finally { Remove-TestDatabase $other; Remove-Item Env:MYSQL_PWD -ErrorAction SilentlyContinue }
    }
}
