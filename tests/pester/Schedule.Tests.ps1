BeforeAll {
    $script:modulePath = (Resolve-Path (Join-Path $PSScriptRoot '../../B1Backup.psd1')).Path
    Import-Module $modulePath -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:savedCrontab = & bash -c 'crontab -l 2>/dev/null'
    $script:savedHome = $env:B1BACKUP_HOME
    # Definitions and logs of these tests stay in the test drive.
    $env:B1BACKUP_HOME = Join-Path $TestDrive 'b1home'
    $script:name = 'B1Backup-test-' + [guid]::NewGuid().ToString('n').Substring(0, 6)
    $script:server = Get-B1TestServer

    function New-EnvironmentFile([string] $Path, [string] $Url, [string] $Mode = '600') {
        Set-Content -Path $Path -Value "DATABASE_URL='$Url'"
        & chmod $Mode $Path
        $Path
    }

    # What cron runs for a crontab line: the command after the five time fields, % unescaped, in cron's environment.
    function Invoke-AsCron([string] $CronLine) {
        $command = ($CronLine -replace '^(\S+\s+){5}', '') -replace ' # B1Backup schedule: .*$', '' -replace '\\%', '%'
        & env -i "HOME=$HOME" 'LOGNAME=root' 'SHELL=/bin/sh' 'PATH=/usr/bin:/bin' /bin/sh -c $command 2>&1 | Out-String
    }
}

AfterAll {
    $restore = (@($savedCrontab) -join "`n")
    if ($restore) { $restore + "`n" | & crontab - } else { & bash -c 'crontab -r 2>/dev/null' }
    $env:B1BACKUP_HOME = $savedHome
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
        Test-Path (Join-Path $env:B1BACKUP_HOME "schedules/$name.json") | Should -BeFalse
    }

    It 'refuses, registering nothing, when <Case>' -ForEach @(
        @{ Case = 'cron would have no DATABASE_URL'; Id = 'EnvironmentFileRequired'; File = $null }
        @{ Case = 'the environment file does not exist'; Id = 'EnvironmentFileMissing'; File = '/nonexistent/b1.env' }
        @{ Case = 'others can read the environment file'; Id = 'EnvironmentFileNotPrivate'; File = 'world' }
        @{ Case = 'the dry run cannot connect (wrong password)'; Id = 'ScheduleDryRunFailed'; File = 'wrongpassword' }
        @{ Case = 'the dry run finds no such database'; Id = 'ScheduleDryRunFailed'; File = 'nodatabase' }
    ) {
        "7 7 * * * /bin/true # someone else's job`n" | & crontab -
        $arguments = @{ Name = $name; Environment = 'staging'; Path = (Join-Path $TestDrive 'refused'); Confirm = $false }
        switch ($File) {
            'world' { $arguments.EnvironmentFile = New-EnvironmentFile (Join-Path $TestDrive 'world.env') $server.Url '644' }
            'wrongpassword' { $arguments.EnvironmentFile = New-EnvironmentFile (Join-Path $TestDrive 'wrong.env') ($server.Url -replace [regex]::Escape([uri]::EscapeDataString($server.Password)), 'nope') }
            'nodatabase' { $arguments.EnvironmentFile = New-EnvironmentFile (Join-Path $TestDrive 'nodb.env') ($server.Url -replace '/\?', '/b1_no_such_database?') }
            default { if ($File) { $arguments.EnvironmentFile = $File } }
        }
        $err = $null
        try { Register-B1BackupSchedule @arguments -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Match "^$Id"
        $err.Exception.Message | Should -Not -Match ([regex]::Escape($server.Password))
        @(& crontab -l | Where-Object { $_ }) | Should -Be @("7 7 * * * /bin/true # someone else's job")
        Test-Path (Join-Path $env:B1BACKUP_HOME "schedules/$name.json") | Should -BeFalse
    }

    Context 'a registered schedule' {
        BeforeAll {
            $script:database = New-TestDatabase -Prefix b1sched
            Invoke-TestSql -Database $database -Sql 'CREATE TABLE t (id INT PRIMARY KEY); INSERT INTO t VALUES (1);' | Out-Null
            $script:root = Join-Path $TestDrive 'scheduled'
            # An expired backup the retention must remove.
            New-Item -ItemType Directory -Force -Path (Join-Path $root 'staging') | Out-Null
            $script:old = Join-Path $root ('staging/backup_staging_{0:yyyyMMdd_HHmmss}.sql.gz' -f (Get-Date).AddDays(-30))
            Set-Content -Path $old -Value 'old'
            $script:envFile = New-EnvironmentFile (Join-Path $TestDrive 'b1.env') ($server.Url -replace '/\?', "/$($database)?")
            $script:notified = Join-Path $TestDrive 'notified.txt'
            "7 7 * * * /bin/true # someone else's job`n" | & crontab -
            $script:plan = Register-B1BackupSchedule -Name $name -Environment staging -Path $root -EnvironmentFile $envFile -DrillEveryDays 7 `
                -NotifyCommand "printf '%s|%s' `"`$B1BACKUP_SCHEDULE`" `"`$B1BACKUP_ERROR`" > '$notified'" -Confirm:$false
        }

        AfterAll {
            Remove-TestDatabase $database
        }

        It 'adds one crontab line beside the others, and registering again replaces it' {
            $plan.CronLine | Should -Match "# B1Backup schedule: $name$"
            $lines = @(& crontab -l)
            $lines | Should -Contain $plan.CronLine
            $lines | Should -Contain "7 7 * * * /bin/true # someone else's job"
            $again = Register-B1BackupSchedule -Name $name -Environment staging -Path $root -At '04:00' -EnvironmentFile $envFile -DrillEveryDays 7 `
                -NotifyCommand "printf '%s|%s' `"`$B1BACKUP_SCHEDULE`" `"`$B1BACKUP_ERROR`" > '$notified'" -Confirm:$false
            $lines = @(& crontab -l)
            @($lines | Where-Object { $_ -like "*# B1Backup schedule: $name" }).Count | Should -Be 1
            $again.CronLine | Should -Match '^0 4 '
            $script:plan = $again
        }

        It 'is listed before its first run, registered, with no result yet' {
            $schedule = Get-B1BackupSchedule -Name $name
            $schedule.Registered | Should -BeTrue
            $schedule.LastResult | Should -BeNullOrEmpty
            $schedule.Environment | Should -Be 'staging'
            $schedule.RetentionDays | Should -Be 7
            [int](Get-Item $schedule.DefinitionPath).UnixFileMode | Should -Be ([int][System.IO.UnixFileMode]'UserRead, UserWrite')
        }

        It 'runs from cron''s own environment: backs up, applies retention, drills, logs one line and exits 0' {
            $said = Invoke-AsCron $plan.CronLine
            $LASTEXITCODE | Should -Be 0 -Because $said
            # Quiet on success, so cron mails only failures.
            $said.Trim() | Should -BeNullOrEmpty
            $backups = @(Get-B1Backup -Path $root -Environment staging)
            $backups.Count | Should -Be 1
            $backups[0].Database | Should -Be $database
            Test-Path $old | Should -BeFalse
            $schedule = Get-B1BackupSchedule -Name $name
            $schedule.LastResult | Should -Be 'OK'
            $schedule.LastMessage | Should -Match ([regex]::Escape("$database $($backups[0].Name)"))
            $schedule.LastMessage | Should -Match 'removed 1'
            $schedule.LastMessage | Should -Match 'drill passed'
            @(Get-Content $schedule.LogPath).Count | Should -Be 1
        }

        It 'on a failure logs the whole error, runs the notify command and exits non-zero, leaking no password' {
            $good = Get-Content -Raw $envFile
            try {
                $wrong = ($server.Url -replace '/\?', "/$($database)?") -replace [regex]::Escape([uri]::EscapeDataString($server.Password)), 'not-the-password'
                New-EnvironmentFile $envFile $wrong | Out-Null
                $said = Invoke-AsCron $plan.CronLine
                $LASTEXITCODE | Should -Not -Be 0
                $said | Should -Match 'AccessDenied' -Because $said
                $schedule = Get-B1BackupSchedule -Name $name
                $schedule.LastResult | Should -Be 'FAILED'
                $schedule.LastMessage | Should -Match 'AccessDenied'
                Get-Content -Raw $notified | Should -Match "^$name\|AccessDenied"
                foreach ($text in @($said, (Get-Content -Raw $schedule.LogPath), (Get-Content -Raw $notified))) {
                    $text | Should -Not -Match ([regex]::Escape($server.Password))
                    $text | Should -Not -Match 'not-the-password'
                }
            } finally {
                Set-Content -Path $envFile -Value $good.TrimEnd()
                & chmod 600 $envFile
            }
        }

        It 'can be run by hand from its object' {
            $outcome = Get-B1BackupSchedule -Name $name | Invoke-B1BackupJob
            $outcome.Succeeded | Should -BeTrue
            $outcome.Backups[0].Verified | Should -BeTrue
        }

        It 'unregisters: its line goes, other lines and its log stay' {
            $schedule = Get-B1BackupSchedule -Name $name
            $schedule | Unregister-B1BackupSchedule -Confirm:$false
            @(& crontab -l | Where-Object { $_ }) | Should -Be @("7 7 * * * /bin/true # someone else's job")
            Get-B1BackupSchedule -Name $name | Should -BeNullOrEmpty
            Test-Path $schedule.LogPath | Should -BeTrue
            { Unregister-B1BackupSchedule -Name $name -ErrorAction Stop } | Should -Throw -ErrorId 'ScheduleNotFound*'
        }
    }
}

Describe 'A schedule that writes straight to Azure Blob Storage' -Skip:(-not $IsLinux) {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot '../TestStorage.psm1') -Force
        $script:azurite = Start-B1TestAzurite
        $script:storeName = 'B1Backup-store-' + [guid]::NewGuid().ToString('n').Substring(0, 6)
        $script:storeDatabase = New-TestDatabase
        Invoke-TestSql -Database $storeDatabase -Sql 'CREATE TABLE t (id INT PRIMARY KEY); INSERT INTO t VALUES (1), (2), (3);' | Out-Null
        $script:location = "$($azurite.Endpoint)/sched$([guid]::NewGuid().ToString('n').Substring(0, 8))/backups"
        # An expired backup in the store, which the job's retention must remove.
        $old = New-LegacyBackup -Root (Join-Path $TestDrive 'old') -Environment production -Database $storeDatabase -Timestamp (Get-Date).AddDays(-40)
        $script:expired = Copy-B1Backup -Path $old.FullName -Destination $location -StorageConnectionString $azurite.ConnectionString
        # The job's credentials come from its environment file, as cron would give them.
        $script:storeEnvFile = Join-Path $TestDrive 'store.env'
        Set-Content -Path $storeEnvFile -Value @(
            "DATABASE_URL='$($server.Url -replace '/\?', "/$($storeDatabase)?")'"
            "AZURE_STORAGE_CONNECTION_STRING='$($azurite.ConnectionString)'"
        )
        & chmod 600 $storeEnvFile
    }

    AfterAll {
        Get-B1BackupSchedule -Name $storeName | Unregister-B1BackupSchedule -Confirm:$false
        Stop-B1TestAzurite $azurite
        Remove-TestDatabase $storeDatabase
    }

    It 'registers after a dry run that wrote to the store, then backs up there, applies retention and drills from cron' {
        $plan = Register-B1BackupSchedule -Name $storeName -Environment production -Path $location -EnvironmentFile $storeEnvFile -DrillEveryDays 1 -Confirm:$false
        $plan.CronLine | Should -Match "# B1Backup schedule: $storeName$"
        $said = Invoke-AsCron $plan.CronLine
        $LASTEXITCODE | Should -Be 0 -Because $said
        $backups = @(Get-B1Backup -Path $location -StorageConnectionString $azurite.ConnectionString)
        $backups.Count | Should -Be 1
        $backups[0].Database | Should -Be $storeDatabase
        $backups[0].Name | Should -Not -Be $expired.Name
        $schedule = Get-B1BackupSchedule -Name $storeName
        $schedule.LastResult | Should -Be 'OK'
        $schedule.LastMessage | Should -Match 'removed 1'
        $schedule.LastMessage | Should -Match 'drill passed'
        Get-Content -Raw (Get-Item $schedule.DefinitionPath) | Should -Not -Match 'AccountKey'
    }

    It 'refuses a SAS token in the path, which its definition would keep' {
        $err = $null
        try { Register-B1BackupSchedule -Name "$storeName-sas" -Environment production -Path ($location + '?sv=2023-11-03&sig=abc') -EnvironmentFile $storeEnvFile -Confirm:$false -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Match '^ScheduleTokenInPath'
        Get-B1BackupSchedule -Name "$storeName-sas" | Should -BeNullOrEmpty
    }
}
