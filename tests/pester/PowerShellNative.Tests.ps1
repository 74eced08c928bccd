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
        $text | Should -Match 'Database\s+Age\s+Size\s+Name'
        $text | Should -Match '\d+(\.\d)? (KB|B)'
        $text | Should -Match '\dm \d\ds'
        $all = Get-B1Backup -Path $root | Select-Object -First 1 *
        @($all.PSObject.Properties.Name) | Should -Contain 'ChecksumPath'
        @($all.PSObject.Properties.Name) | Should -Contain 'UncompressedSize'
        (Get-B1Backup -Path $root | ConvertTo-Json | ConvertFrom-Json)[0].FullName | Should -Not -BeNullOrEmpty
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
            $null = $ps.AddScript("Import-Module '$((Resolve-Path (Join-Path $PSScriptRoot '../../B1Backup.psd1')).Path)'; `$env:DATABASE_URL = '$($env:DATABASE_URL)'; `$b = Backup-B1Database -Database $big -Path '$root' -Environment progress -Parallel 1; Restore-B1Database -Path `$b.FullName -TargetDatabase $($big)_copy -Confirm:`$false | Out-Null")
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

Describe 'Assembly isolation' {
    It 'works in a session where another module loaded an older MySqlConnector first, and leaves that one working' {
        $packages = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path ([Environment]::GetFolderPath('UserProfile')) '.nuget/packages' }
        # Restoring the test project downloads these (PackageDownload): what a module built on MySqlConnector 2.4.0 ships.
        $other = @(
            (Join-Path $packages 'microsoft.extensions.logging.abstractions/8.0.2/lib/net8.0/Microsoft.Extensions.Logging.Abstractions.dll'),
            (Join-Path $packages 'microsoft.extensions.dependencyinjection.abstractions/8.0.2/lib/net8.0/Microsoft.Extensions.DependencyInjection.Abstractions.dll'),
            (Join-Path $packages 'mysqlconnector/2.4.0/lib/net8.0/MySqlConnector.dll'))
        $other | ForEach-Object { $_ | Should -Exist }
        $copy = "$($database)_iso"
        $child = Join-Path $TestDrive 'isolation.ps1'
        Set-Content -Path $child -Value @'
param([string] $ModulePath, [string] $HelpersPath, [string] $OtherAssemblies, [string] $Database, [string] $Copy, [string] $Root)
$ErrorActionPreference = 'Stop'
Import-Module $HelpersPath
$server = Get-B1TestServer
function Invoke-OtherModule {
    # What the other module does with its MySqlConnector: open a TLS connection and ask a question.
    $builder = [MySqlConnector.MySqlConnectionStringBuilder]::new()
    $builder.Server = $server.Host; $builder.Port = $server.Port; $builder.UserID = $server.User; $builder.Password = $server.Password
    $builder.SslMode = 'VerifyCA'; $builder.SslCa = $server.Ca
    $connection = [MySqlConnector.MySqlConnection]::new($builder.ConnectionString)
    try { $connection.Open(); $command = $connection.CreateCommand(); $command.CommandText = 'SELECT 6 * 7'; $command.ExecuteScalar() } finally { $connection.Dispose() }
}
$OtherAssemblies -split ',' | ForEach-Object { Add-Type -Path $_ }
$before = Invoke-OtherModule
Import-Module $ModulePath
$backup = Backup-B1Database -Database $Database -Path $Root -Environment isolation
$restore = Restore-B1Database -Path $backup.FullName -TargetDatabase $Copy -Confirm:$false
$after = Invoke-OtherModule
$connectors = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'MySqlConnector' } | ForEach-Object {
    $context = [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($_)
    [pscustomobject]@{
        Version = $_.GetCustomAttributes([Reflection.AssemblyInformationalVersionAttribute], $false)[0].InformationalVersion
        Context = if ($context -eq [System.Runtime.Loader.AssemblyLoadContext]::Default) { 'Default' } else { $context.GetType().FullName }
    }
}
[pscustomobject]@{ Before = $before; After = $after; Rows = $backup.Rows; Restored = $restore.Database; Connectors = @($connectors) } | ConvertTo-Json -Depth 4
'@
        Push-Location (Join-Path $PSScriptRoot '../..')   # dotnet pwsh needs the repository's tool manifest
        try {
            $json = & dotnet pwsh -NoProfile -NonInteractive -File $child -ModulePath (Resolve-Path './B1Backup.psd1').Path `
                -HelpersPath (Join-Path $PSScriptRoot 'TestHelpers.psm1') -OtherAssemblies ($other -join ',') -Database $database -Copy $copy -Root $root 2>&1
            $LASTEXITCODE | Should -Be 0 -Because ($json -join "`n")
            $result = ($json -join "`n") | ConvertFrom-Json
            $result.Before | Should -Be 42
            $result.After | Should -Be 42
            $result.Rows | Should -Be 1
            $result.Restored | Should -Be $copy
            (Invoke-TestSql -Database $copy -Sql 'SELECT COUNT(*) FROM t') | Should -Be 1
            $theirs = @($result.Connectors | Where-Object Version -Like '2.4.0*')
            $ours = @($result.Connectors | Where-Object Version -Like '2.6.2*')
            $theirs.Count | Should -Be 1
            $theirs[0].Context | Should -Be 'Default'
            $ours.Count | Should -Be 1
            $ours[0].Context | Should -Be 'B1Backup.Loader.EngineLoadContext'
        } finally {
            Pop-Location
            Remove-TestDatabase $copy
        }
    }
}

Describe 'Pipeline into the file cmdlets' {
    It 'binds -LiteralPath of Copy-Item and Remove-Item, so a folder name with wildcard characters matches only itself' {
        # '[prod]' read as a wildcard matches the folder 'site p': the decoy must survive.
        $bracketed = Join-Path $TestDrive 'site [prod]'
        $decoy = Join-Path $TestDrive 'site p'
        $made = Backup-B1Database -Database $database -Path $bracketed -Environment staging
        $null = New-Item -ItemType Directory -Force (Join-Path $decoy 'staging')
        Copy-Item -LiteralPath $made.FullName -Destination (Join-Path $decoy "staging/$($made.Name)")
        $listed = @(Get-B1Backup -Path $bracketed)
        $listed.Count | Should -Be 1
        $listed[0].PSPath | Should -Be $made.FullName

        $copies = Join-Path $TestDrive 'copies'
        $null = New-Item -ItemType Directory $copies
        Get-B1Backup -Path $bracketed | Copy-Item -Destination $copies
        Join-Path $copies $made.Name | Should -Exist
        (Get-B1Backup -Path $bracketed | Test-B1BackupChecksum).Passed | Should -BeTrue

        Get-B1Backup -Path $bracketed | Remove-Item
        Test-Path -LiteralPath $made.FullName | Should -BeFalse
        Join-Path $decoy "staging/$($made.Name)" | Should -Exist
    }

    It 'removes what Test-B1BackupChecksum found broken, straight from its results' {
        $folder = Join-Path $TestDrive 'broken [1]'
        $made = Backup-B1Database -Database $database -Path $folder -Environment staging
        [System.IO.File]::AppendAllText($made.FullName, 'x')
        Get-B1Backup -Path $folder | Test-B1BackupChecksum -ErrorAction SilentlyContinue | Where-Object { -not $_.Passed } | Remove-Item
        Test-Path -LiteralPath $made.FullName | Should -BeFalse
    }
}
