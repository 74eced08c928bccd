BeforeAll {
    $script:modulePath = (Resolve-Path (Join-Path $PSScriptRoot '../../B1Backup.psd1')).Path
    Import-Module $modulePath -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:savedCrontab = & bash -c 'crontab -l 2>/dev/null'
    $script:name = 'B1Backup-test-' + [guid]::NewGuid().ToString('n').Substring(0, 6)
}

AfterAll {
    $restore = (@($savedCrontab) -join "`n")
    if ($restore) { $restore + "`n" | & crontab - } else { & bash -c 'crontab -r 2>/dev/null' }
}

Describe 'Register-B1BackupSchedule on Linux' -Skip:(-not $IsLinux) {
    It '-WhatIf shows the crontab line and changes nothing' {
        $before = & bash -c 'crontab -l 2>/dev/null'
        # What if: goes to the host, so ask a pwsh of its own.
        $script = "Import-Module '$modulePath'; Register-B1BackupSchedule -Name $name -Environment staging -Path /tmp/b1-whatif -At 03:15 -EnvironmentFile /etc/b1.env -WhatIf"
        $out = & bash -c 'cd "$1" && dotnet pwsh -NoProfile -NonInteractive -Command "$0"' $script (Split-Path $modulePath) | Out-String
        $out | Should -Match '15 3 \* \* \* /bin/bash -c'
        $out | Should -Match 'keeps 7 days'
        & bash -c 'crontab -l 2>/dev/null' | Should -Be $before
    }

    It 'adds one crontab line, replaces it when registered again, and keeps other lines' {
        "7 7 * * * /bin/true # someone else's job`n" | & crontab -
        $plan = Register-B1BackupSchedule -Name $name -Environment staging -Path (Join-Path $TestDrive 'b') -At '03:15' -EnvironmentFile /etc/b1.env
        $plan.CronLine | Should -Match "# B1Backup schedule: $name$"
        $lines = @(& crontab -l)
        $lines | Should -Contain $plan.CronLine
        $lines | Should -Contain "7 7 * * * /bin/true # someone else's job"
        $again = Register-B1BackupSchedule -Name $name -Environment staging -Path (Join-Path $TestDrive 'b') -At '04:00' -EnvironmentFile /etc/b1.env
        $lines = @(& crontab -l)
        @($lines | Where-Object { $_ -like "*# B1Backup schedule: $name" }).Count | Should -Be 1
        $lines | Should -Contain $again.CronLine
        $again.CronLine | Should -Match '^0 4 '
    }

    It 'runs a command that backs up and applies retention' {
        $database = New-TestDatabase -Prefix b1sched
        try {
            Invoke-TestSql -Database $database -Sql 'CREATE TABLE t (id INT PRIMARY KEY); INSERT INTO t VALUES (1);' | Out-Null
            $root = Join-Path $TestDrive 'scheduled'
            # An expired backup the retention must remove, and the environment file the job sources.
            New-Item -ItemType Directory -Force -Path (Join-Path $root 'staging') | Out-Null
            $old = Join-Path $root ('staging/backup_staging_{0:yyyyMMdd_HHmmss}.sql.gz' -f (Get-Date).AddDays(-30))
            Set-Content -Path $old -Value 'old'
            $envFile = Join-Path $TestDrive 'b1.env'
            Set-Content -Path $envFile -Value "DATABASE_URL='$((Get-B1TestServer).Url -replace '/\?', "/$($database)?")'"
            & chmod 600 $envFile
            $plan = Register-B1BackupSchedule -Name $name -Environment staging -Path $root -EnvironmentFile $envFile -WhatIf:$false -Confirm:$false
            # What cron would run, with the module found by path instead of by name.
            $command = $plan.PowerShellCommand -replace 'Import-Module B1Backup', "Import-Module '$modulePath'"
            $repository = Split-Path $modulePath
            & bash -c 'set -a; . "$1"; set +a; cd "$2" && dotnet pwsh -NoProfile -NonInteractive -Command "$0"' $command $envFile $repository
            $LASTEXITCODE | Should -Be 0
            $backups = @(Get-B1Backup -Path $root -Environment staging)
            $backups.Count | Should -Be 1
            $backups[0].Database | Should -Be $database
            Test-Path $old | Should -BeFalse
        } finally {
            Remove-TestDatabase $database
        }
    }
}
