# Secrets stay secret, TLS is the default, files are private, restores stay in their database,
# and signed backups reveal tampering.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../../B1Backup.psd1') -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../TestServer.psm1') -Force
    $script:server = Get-B1TestServer
    $script:database = New-TestDatabase -Prefix b1sec
    Invoke-TestSql -Database $database -Sql 'CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(20)); INSERT INTO t VALUES (1, ''one''), (2, ''two'');' | Out-Null
    # A user of its own, whose password is searched for in everything the module leaves behind.
    $script:secret = 'Zq7:s3cr@t/%?é-' + [guid]::NewGuid().ToString('n').Substring(0, 10)
    $script:secretUser = 'b1sec_' + [guid]::NewGuid().ToString('n').Substring(0, 6)
    Invoke-TestSql "CREATE USER '$secretUser'@'%' IDENTIFIED BY '$($secret.Replace("'", "''"))'; GRANT ALL ON *.* TO '$secretUser'@'%';" | Out-Null
    $script:secretUrl = "mysql://$($secretUser):$([uri]::EscapeDataString($secret))@127.0.0.1:$($server.Port)/$($database)?ssl-mode=VERIFY_CA&ssl-ca=$([uri]::EscapeDataString($server.Ca))"
    $script:root = Join-Path $TestDrive 'backups'
    $env:DATABASE_URL = $server.Url

    function script:Find-Secret([string] $Text) {
        $Text.Contains($secret) -or $Text.Contains([uri]::EscapeDataString($secret)) -or $Text.Contains([uri]::EscapeDataString($secret).ToLowerInvariant())
    }
}

AfterAll {
    Remove-Item Env:DATABASE_URL -ErrorAction SilentlyContinue
    Invoke-TestSql "DROP USER IF EXISTS '$secretUser'@'%'" | Out-Null
    Remove-TestDatabase $database
    Remove-TestDatabase "$($database)_restored"
}

Describe 'Secrets never leak' {
    It 'appear in no stream, object, error, transcript or file, whatever the cmdlets do' {
        $transcript = Join-Path $TestDrive 'transcript.txt'
        $key = ConvertTo-SecureString 'a signing key of enough bytes' -AsPlainText -Force
        $captured = [System.Collections.Generic.List[object]]::new()
        Start-Transcript -Path $transcript | Out-Null
        try {
            $VerbosePreference = 'Continue'; $DebugPreference = 'Continue'
            $captured.AddRange(@(Backup-B1Database -ConnectionString $secretUrl -Path $root -Environment sec -SigningKey $key -Verbose -Debug *>&1))
            $captured.AddRange(@(Get-B1Backup -Path $root -Verbose -Debug *>&1))
            $captured.AddRange(@(Get-B1Backup -Path $root | Test-B1BackupChecksum -Deep -SigningKey $key -Verbose -Debug *>&1))
            $captured.AddRange(@(Get-B1Backup -Path $root -Latest | Restore-B1Database -ConnectionString $secretUrl -TargetDatabase "$($database)_restored" -Confirm:$false -Verbose -Debug *>&1))
            # Failures: a wrong password, a closed port, a malformed URL, a missing database, a plaintext demand the server refuses.
            $bad = @(
                { Backup-B1Database -ConnectionString ($secretUrl -replace [regex]::Escape([uri]::EscapeDataString($secret)), ([uri]::EscapeDataString($secret) + 'x')) -Path $root -Environment sec }
                { Backup-B1Database -ConnectionString ($secretUrl -replace ":$($server.Port)/", ':1/') -Path $root -Environment sec }
                { Backup-B1Database -ConnectionString "mysql://$($secretUser):$($secret)@127.0.0.1:notaport/x" -Path $root -Environment sec }
                { Backup-B1Database -ConnectionString "Server=127.0.0.1;Password='$secret;Port=" -Path $root -Environment sec }
                { Backup-B1Database -ConnectionString $secretUrl -Database no_such_database -Path $root -Environment sec }
                { Restore-B1Database -ConnectionString ($secretUrl -replace 'VERIFY_CA', 'VERIFY_IDENTITY' -replace '&ssl-ca=[^&]*', '') -Path (Get-B1Backup -Path $root -Latest).FullName -TargetDatabase x -Confirm:$false }
            )
            foreach ($attempt in $bad) {
                try { $captured.AddRange(@(& $attempt -Verbose -Debug -ErrorAction Stop *>&1)) } catch { $captured.Add($_) }
            }
        } finally {
            Stop-Transcript | Out-Null
            $VerbosePreference = 'SilentlyContinue'; $DebugPreference = 'SilentlyContinue'
        }

        $errors = @($captured | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })
        $errors.Count | Should -BeGreaterOrEqual 6
        foreach ($item in $captured) {
            # What the module wrote: messages, errors and their exceptions, and the objects it returned.
            # (PowerShell's own InvocationInfo records the arguments the caller typed; that is not ours to hide.)
            $text = switch ($item) {
                { $_ -is [System.Management.Automation.ErrorRecord] } { "$_ $($_.Exception) $($_.TargetObject) $($_.ErrorDetails) $($_.CategoryInfo)"; break }
                { $_ -is [System.Management.Automation.InformationalRecord] } { $_.Message; break }
                default { ($_ | Out-String) + ($_ | Select-Object * | ConvertTo-Json -Depth 4 -WarningAction SilentlyContinue) }
            }
            Find-Secret $text | Should -BeFalse -Because "output item: $(($item | Out-String).Trim())"
        }
        Find-Secret (Get-Content -Raw $transcript) | Should -BeFalse
        foreach ($file in Get-ChildItem -Recurse -File $root) {
            $content = if ($file.Name -match '\.sql\.gz$') { & bash -c 'gunzip -c "$0"' $file.FullName | Out-String } else { Get-Content -Raw $file.FullName }
            Find-Secret $content | Should -BeFalse -Because $file.Name
        }
    }
}

Describe 'TLS' {
    It 'refuses a server without TLS unless the user lowers -SslMode, and then warns' {
        $plain = Start-B1TestServer -Plaintext -SkipTimeZones
        try {
            Invoke-B1TestServerSql $plain "CREATE DATABASE p; CREATE TABLE p.t (id INT PRIMARY KEY); INSERT INTO p.t VALUES (1);" | Out-Null
            $url = $plain.Url -replace '\?ssl-mode=DISABLED', 'p'
            $err = $null
            try { Backup-B1Database -ConnectionString $url -Path $root -Environment plain -ErrorAction Stop } catch { $err = $_ }
            $err.FullyQualifiedErrorId | Should -Match '^TlsFailed'
            $err.Exception.Message | Should -Match 'SslMode'
            @(Get-ChildItem -Path (Join-Path $root 'plain') -ErrorAction SilentlyContinue).Count | Should -Be 0

            $warnings = $null
            $b = Backup-B1Database -ConnectionString $url -SslMode Disabled -Path $root -Environment plain -WarningVariable warnings -WarningAction SilentlyContinue
            $b.Verified | Should -BeTrue
            "$warnings" | Should -Match 'unencrypted'
        } finally {
            Stop-B1TestServer $plain
        }
    }
}

Describe 'Files are private' -Skip:(-not $IsLinux) {
    It 'creates backups and sidecars 0600 and new folders 0700' {
        $fresh = Join-Path $TestDrive 'private/root'
        $key = ConvertTo-SecureString 'a signing key of enough bytes' -AsPlainText -Force
        $b = Backup-B1Database -ConnectionString $secretUrl -Path $fresh -Environment sec -SigningKey $key
        foreach ($file in $b.FullName, $b.ChecksumPath, $b.ManifestPath, ($b.FullName + '.sig')) {
            (Get-Item -LiteralPath $file).UnixFileMode | Should -Be ([System.IO.UnixFileMode]'UserRead, UserWrite') -Because $file
        }
        (Get-Item -LiteralPath $fresh).UnixFileMode | Should -Be ([System.IO.UnixFileMode]'UserRead, UserWrite, UserExecute')
        (Get-Item -LiteralPath (Join-Path $fresh 'sec')).UnixFileMode | Should -Be ([System.IO.UnixFileMode]'UserRead, UserWrite, UserExecute')
    }
}

Describe 'Signed backups' {
    BeforeAll {
        $script:keyFile = Join-Path $TestDrive 'signing.key'
        [System.IO.File]::WriteAllBytes($keyFile, [byte[]](1..32))
        $script:signed = Backup-B1Database -ConnectionString $secretUrl -Path (Join-Path $TestDrive 'signed') -Environment sig -SigningKeyPath $keyFile
    }

    It 'verify with the key they were signed with' {
        $r = Test-B1BackupChecksum -Path $signed.FullName -SigningKeyPath $keyFile
        $r.Passed | Should -BeTrue
        $r.Message | Should -Match 'signature'
    }

    It 'fail with another key, and with a missing signature' {
        $other = Join-Path $TestDrive 'other.key'
        [System.IO.File]::WriteAllBytes($other, [byte[]](2..33))
        (Test-B1BackupChecksum -Path $signed.FullName -SigningKeyPath $other).Reason | Should -Be 'SignatureMismatch'
        $copy = Join-Path $TestDrive 'unsigned/sig'
        New-Item -ItemType Directory -Force -Path $copy | Out-Null
        Copy-Item -LiteralPath $signed.FullName, $signed.ChecksumPath, $signed.ManifestPath -Destination $copy
        (Test-B1BackupChecksum -Path (Join-Path $copy $signed.Name) -SigningKeyPath $keyFile).Reason | Should -Be 'SignatureMissing'
    }

    It 'reveal a tampered file whose .sha256 was rewritten to match, and restore refuses it' {
        $folder = Join-Path $TestDrive 'tampered/sig'
        New-Item -ItemType Directory -Force -Path $folder | Out-Null
        Copy-Item -LiteralPath $signed.FullName, $signed.ManifestPath, ($signed.FullName + '.sig') -Destination $folder
        $copy = Join-Path $folder $signed.Name
        # The attacker appends a statement and makes the checksum file agree.
        & bash -c 'printf "GRANT ALL ON *.* TO attacker;\n" | gzip >> "$0" && cd "$(dirname "$0")" && sha256sum "$(basename "$0")" > "$(basename "$0").sha256"' $copy
        # The checksum alone cannot tell: that is what the signature is for.
        (Test-B1BackupChecksum -Path $copy).Reason | Should -Be 'OK'
        (Test-B1BackupChecksum -Path $copy -SigningKeyPath $keyFile).Reason | Should -Be 'SignatureMismatch'
        $err = $null
        try { Restore-B1Database -ConnectionString $secretUrl -Path $copy -SigningKeyPath $keyFile -TargetDatabase "$($database)_tampered" -Confirm:$false -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Match '^ChecksumFailed'
    }

    It 'refuse a key shorter than 16 bytes' {
        { Backup-B1Database -ConnectionString $secretUrl -Path $root -Environment short -SigningKey (ConvertTo-SecureString 'short' -AsPlainText -Force) -ErrorAction Stop } | Should -Throw -ExpectedMessage '*at least 16*'
    }
}

Describe 'A restore stays inside its target database' {
    BeforeAll {
        $script:victim = New-TestDatabase -Prefix b1victim
        Invoke-TestSql -Database $victim -Sql "CREATE TABLE secrets (v VARCHAR(20)); INSERT INTO secrets VALUES ('untouched');" | Out-Null
        $script:target = New-TestDatabase -Prefix b1guarded
        Invoke-TestSql -Database $target -Sql "CREATE TABLE marker (v VARCHAR(10)); INSERT INTO marker VALUES ('old');" | Out-Null
        function script:New-CraftedDump([string] $Name, [string] $Statement) {
            $folder = Join-Path $TestDrive "crafted/$Name"
            New-Item -ItemType Directory -Force -Path $folder | Out-Null
            $file = Join-Path $folder "backup_$($Name)_20250101_000000.sql.gz"
            $sql = "-- MySQL dump 10.19  Distrib 10.11.6-MariaDB`n-- Host: localhost    Database: shop`n/*!40101 SET NAMES utf8mb4 */;`nCREATE TABLE t (id INT PRIMARY KEY);`nINSERT INTO t VALUES (1);`n$Statement;`n-- Dump completed on 2025-01-01  0:00:00`n"
            [System.IO.File]::WriteAllText("$file.sql", $sql)
            & bash -c 'gzip -c "$0.sql" > "$0" && rm "$0.sql" && cd "$(dirname "$0")" && sha256sum "$(basename "$0")" > "$(basename "$0").sha256"' $file
            $file
        }
    }

    AfterAll {
        Remove-TestDatabase $victim
        Remove-TestDatabase $target
    }

    It 'refuses <Name> before anything runs, naming the statement' -ForEach @(
        @{ Name = 'use'; Statement = 'USE `{victim}`' }
        @{ Name = 'qualified'; Statement = 'DELETE FROM `{victim}`.`secrets`' }
        @{ Name = 'grant'; Statement = "GRANT ALL ON *.* TO 'attacker'@'%' IDENTIFIED BY 'x'" }
        @{ Name = 'createuser'; Statement = "CREATE USER 'attacker'@'%'" }
        @{ Name = 'setglobal'; Statement = 'SET GLOBAL read_only = 1' }
        @{ Name = 'loadlocal'; Statement = "LOAD DATA LOCAL INFILE '/etc/passwd' INTO TABLE t" }
        @{ Name = 'outfile'; Statement = "SELECT * FROM t INTO OUTFILE '/tmp/b1-leak'" }
        @{ Name = 'client'; Statement = '\! touch /tmp/b1-pwned' }
        @{ Name = 'createdb'; Statement = 'CREATE DATABASE b1_elsewhere' }
        @{ Name = 'delimiter'; Statement = "DELIMITER //`nSELECT 1; DROP TABLE ``{victim}``.secrets //`nDELIMITER " }
        @{ Name = 'nobackslash'; Statement = "SET sql_mode='NO_BACKSLASH_ESCAPES';`nINSERT INTO t VALUES ('x\'); DROP TABLE ``{victim}``.secrets; -- ')" }
        @{ Name = 'immediate'; Statement = "EXECUTE IMMEDIATE 'DROP TABLE ``{victim}``.secrets'" }
        @{ Name = 'ansiquotes'; Statement = "SET sql_mode='ANSI_QUOTES';`nDROP TABLE `"{victim}`".`"secrets`"" }
        @{ Name = 'droplist'; Statement = 'DROP TABLE IF EXISTS t2, `{victim}`.secrets' }
        @{ Name = 'definer'; Statement = "DELIMITER ;;`nCREATE DEFINER=``root``@``localhost`` PROCEDURE p() BEGIN GRANT ALL ON *.* TO 'attacker'@'%'; END ;;`nDELIMITER " }
    ) {
        $file = New-CraftedDump $Name ($Statement -replace '\{victim\}', $victim)
        $err = $null
        try { Restore-B1Database -Path $file -TargetDatabase $target -Confirm:$false -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Match '^StatementRefused'
        $err.Exception.Message | Should -Match 'line \d+'
        Invoke-TestSql -Database $target -Sql 'SELECT v FROM marker' | Should -Be 'old'
        Invoke-TestSql -Database $victim -Sql 'SELECT v FROM secrets' | Should -Be 'untouched'
        Test-Path /tmp/b1-pwned | Should -BeFalse
    }
}

Describe 'Encrypted backups' {
    BeforeAll {
        $script:encKey = Join-Path $TestDrive 'encryption.key'
        [System.IO.File]::WriteAllBytes($encKey, [byte[]](100..131))
        Invoke-TestSql -Database $database -Sql "CREATE TABLE IF NOT EXISTS secret_notes (id INT PRIMARY KEY, note VARCHAR(60)); REPLACE INTO secret_notes VALUES (1, 'PLAINTEXT-MARKER-b1-encryption-test');" | Out-Null
        $script:encrypted = Backup-B1Database -ConnectionString $secretUrl -Path (Join-Path $TestDrive 'enc') -Environment enc -EncryptionKeyPath $encKey
    }

    It 'hold no plaintext, end in .enc, and still list without the key' {
        $encrypted.Name | Should -Match '\.sql\.gz\.enc$'
        $bytes = [System.IO.File]::ReadAllBytes($encrypted.FullName)
        [System.Text.Encoding]::ASCII.GetString($bytes) | Should -Not -Match 'PLAINTEXT-MARKER'
        & bash -c 'gunzip -c "$0" 2>/dev/null | grep -c PLAINTEXT-MARKER' $encrypted.FullName | Should -Be '0'
        $listed = Get-B1Backup -Path (Join-Path $TestDrive 'enc')
        $listed.Name | Should -Be $encrypted.Name
        $listed.Tables | Should -BeGreaterOrEqual 2
        (Test-B1BackupChecksum -Path $encrypted.FullName).Passed | Should -BeTrue
    }

    It 'restore and verify deeply only with the key' {
        $err = $null
        try { Restore-B1Database -Path $encrypted.FullName -TargetDatabase "$($database)_enc" -ConnectionString $secretUrl -Confirm:$false -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Match '^EncryptionKeyRequired'
        $wrong = Join-Path $TestDrive 'wrong.key'
        [System.IO.File]::WriteAllBytes($wrong, [byte[]](1..32))
        $err = $null
        try { Restore-B1Database -Path $encrypted.FullName -EncryptionKeyPath $wrong -TargetDatabase "$($database)_enc" -ConnectionString $secretUrl -Confirm:$false -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Match '^EncryptionKeyWrong'
        (Test-B1BackupChecksum -Path $encrypted.FullName -Deep).Reason | Should -Be 'EncryptionKeyRequired'
        (Test-B1BackupChecksum -Path $encrypted.FullName -Deep -EncryptionKeyPath $encKey).Passed | Should -BeTrue
        $r = Restore-B1Database -Path $encrypted.FullName -EncryptionKeyPath $encKey -TargetDatabase "$($database)_enc" -ConnectionString $secretUrl -Confirm:$false
        $r.Verified | Should -BeTrue
        Invoke-TestSql -Database "$($database)_enc" -Sql 'SELECT note FROM secret_notes' | Should -Be 'PLAINTEXT-MARKER-b1-encryption-test'
        Remove-TestDatabase "$($database)_enc"
    }

    It 'reveal an altered part even when the checksum file was rewritten to match' {
        $folder = Join-Path $TestDrive 'enc-tampered/enc'
        New-Item -ItemType Directory -Force -Path $folder | Out-Null
        Copy-Item -LiteralPath $encrypted.FullName, $encrypted.ManifestPath -Destination $folder
        $copy = Join-Path $folder $encrypted.Name
        $bytes = [System.IO.File]::ReadAllBytes($copy); $bytes[[int]($bytes.Length / 2)] = $bytes[[int]($bytes.Length / 2)] -bxor 1; [System.IO.File]::WriteAllBytes($copy, $bytes)
        & bash -c 'cd "$(dirname "$0")" && sha256sum "$(basename "$0")" > "$(basename "$0").sha256"' $copy
        $manifest = Get-Content -Raw "$copy.manifest.json" | ConvertFrom-Json
        $manifest.Sha256 = ((Get-FileHash -Algorithm SHA256 $copy).Hash.ToLowerInvariant())
        $manifest | ConvertTo-Json -Depth 6 | Set-Content "$copy.manifest.json"
        (Test-B1BackupChecksum -Path $copy -Deep -EncryptionKeyPath $encKey).Reason | Should -Be 'DecryptionFailed'
    }
}
