# Restore drills prove RTO and RPO instead of assuming them.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../../B1Backup.psd1') -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:server = Get-B1TestServer
    $env:DATABASE_URL = $server.Url
    # The Sakila sample: its files create and fill the database sakila.
    Invoke-TestSql 'DROP DATABASE IF EXISTS sakila' | Out-Null
    Invoke-ClientTool -Tool mariadb -InputFile (Join-Path $PSScriptRoot '../fixtures/sakila/sakila-schema.sql') | Out-Null
    Invoke-ClientTool -Tool mariadb -InputFile (Join-Path $PSScriptRoot '../fixtures/sakila/sakila-data.sql') | Out-Null
    $script:root = Join-Path $TestDrive 'backups'
    $script:backup = Backup-B1Database -Database sakila -Path $root -Environment production
    $script:reports = Join-Path $TestDrive 'drills'
    New-Item -ItemType Directory -Path $reports | Out-Null

    # A small health endpoint, as the application behind the database would serve it.
    $script:port = & { $l = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0); $l.Start(); $p = $l.LocalEndpoint.Port; $l.Stop(); $p }
    $script:listener = [System.Net.HttpListener]::new()
    $listener.Prefixes.Add("http://127.0.0.1:$port/")
    $listener.Start()
    $script:serving = [powershell]::Create()
    $null = $serving.AddScript({
        param($listener)
        $answers = @{ '/healthz' = '{"ok":true}'; '/readyz' = '{"ok":true,"db":"up"}'; '/sick' = '{"ok":false}' }
        while ($listener.IsListening) {
            try { $context = $listener.GetContext() } catch { break }
            $body = $answers[$context.Request.Url.AbsolutePath]
            $context.Response.StatusCode = if ($body) { 200 } else { 404 }
            $bytes = [System.Text.Encoding]::UTF8.GetBytes([string]$body)
            $context.Response.ContentType = 'application/json'
            $context.Response.OutputStream.Write($bytes, 0, $bytes.Length)
            $context.Response.Close()
        }
    }).AddArgument($listener)
    $script:servingHandle = $serving.BeginInvoke()

    function script:Get-DrillDatabases { @(Invoke-TestSql "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE 'b1drill\_%'") }
}

AfterAll {
    $listener.Stop()
    $serving.Dispose()
    Remove-Item Env:DATABASE_URL -ErrorAction SilentlyContinue
    Invoke-TestSql 'DROP DATABASE IF EXISTS sakila' | Out-Null
    foreach ($db in Get-DrillDatabases) { Remove-TestDatabase $db }
}

Describe 'Invoke-B1RestoreDrill' {
    It 'drills the Sakila backup: restores, verifies, polls health, reports its RTO and drops the scratch database' {
        $r = Get-B1Backup -Path $root -Latest | Invoke-B1RestoreDrill -HealthUri "http://127.0.0.1:$port/healthz", "http://127.0.0.1:$port/readyz" -ReportPath $reports
        $r.Passed | Should -BeTrue
        $r.Tables | Should -Be 16
        $r.Rows | Should -Be 47273
        $r.ScratchDatabase | Should -Match '^b1drill_sakila_\d{14}$'
        $r.ChecksumDuration | Should -BeGreaterThan ([timespan]::Zero)
        $r.RestoreDuration | Should -BeGreaterThan ([timespan]::Zero)
        $r.VerifyDuration | Should -BeGreaterThan ([timespan]::Zero)
        $r.HealthDuration | Should -BeGreaterThan ([timespan]::Zero)
        $r.Rto | Should -Be ($r.ChecksumDuration + $r.RestoreDuration + $r.VerifyDuration + $r.HealthDuration)
        $r.RtoMet | Should -BeTrue
        $r.BackupAge | Should -BeLessThan ([timespan]::FromMinutes(10))
        ($r.Checks | Where-Object Phase -eq 'Health').Count | Should -Be 2
        ($r.Checks | Where-Object { -not $_.Passed }) | Should -BeNullOrEmpty
        Get-DrillDatabases | Should -BeNullOrEmpty
        $report = Get-ChildItem -Path $reports -Filter 'drill_sakila_*.html'
        $report.Count | Should -Be 1
        $html = Get-Content -Raw $report.FullName
        $html | Should -Match 'class="timeline"'
        $html | Should -Match 'PASSED'
        $html | Should -Match 'RTO'
        $html | Should -Match 'id="b1-drill"'
    }

    It 'adds each drill to the history chart of the reports in its folder, and writes Markdown on request' {
        Start-Sleep -Milliseconds 1100
        $r = Invoke-B1RestoreDrill -BackupRoot $root -Environment production -BackupDatabase sakila -ReportPath $reports
        $r.Passed | Should -BeTrue
        $latest = Get-ChildItem -Path $reports -Filter 'drill_sakila_*.html' | Sort-Object Name | Select-Object -Last 1
        ([regex]::Matches((Get-Content -Raw $latest.FullName), '<rect ')).Count | Should -Be 2
        Start-Sleep -Milliseconds 1100
        $md = Invoke-B1RestoreDrill -Path $backup.FullName -ReportPath (Join-Path $reports 'drill.md') -ReportFormat Markdown
        $text = Get-Content -Raw (Join-Path $reports 'drill.md')
        $text | Should -Match '\| \*\*RTO\*\* \|'
        $text | Should -Match '## History'
        # Without -HealthUri the health phase is skipped, and says so.
        $md.HealthChecked | Should -BeFalse
        $md.HealthPhase | Should -Be 'skipped'
        $text | Should -Match '\| health \| skipped \|'
        ($md | Out-String) | Should -Match 'health skipped'
        # Reports name servers and databases: private, as the backups are.
        [int](Get-Item (Join-Path $reports 'drill.md')).UnixFileMode | Should -Be ([int][System.IO.UnixFileMode]'UserRead, UserWrite')
        [int](Get-Item $latest.FullName).UnixFileMode | Should -Be ([int][System.IO.UnixFileMode]'UserRead, UserWrite')
    }

    It 'fails at the checksum phase for a damaged backup and creates no scratch database' {
        $folder = Join-Path $TestDrive 'damaged/production'
        New-Item -ItemType Directory -Force -Path $folder | Out-Null
        Copy-Item -LiteralPath $backup.FullName, $backup.ChecksumPath, $backup.ManifestPath -Destination $folder
        $copy = Join-Path $folder $backup.Name
        $bytes = [System.IO.File]::ReadAllBytes($copy); $bytes[5000] = $bytes[5000] -bxor 0x40; [System.IO.File]::WriteAllBytes($copy, $bytes)
        $errors = $null
        $r = Invoke-B1RestoreDrill -Path $copy -ErrorVariable errors -ErrorAction SilentlyContinue
        $r.Passed | Should -BeFalse
        ($r.Checks | Where-Object Phase -eq 'Checksum').Passed | Should -BeFalse
        $r.RestoreDuration | Should -Be ([timespan]::Zero)
        $errors[0].FullyQualifiedErrorId | Should -Match '^RestoreDrillFailed'
        Get-DrillDatabases | Should -BeNullOrEmpty
        # It names no scratch database it never made.
        $r.ScratchDatabase | Should -BeNullOrEmpty
    }

    It 'fails when a health endpoint does not answer healthy in time, and still cleans up' {
        $r = Invoke-B1RestoreDrill -Path $backup.FullName -HealthUri "http://127.0.0.1:$port/sick" -HealthTimeout '00:00:02' -ErrorAction SilentlyContinue
        $r.Passed | Should -BeFalse
        ($r.Checks | Where-Object Phase -eq 'Health').Message | Should -Match 'not healthy'
        Get-DrillDatabases | Should -BeNullOrEmpty
    }

    It 'keeps the scratch database with -Keep' {
        $r = Invoke-B1RestoreDrill -Path $backup.FullName -Keep
        $r.ScratchKept | Should -BeTrue
        Get-DrillDatabases | Should -Contain $r.ScratchDatabase
        Remove-TestDatabase $r.ScratchDatabase
    }

    It 'fails the RTO objective when the target is shorter than the drill' {
        $r = Invoke-B1RestoreDrill -Path $backup.FullName -RtoTarget '00:00:00.001' -ErrorAction SilentlyContinue
        $r.Passed | Should -BeFalse
        $r.RtoMet | Should -BeFalse
        ($r.Checks | Where-Object Name -eq 'RTO').Passed | Should -BeFalse
    }
}

Describe 'Test-B1Rpo' {
    It 'passes while the newest good backup is younger than -MaxAge and fails after' {
        $ok = Test-B1Rpo -Path $root -Environment production -MaxAge '01:00:00'
        $ok.Passed | Should -BeTrue
        $ok.NewestGoodBackup | Should -Be $backup.FullName
        Test-B1Rpo -Path $root -Environment production -MaxAge '01:00:00' -Quiet | Should -BeExactly $true
        Start-Sleep -Milliseconds 1500
        $late = Test-B1Rpo -Path $root -Environment production -MaxAge '00:00:01'
        $late.Passed | Should -BeFalse
        $late.Message | Should -Match 'older than the target'
        Test-B1Rpo -Path $root -Environment production -MaxAge '00:00:01' -Quiet | Should -BeExactly $false
    }

    It 'fails when no backup passes its checksum, however new' {
        $folder = Join-Path $TestDrive 'rpo/staging'
        New-Item -ItemType Directory -Force -Path $folder | Out-Null
        $name = 'backup_staging_{0:yyyyMMdd_HHmmss}.sql.gz' -f (Get-Date)
        Copy-Item -LiteralPath $backup.FullName -Destination (Join-Path $folder $name)
        Set-Content -LiteralPath (Join-Path $folder "$name.sha256") -Value ('0' * 64 + "  $name")
        $status = Test-B1Rpo -Path (Join-Path $TestDrive 'rpo')
        $status.Passed | Should -BeFalse
        $status.Message | Should -Match 'No backup'
    }

    It 'says $false to a runbook when there is no backup at all' {
        Test-B1Rpo -Path (Join-Path $TestDrive 'nothing') -Quiet | Should -BeExactly $false
    }

    It 'never reports silence as health: no folder, or nothing of what was asked, is a failing status and an error' {
        $errors = $null
        $status = Test-B1Rpo -Path (Join-Path $TestDrive 'nothing') -ErrorVariable errors -ErrorAction SilentlyContinue
        $status.Passed | Should -BeFalse
        $status.Message | Should -Match 'does not exist'
        $errors[0].FullyQualifiedErrorId | Should -Match '^RpoNotMet'
        { Test-B1Rpo -Path (Join-Path $TestDrive 'nothing') -ErrorAction Stop } | Should -Throw
        $qa = Test-B1Rpo -Path $root -Environment qa -ErrorAction SilentlyContinue
        $qa.Environment | Should -Be 'qa'
        $qa.Passed | Should -BeFalse
        @(Test-B1Rpo -Path $root -Environment production -MaxAge '30.00:00:00' -ErrorVariable none -ErrorAction SilentlyContinue).Passed | Should -Be @($true)
        $none | Should -BeNullOrEmpty
    }
}
