# Nothing lost: backups are complete or absent, restores finish or leave the target as it was.
# Real processes are killed, real servers stopped, real disks filled.

BeforeDiscovery {
    # Filling a disk and making a folder read-only need mount, which needs root.
    $script:isRoot = $IsLinux -and ((& id -u) -eq '0')
}

BeforeAll {
    $script:modulePath = (Resolve-Path (Join-Path $PSScriptRoot '../../B1Backup.psd1')).Path
    Import-Module $modulePath -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../TestServer.psm1') -Force
    $script:server = Get-B1TestServer
    $env:DATABASE_URL = $server.Url
    $script:repository = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path

    # About 45 MB of SQL: long enough to be interrupted on purpose.
    $script:bigDatabase = New-TestDatabase -Prefix b1big
    Invoke-TestSql -Database $bigDatabase -Sql 'CREATE TABLE big (id INT PRIMARY KEY, pad VARCHAR(300)); INSERT INTO big SELECT seq, REPEAT(MD5(seq), 9) FROM seq_1_to_150000;' | Out-Null
    $script:tinyDatabase = New-TestDatabase -Prefix b1tiny
    Invoke-TestSql -Database $tinyDatabase -Sql 'CREATE TABLE t (id INT PRIMARY KEY); INSERT INTO t VALUES (1), (2);' | Out-Null

    function script:Wait-Until([scriptblock] $Condition, [int] $Seconds = 60) {
        $deadline = [DateTime]::UtcNow.AddSeconds($Seconds)
        while (-not (& $Condition)) {
            if ([DateTime]::UtcNow -gt $deadline) { throw "Timed out waiting for: $Condition" }
            Start-Sleep -Milliseconds 10
        }
    }

    function script:Start-InRunspace([string] $Script, [hashtable] $Variables) {
        $ps = [powershell]::Create()
        $null = $ps.AddScript("Import-Module '$modulePath'`n" + $Script)
        foreach ($name in $Variables.Keys) { $ps.Runspace.SessionStateProxy.SetVariable($name, $Variables[$name]) }
        [pscustomobject]@{ PowerShell = $ps; Handle = $ps.BeginInvoke() }
    }
}

AfterAll {
    Remove-Item Env:DATABASE_URL -ErrorAction SilentlyContinue
    Remove-TestDatabase $bigDatabase
    Remove-TestDatabase $tinyDatabase
}

Describe 'Backup faults' {
    It 'a backup process killed at any moment leaves no incomplete file under a final name' {
        $root = Join-Path $TestDrive 'killed'
        $folder = Join-Path $root 'staging'
        $child = Join-Path $TestDrive 'backup-child.ps1'
        Set-Content -Path $child -Value "Import-Module '$modulePath'; Backup-B1Database -Path '$root' -Database '$bigDatabase' -Environment staging -Parallel 1"
        $startInfo = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
        foreach ($a in @('pwsh', '-NoProfile', '-NonInteractive', '-File', $child)) { $startInfo.ArgumentList.Add($a) }
        $startInfo.WorkingDirectory = $repository
        $startInfo.UseShellExecute = $false
        $startInfo.RedirectStandardOutput = $true
        $process = [System.Diagnostics.Process]::Start($startInfo)
        try {
            Wait-Until { @(Get-ChildItem -Path $folder -Filter 'backup_*' -ErrorAction SilentlyContinue).Count -gt 0 }
        } finally {
            $process.Kill($true)
            $process.WaitForExit()
        }

        # A kill mid-write: the partial file is not a backup, and nothing carries a final name.
        @(Get-ChildItem -Path $folder -Filter '*.sql.gz').Count | Should -Be 0
        @(Get-B1Backup -Path $root).Count | Should -Be 0
        $leftovers = @(Get-B1Backup -Path $root -Partial)
        $leftovers.Count | Should -Be 1
        $leftovers[0].Name | Should -Match '^backup_staging_\d{8}_\d{6}\.sql\.gz\.partial-'
        Get-B1Backup -Path $root -Partial | Remove-Item
        @(Get-ChildItem -Path $folder).Count | Should -Be 0
    }

    It 'a full disk stops the backup with a clear error, removes the partial file and keeps older backups' -Skip:(-not $isRoot) {
        $root = Join-Path $TestDrive 'full'
        New-Item -ItemType Directory -Path $root | Out-Null
        & mount -t tmpfs -o size=1m tmpfs $root
        try {
            $older = Backup-B1Database -Path $root -Database $tinyDatabase -Environment staging
            Start-Sleep -Milliseconds 1100
            $err = $null
            try { Backup-B1Database -Path $root -Database $bigDatabase -Environment staging -ErrorAction Stop } catch { $err = $_ }
            $err.FullyQualifiedErrorId | Should -Match '^BackupWriteFailed'
            $err.Exception.Message | Should -Match 'full disk'
            $err.Exception.Message | Should -Match 'partial file was removed'
            @(Get-ChildItem -Path (Join-Path $root 'staging') -Filter '*.partial-*').Count | Should -Be 0
            @(Get-B1Backup -Path $root).Count | Should -Be 1
            (Test-B1BackupChecksum -Path $older.FullName -Deep).Passed | Should -BeTrue
        } finally {
            & umount $root
        }
    }

    It 'a read-only folder is reported before the database is even contacted' -Skip:(-not $isRoot) {
        $root = Join-Path $TestDrive 'readonly'
        New-Item -ItemType Directory -Path $root | Out-Null
        & mount -t tmpfs -o size=1m,ro tmpfs $root
        try {
            $err = $null
            # The server named here does not exist: the error must still be about the folder.
            try { Backup-B1Database -Path $root -ConnectionString 'mysql://u:p@192.0.2.1:3306/none' -Environment staging -ErrorAction Stop } catch { $err = $_ }
            $err.FullyQualifiedErrorId | Should -Match '^BackupFolderNotWritable'
            $err.CategoryInfo.Category | Should -Be 'PermissionDenied'
            $err.Exception.Message | Should -Match 'Nothing was read from the database'
        } finally {
            & umount $root
        }
    }
}

Describe 'Faults of the server itself' {
    BeforeAll {
        # A server of its own, so that crashing it does not disturb the other tests.
        $script:own = Start-B1TestServer -SkipTimeZones
        Invoke-B1TestServerSql $own @'
CREATE DATABASE src;
USE src;
CREATE TABLE src.big (id INT PRIMARY KEY, pad VARCHAR(300));
INSERT INTO src.big SELECT seq, REPEAT(MD5(seq), 9) FROM seq_1_to_150000;
CREATE TABLE src.small (id INT PRIMARY KEY);
INSERT INTO src.small VALUES (1);
CREATE DATABASE target;
CREATE TABLE target.marker (v VARCHAR(10));
INSERT INTO target.marker VALUES ('old');
'@ | Out-Null
        $script:ownUrl = $own.Url
        $script:ownRoot = Join-Path $TestDrive 'own'
        $script:ownBackup = Backup-B1Database -ConnectionString $ownUrl -Database src -Path $ownRoot -Environment staging
        function script:Get-OwnSql([string] $Sql) { Invoke-B1TestServerSql $own "$Sql" }
    }

    AfterAll {
        Stop-B1TestServer $own
    }

    It 'a server that dies mid-dump ends the backup with an error and no file' {
        $job = Start-InRunspace -Script 'Backup-B1Database -ConnectionString $url -Database src -Path $root -Environment crash -ErrorAction Stop' -Variables @{ url = $ownUrl; root = $ownRoot }
        try {
            Wait-Until { @(Get-ChildItem -Path (Join-Path $ownRoot 'crash') -Filter '*.partial-*' -ErrorAction SilentlyContinue).Count -gt 0 }
            Stop-B1TestServerProcess -Server $own -Crash
            $err = $null
            try { $job.PowerShell.EndInvoke($job.Handle) } catch { $err = $_ }
            "$err $($job.PowerShell.Streams.Error)" | Should -Match 'failed during the backup'
            @(Get-ChildItem -Path (Join-Path $ownRoot 'crash')).Count | Should -Be 0
        } finally {
            $job.PowerShell.Dispose()
            Restart-B1TestServer -Server $own
        }
        (Test-B1BackupChecksum -Path $ownBackup.FullName -Deep).Passed | Should -BeTrue
    }

    It 'a server crash mid-restore leaves the target whole, and the next restore cleans up' {
        $job = Start-InRunspace -Script 'Restore-B1Database -ConnectionString $url -Path $path -TargetDatabase target -Confirm:$false -ErrorAction Stop' -Variables @{ url = $ownUrl; path = $ownBackup.FullName }
        try {
            Wait-Until { "$(Get-OwnSql "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA LIKE 'target\_\_b1new%' AND TABLE_NAME = 'big'")" -match '\b1$' }
            Start-Sleep -Milliseconds 300
            Stop-B1TestServerProcess -Server $own -Crash
            try { $job.PowerShell.EndInvoke($job.Handle) } catch { <# the restore fails with its server; what it left behind is checked below #> }
        } finally {
            $job.PowerShell.Dispose()
            Restart-B1TestServer -Server $own
        }
        "$(Get-OwnSql 'SELECT v FROM target.marker')" | Should -Match 'old'
        "$(Get-OwnSql "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'target'")" | Should -Match '\b1\b'
        $restored = Restore-B1Database -ConnectionString $ownUrl -Path $ownBackup.FullName -TargetDatabase target -Confirm:$false
        $restored.Verified | Should -BeTrue
        "$(Get-OwnSql "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE 'target\_\_b1%'")" | Should -Match '\b0\b'
        "$(Get-OwnSql 'SELECT COUNT(*) FROM target.big')" | Should -Match '150000'
    }

    It 'Ctrl+C mid-restore leaves the target as it was' {
        Get-OwnSql "DROP DATABASE IF EXISTS target2; CREATE DATABASE target2; CREATE TABLE target2.marker (v VARCHAR(10)); INSERT INTO target2.marker VALUES ('old');" | Out-Null
        $job = Start-InRunspace -Script 'Restore-B1Database -ConnectionString $url -Path $path -TargetDatabase target2 -Confirm:$false' -Variables @{ url = $ownUrl; path = $ownBackup.FullName }
        try {
            Wait-Until { "$(Get-OwnSql "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA LIKE 'target2\_\_b1new%' AND TABLE_NAME = 'big'")" -match '\b1$' }
            $job.PowerShell.Stop()
        } finally {
            $job.PowerShell.Dispose()
        }
        "$(Get-OwnSql 'SELECT v FROM target2.marker')" | Should -Match 'old'
        Wait-Until { "$(Get-OwnSql "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE 'target2\_\_b1%'")" -match '\b0\b' } -Seconds 20
    }

    It 'Ctrl+C mid-backup stops it at once: no backup, no partial file' {
        $root = Join-Path $TestDrive 'stopped'
        $job = Start-InRunspace -Script 'Backup-B1Database -Path $root -Database $db -Environment stopped -Parallel 1' -Variables @{ root = $root; db = $bigDatabase }
        try {
            Wait-Until { @(Get-ChildItem -Path (Join-Path $root 'stopped') -Filter '*.partial-*' -ErrorAction SilentlyContinue).Count -gt 0 }
            # Stop() returns once the cmdlet has ended: a backup that did not hear it would finish first and leave a file.
            $job.PowerShell.Stop()
            $job.PowerShell.InvocationStateInfo.State | Should -Be 'Stopped'
        } finally {
            $job.PowerShell.Dispose()
        }
        @(Get-ChildItem -Path (Join-Path $root 'stopped')).Name | Should -BeNullOrEmpty
    }
}

Describe 'Ctrl+C while the server does not answer' {
    BeforeAll {
        # Accepts TCP connections and never sends the server's greeting: a host that hangs.
        $script:silent = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $silent.Start()
        $script:silentUrl = "mysql://b1:secret@127.0.0.1:$($silent.LocalEndpoint.Port)/$tinyDatabase`?connect-timeout=120&ssl-mode=DISABLED"
        $script:tinyBackup = Backup-B1Database -Path (Join-Path $TestDrive 'silent') -Database $tinyDatabase -Environment silent
    }

    AfterAll {
        $silent.Stop()
    }

    It '<Name> stops at once, not after the 120 s connect timeout' -ForEach @(
        @{ Name = 'Test-B1DatabaseAccess'; Script = 'Test-B1DatabaseAccess -ConnectionString $url' }
        @{ Name = 'Backup-B1Database'; Script = 'Backup-B1Database -ConnectionString $url -Path $root -Environment silent' }
        @{ Name = 'Restore-B1Database'; Script = 'Restore-B1Database -ConnectionString $url -Path $path -TargetDatabase silent_target -Confirm:$false' }
    ) {
        while ($silent.Pending()) { $silent.AcceptTcpClient().Dispose() }
        $job = Start-InRunspace -Script $Script -Variables @{ url = $silentUrl; root = (Join-Path $TestDrive 'silent-out'); path = $tinyBackup.FullName }
        try {
            Wait-Until { $silent.Pending() }
            # A connection attempt that did not hear Ctrl+C would hold Stop for the whole connect timeout.
            $stop = $job.PowerShell.BeginStop($null, $null)
            $stop.AsyncWaitHandle.WaitOne([TimeSpan]::FromSeconds(60)) | Should -BeTrue
            $job.PowerShell.InvocationStateInfo.State | Should -Be 'Stopped'
        } finally {
            $job.PowerShell.Dispose()
        }
        @(Get-ChildItem -Path (Join-Path $TestDrive 'silent-out') -Recurse -File -ErrorAction SilentlyContinue) | Should -BeNullOrEmpty
    }
}

Describe 'Test-B1BackupChecksum -Deep' {
    BeforeAll {
        $script:deepRoot = Join-Path $TestDrive 'deep'
        $script:good = Backup-B1Database -Path $deepRoot -Database $tinyDatabase -Environment deep
        function script:Copy-Backup([string] $Name) {
            $folder = Join-Path $deepRoot $Name
            New-Item -ItemType Directory -Force -Path $folder | Out-Null
            $copy = Join-Path $folder ("backup_{0}_20250101_000000.sql.gz" -f $Name)
            Copy-Item -LiteralPath $good.FullName -Destination $copy
            Copy-Item -LiteralPath ($good.FullName + '.manifest.json') -Destination ($copy + '.manifest.json')
            Set-Content -LiteralPath ($copy + '.sha256') -Value ((Get-Content -LiteralPath $good.ChecksumPath) -replace [regex]::Escape($good.Name), (Split-Path $copy -Leaf)) -NoNewline
            $copy
        }
        function script:Update-Checksum([string] $Path) {
            & bash -c 'cd "$(dirname "$0")" && sha256sum "$(basename "$0")" > "$(basename "$0").sha256"' $Path
        }
    }

    It 'passes an intact backup and says what it checked' {
        $r = Test-B1BackupChecksum -Path $good.FullName -Deep
        $r.Passed | Should -BeTrue
        $r.Deep | Should -BeTrue
        $r.Message | Should -Match 'end marker'
    }

    It 'finds a file cut at a gzip member boundary, which is still valid gzip' {
        $copy = Copy-Backup cut
        # Two independently compressed members, as parallel compressors write; keep only the first.
        & bash -c 'gunzip -c "$0" > "$0.sql" && n=$(wc -l < "$0.sql") && head -n $((n/2)) "$0.sql" | gzip > "$0" && rm "$0.sql"' $copy
        Remove-Item -LiteralPath ($copy + '.manifest.json')
        Update-Checksum $copy
        (Test-B1BackupChecksum -Path $copy).Passed | Should -BeTrue
        $r = Test-B1BackupChecksum -Path $copy -Deep
        $r.Passed | Should -BeFalse
        $r.Reason | Should -Be 'MissingEndMarker'
    }

    It 'finds junk appended to the file' {
        $copy = Copy-Backup junk
        [System.IO.File]::AppendAllText($copy, 'junk after the end')
        (Test-B1BackupChecksum -Path $copy -Deep).Reason | Should -Be 'TrailingData'
        (Test-B1BackupChecksum -Path $copy).Reason | Should -Be 'TrailingData'
    }

    It 'finds a zero-length file' {
        $copy = Copy-Backup empty
        Set-Content -LiteralPath $copy -Value $null -NoNewline
        (Test-B1BackupChecksum -Path $copy -Deep).Reason | Should -Be 'EmptyFile'
    }

    It 'finds a sidecar that names another file' {
        $copy = Copy-Backup other
        Set-Content -LiteralPath ($copy + '.sha256') -Value (Get-Content -LiteralPath $good.ChecksumPath) -NoNewline
        (Test-B1BackupChecksum -Path $copy -Deep).Reason | Should -Be 'ChecksumFileNamesOtherFile'
    }

    It 'finds damaged compressed data even when the checksum was made after the damage' {
        $copy = Copy-Backup corrupt
        $bytes = [System.IO.File]::ReadAllBytes($copy); $bytes[[int]($bytes.Length / 2)] = $bytes[[int]($bytes.Length / 2)] -bxor 0xFF; [System.IO.File]::WriteAllBytes($copy, $bytes)
        Remove-Item -LiteralPath ($copy + '.manifest.json')
        Update-Checksum $copy
        (Test-B1BackupChecksum -Path $copy -Deep).Reason | Should -Be 'CorruptCompression'
    }

    It 'finds a manifest that does not match the content' {
        $copy = Copy-Backup manifest
        $manifest = Get-Content -Raw -LiteralPath ($copy + '.manifest.json') | ConvertFrom-Json
        $manifest.Tables[0].Rows = 99
        $manifest | ConvertTo-Json -Depth 5 | Set-Content -LiteralPath ($copy + '.manifest.json')
        (Test-B1BackupChecksum -Path $copy -Deep).Reason | Should -Be 'ManifestMismatch'
    }
}

Describe 'Remove-B1Backup' {
    BeforeEach {
        $script:retentionRoot = Join-Path $TestDrive ([guid]::NewGuid().ToString('n'))
        $folder = Join-Path $retentionRoot 'staging'
        New-Item -ItemType Directory -Force -Path $folder | Out-Null
        $source = Backup-B1Database -Path (Join-Path $TestDrive 'seed') -Database $tinyDatabase -Environment seed
        $script:aged = foreach ($days in 10, 9, 1) {
            $name = 'backup_staging_{0:yyyyMMdd_HHmmss}.sql.gz' -f (Get-Date).AddDays(-$days)
            $path = Join-Path $folder $name
            # Copies without manifests, like the old script's backups: their age comes from their names.
            Copy-Item -LiteralPath $source.FullName -Destination $path
            Set-Content -LiteralPath ($path + '.sha256') -Value "$($source.Sha256)  $name`n" -NoNewline
            $path
        }
        Remove-Item -Recurse -Force (Join-Path $TestDrive 'seed')
        # The newest backup is damaged: the one from 9 days ago is the last good copy.
        $bytes = [System.IO.File]::ReadAllBytes($aged[2]); $bytes[100] = $bytes[100] -bxor 1; [System.IO.File]::WriteAllBytes($aged[2], $bytes)
    }

    It 'a retention one-liner never deletes the last good copy, even when every recent backup failed, and never aborts a runbook' {
        $warnings = $null
        # As a runbook runs it: any error would stop the pipeline before the older backups go.
        $ErrorActionPreference = 'Stop'
        try {
            Get-B1Backup -Path $retentionRoot | Where-Object Age -gt (New-TimeSpan -Days 7) | Sort-Object Timestamp -Descending | Remove-B1Backup -WarningVariable warnings -WarningAction SilentlyContinue
        } finally { $ErrorActionPreference = 'Continue' }
        Test-Path -LiteralPath $aged[0] | Should -BeFalse
        Test-Path -LiteralPath ($aged[0] + '.sha256') | Should -BeFalse
        Test-Path -LiteralPath ($aged[0] + '.manifest.json') | Should -BeFalse
        Test-Path -LiteralPath $aged[1] | Should -BeTrue
        @($warnings).Count | Should -Be 1
        "$($warnings[0])" | Should -Match 'kept.*-Force'
    }

    It 'deletes the last good copy only with -Force, and a damaged newer one freely' {
        Remove-B1Backup -Path $aged[2] -Confirm:$false
        Test-Path -LiteralPath $aged[2] | Should -BeFalse
        Remove-B1Backup -Path $aged[1] -Force -Confirm:$false -PassThru | ForEach-Object FullName | Should -Be $aged[1]
        Test-Path -LiteralPath $aged[1] | Should -BeFalse
    }

    It '-WhatIf deletes nothing' {
        Get-B1Backup -Path $retentionRoot | Remove-B1Backup -WhatIf -Force
        @(Get-ChildItem -Path (Join-Path $retentionRoot 'staging')).Count | Should -Be 6
    }
}
