# Backups in Azure Blob Storage, against a real Azurite: the newcomer's path from the README, the
# pipeline one-liners, the storage going away, wrong credentials and what must never be shown.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../../B1Backup.psd1') -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../TestStorage.psm1') -Force
    $script:azurite = Start-B1TestAzurite
    $script:database = New-TestDatabase
    Invoke-TestSql -Database $database -Sql 'CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(40)); INSERT INTO t SELECT seq, CONCAT(''row '', seq) FROM seq_1_to_2000;' | Out-Null
    $script:url = (Get-B1TestServer).Url -replace '/\?', "/$database`?"
    $script:cs = $azurite.ConnectionString
    function New-Location { "$($azurite.Endpoint)/p$([guid]::NewGuid().ToString('n'))/backups" }
    function Get-RowCount([string] $Name) { [int](Invoke-TestSql -Database $Name -Sql 'SELECT COUNT(*) FROM t') }
}

AfterAll {
    Stop-B1TestAzurite $azurite
    Remove-TestDatabase $database
    Remove-Item Env:AZURE_STORAGE_CONNECTION_STRING -ErrorAction SilentlyContinue
}

Describe 'Backups in Azure Blob Storage' {
    It 'backs up straight to the store, lists, verifies, restores and deletes by retention there' {
        $location = New-Location
        $backup = Backup-B1Database -ConnectionString $url -Path $location -Environment staging -StorageConnectionString $cs
        $backup.FullName | Should -BeLike "$location/staging/backup_staging_*.sql.gz"
        $backup.Verified | Should -BeTrue

        $listed = @(Get-B1Backup -Path $location -StorageConnectionString $cs)
        $listed.Count | Should -Be 1
        $listed[0].FullName | Should -Be $backup.FullName
        $listed[0].Database | Should -Be $database
        $listed[0].Rows | Should -Be 2000
        $listed[0].ChecksumPath | Should -Be ($backup.FullName + '.sha256')

        ($listed | Test-B1BackupChecksum -StorageConnectionString $cs).Passed | Should -BeTrue
        ($listed | Test-B1BackupChecksum -Deep -StorageConnectionString $cs).Reason | Should -Be 'OK'

        $target = "$($database)_fromblob"
        try {
            $restored = $listed | Restore-B1Database -ConnectionString $url -TargetDatabase $target -Force -StorageConnectionString $cs
            $restored.Verified | Should -BeTrue
            $restored.Path | Should -Be $backup.FullName
            Get-RowCount $target | Should -Be 2000
        } finally { Remove-TestDatabase $target }

        # The newest good backup is kept; once a newer one exists, the old one goes.
        $listed | Remove-B1Backup -Confirm:$false -StorageConnectionString $cs -WarningVariable kept -WarningAction SilentlyContinue
        "$kept" | Should -BeLike '*is the newest backup*kept*'
        @(Get-B1Backup -Path $location -StorageConnectionString $cs).Count | Should -Be 1
        Start-Sleep -Seconds 1
        $newer = Backup-B1Database -ConnectionString $url -Path $location -Environment staging -StorageConnectionString $cs
        $listed | Remove-B1Backup -Confirm:$false -StorageConnectionString $cs
        @(Get-B1Backup -Path $location -StorageConnectionString $cs).FullName | Should -Be @($newer.FullName)
    }

    It 'copies the newest local backup off-site and back; sha256sum -c passes on the download' {
        $local = Join-Path $TestDrive 'local'
        $null = Backup-B1Database -ConnectionString $url -Path $local -Environment production
        $location = New-Location
        $copy = Get-B1Backup -Path $local -Environment production -Latest | Copy-B1Backup -Destination $location -StorageConnectionString $cs
        $copy.FullName | Should -BeLike "$location/production/backup_production_*.sql.gz"
        ($copy | Test-B1BackupChecksum -StorageConnectionString $cs).Passed | Should -BeTrue

        $airGapped = Join-Path $TestDrive 'airgapped'
        $back = Get-B1Backup -Path $location -StorageConnectionString $cs | Copy-B1Backup -Destination $airGapped -StorageConnectionString $cs
        $original = Get-B1Backup -Path $local -Environment production -Latest
        (Get-FileHash $back.FullName).Hash | Should -Be (Get-FileHash $original.FullName).Hash
        Push-Location (Split-Path $back.FullName)
        try {
            $output = & sha256sum -c ($back.Name + '.sha256') 2>&1
            $LASTEXITCODE | Should -Be 0
            "$output" | Should -BeLike "*$($back.Name): OK*"
        } finally { Pop-Location }
    }

    It 'takes the connection string from AZURE_STORAGE_CONNECTION_STRING, as the Azure CLI does' {
        $location = New-Location
        $env:AZURE_STORAGE_CONNECTION_STRING = $cs
        try {
            $null = Backup-B1Database -ConnectionString $url -Path $location -Environment dev
            @(Get-B1Backup -Path $location).Count | Should -Be 1
            (Test-B1Rpo -Path $location -Environment dev).Passed | Should -BeTrue
        } finally { Remove-Item Env:AZURE_STORAGE_CONNECTION_STRING }
    }

    It 'drills from the store and counts the download in the RTO' {
        $location = New-Location
        $null = Backup-B1Database -ConnectionString $url -Path $location -Environment production -StorageConnectionString $cs
        $drill = Invoke-B1RestoreDrill -ConnectionString $url -BackupRoot $location -Environment production -StorageConnectionString $cs
        $drill.Passed | Should -BeTrue
        $drill.Backup | Should -BeLike "$location/production/*"
        $drill.DownloadDuration | Should -BeGreaterThan ([timespan]::Zero)
        $drill.Rto | Should -BeGreaterOrEqual ($drill.DownloadDuration + $drill.RestoreDuration)
        # The scratch copy is gone: nothing of this drill is left in the temporary folder.
        @(Get-ChildItem ([System.IO.Path]::GetTempPath()) -Filter 'b1backup-*' -Directory | Where-Object { Get-ChildItem $_.FullName -Recurse -Filter $drill.BackupName }).Count | Should -Be 0
    }

    It 'says so when the storage is down, leaves nothing behind, and works once it is back' {
        $location = New-Location
        $null = Backup-B1Database -ConnectionString $url -Path $location -Environment prod -StorageConnectionString $cs
        $before = @(Get-ChildItem ([System.IO.Path]::GetTempPath()) -Filter 'b1backup-*' -Directory).Count
        Stop-B1TestAzurite $azurite -KeepData
        try {
            { Backup-B1Database -ConnectionString $url -Path $location -Environment prod -StorageConnectionString $cs -ErrorAction Stop } |
                Should -Throw -ErrorId 'StorageUnreachable,B1Backup.Commands.BackupB1DatabaseCommand'
        } finally {
            $script:azurite = Start-B1TestAzurite -Port $azurite.Port -DataFolder $azurite.Root
        }
        @(Get-ChildItem ([System.IO.Path]::GetTempPath()) -Filter 'b1backup-*' -Directory).Count | Should -Be $before
        @(Get-B1Backup -Path $location -StorageConnectionString $cs).Count | Should -Be 1
        Start-Sleep -Seconds 1
        $null = Backup-B1Database -ConnectionString $url -Path $location -Environment prod -StorageConnectionString $cs
        @(Get-B1Backup -Path $location -StorageConnectionString $cs).Count | Should -Be 2
    }

    It 'Get-B1Backup and Test-B1Rpo stop at Ctrl+C while a store keeps them waiting' {
        # A "store" that accepts the connection and never answers: without the stop reaching the
        # listing, the SDK would wait out its 60 s network timeout and three retries.
        $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $listener.Start()
        $port = $listener.LocalEndpoint.Port
        $silent = "DefaultEndpointsProtocol=http;AccountName=$($azurite.Account);AccountKey=$($azurite.Key);BlobEndpoint=http://127.0.0.1:$port/$($azurite.Account);"
        $location = "http://127.0.0.1:$port/$($azurite.Account)/silent/backups"
        try {
            foreach ($command in 'Get-B1Backup -Path $location -StorageConnectionString $silent', 'Test-B1Rpo -Path $location -Environment production -MaxAge 1.00:00:00 -StorageConnectionString $silent') {
                $ps = [powershell]::Create()
                $null = $ps.AddScript("Import-Module '$(Join-Path $PSScriptRoot '../../B1Backup.psd1')'`n$command")
                $ps.Runspace.SessionStateProxy.SetVariable('location', $location)
                $ps.Runspace.SessionStateProxy.SetVariable('silent', $silent)
                $client = $null
                try {
                    $null = $ps.BeginInvoke()
                    $accept = $listener.AcceptTcpClientAsync()
                    $accept.Wait([TimeSpan]::FromSeconds(60)) | Should -BeTrue -Because "$command connects to the store"
                    $client = $accept.Result
                    $stop = $ps.BeginStop($null, $null)
                    $stop.AsyncWaitHandle.WaitOne([TimeSpan]::FromSeconds(30)) | Should -BeTrue -Because "$command stops while the store is silent"
                    $ps.InvocationStateInfo.State | Should -Be 'Stopped'
                } finally {
                    if ($client) { $client.Dispose() }
                    $ps.Dispose()
                }
            }
        } finally {
            $listener.Stop()
        }
    }

    It 'refuses a wrong account key with a clear error that never shows the key or the real one' {
        $location = New-Location
        $null = Backup-B1Database -ConnectionString $url -Path $location -Environment qa -StorageConnectionString $cs
        $wrong = [Convert]::ToBase64String([System.Security.Cryptography.RandomNumberGenerator]::GetBytes(64))
        $captured = [System.Collections.Generic.List[object]]::new()
        $failure = $null
        # A listing that cannot start is a terminating error, as a missing backup folder is.
        try { $captured.AddRange(@(Get-B1Backup -Path $location -StorageAccountKey $wrong -Verbose *>&1)) } catch { $failure = $_ }
        $failure | Should -Not -BeNullOrEmpty
        $failure.FullyQualifiedErrorId | Should -BeLike 'StorageAccessDenied,*'
        $failure.Exception.Message | Should -BeLike '*account key*'
        $text = (@($captured) + $failure | ForEach-Object { $_ | Out-String; if ($_ -is [System.Management.Automation.ErrorRecord]) { $_.Exception.ToString() } }) -join "`n"
        $text | Should -Not -BeLike "*$wrong*"
        $text | Should -Not -BeLike "*$($azurite.Key)*"
    }

    It 'never shows the connection string''s key in output objects or verbose text' {
        $location = New-Location
        $captured = @(
            Backup-B1Database -ConnectionString $url -Path $location -Environment sec -StorageConnectionString $cs -Verbose *>&1
            Get-B1Backup -Path $location -StorageConnectionString $cs -Verbose *>&1
            Get-B1Backup -Path $location -StorageConnectionString $cs | Test-B1BackupChecksum -Deep -StorageConnectionString $cs -Verbose *>&1
            Invoke-B1RestoreDrill -ConnectionString $url -BackupRoot $location -Environment sec -StorageConnectionString $cs -Verbose *>&1
        )
        $captured.Count | Should -BeGreaterThan 5
        $text = ($captured | ForEach-Object { $_ | Format-List * -Force | Out-String }) -join "`n"
        $text | Should -Not -BeLike "*$($azurite.Key)*"
        $text | Should -Not -BeLike '*AccountKey=*'
        $text | Should -BeLike "*$location/sec/backup_sec_*"
    }

    It 'keeps a SAS token out of every message when the token is refused' {
        $signature = [Convert]::ToBase64String([System.Security.Cryptography.RandomNumberGenerator]::GetBytes(32))
        $withToken = (New-Location) + '?sv=2023-11-03&sr=c&sp=rl&se=2099-01-01T00%3A00%3A00Z&sig=' + [uri]::EscapeDataString($signature)
        $failure = $null
        try { Get-B1Backup -Path $withToken } catch { $failure = $_ }
        $failure | Should -Not -BeNullOrEmpty
        $failure.FullyQualifiedErrorId | Should -BeLike 'StorageAccessDenied,*'
        $text = ($failure | Out-String) + $failure.Exception.ToString() + "$($failure.TargetObject)"
        $text | Should -Not -BeLike "*$signature*"
        $text | Should -Not -BeLike "*$([uri]::EscapeDataString($signature))*"
        $text | Should -Not -BeLike '*sig=*'
    }

}

Describe 'Backups in S3-compatible storage' {
    BeforeAll {
        $script:s3 = Start-B1TestS3
        function New-S3Location { "s3://$($s3.Bucket)/p$([guid]::NewGuid().ToString('n'))/backups" }
    }

    AfterAll {
        Stop-B1TestS3 $s3
        Remove-Item Env:AWS_ACCESS_KEY_ID, Env:AWS_SECRET_ACCESS_KEY, Env:AWS_ENDPOINT_URL -ErrorAction SilentlyContinue
    }

    It 'backs up to s3://, lists, verifies, restores and keeps the newest by retention there' {
        $location = New-S3Location
        $s3Args = @{ Endpoint = $s3.Endpoint; StorageCredential = $s3.Credential }
        $backup = Backup-B1Database -ConnectionString $url -Path $location -Environment staging @s3Args
        $backup.FullName | Should -BeLike "$location/staging/backup_staging_*.sql.gz"
        $listed = @(Get-B1Backup -Path $location @s3Args)
        $listed.Count | Should -Be 1
        $listed[0].Rows | Should -Be 2000
        ($listed | Test-B1BackupChecksum @s3Args).Passed | Should -BeTrue
        $target = "$($database)_froms3"
        try {
            ($listed | Restore-B1Database -ConnectionString $url -TargetDatabase $target -Force @s3Args).Verified | Should -BeTrue
            Get-RowCount $target | Should -Be 2000
        } finally { Remove-TestDatabase $target }
        $listed | Remove-B1Backup -Confirm:$false @s3Args -WarningVariable kept -WarningAction SilentlyContinue
        "$kept" | Should -BeLike '*is the newest backup*kept*'
        @(Get-B1Backup -Path $location @s3Args).Count | Should -Be 1
    }

    It 'takes the endpoint and keys from the AWS variables, and copies to and from a folder with sha256sum -c passing' {
        $env:AWS_ENDPOINT_URL = $s3.Endpoint; $env:AWS_ACCESS_KEY_ID = $s3.AccessKey; $env:AWS_SECRET_ACCESS_KEY = $s3.SecretKey
        try {
            $local = Join-Path $TestDrive 's3-local'
            $null = Backup-B1Database -ConnectionString $url -Path $local -Environment production
            $location = New-S3Location
            $copy = Get-B1Backup -Path $local -Latest | Copy-B1Backup -Destination $location
            $copy.FullName | Should -BeLike "$location/production/*"
            $back = Get-B1Backup -Path $location | Copy-B1Backup -Destination (Join-Path $TestDrive 's3-back')
            Push-Location (Split-Path $back.FullName)
            try {
                & sha256sum -c ($back.Name + '.sha256') | Out-Null
                $LASTEXITCODE | Should -Be 0
            } finally { Pop-Location }
        } finally {
            Remove-Item Env:AWS_ACCESS_KEY_ID, Env:AWS_SECRET_ACCESS_KEY, Env:AWS_ENDPOINT_URL -ErrorAction SilentlyContinue
        }
    }

    It 'refuses wrong keys with a clear error that never shows them' {
        # s3rver checks the key ID, not the SigV4 signature: a wrong key ID is what it can refuse.
        $wrong = [Convert]::ToBase64String([System.Security.Cryptography.RandomNumberGenerator]::GetBytes(30))
        $credential = [pscredential]::new('AKIAWRONGKEYID000001', (ConvertTo-SecureString $wrong -AsPlainText -Force))
        $failure = $null
        try { Get-B1Backup -Path (New-S3Location) -Endpoint $s3.Endpoint -StorageCredential $credential -Verbose *>&1 | Out-Null } catch { $failure = $_ }
        $failure | Should -Not -BeNullOrEmpty
        $failure.FullyQualifiedErrorId | Should -BeLike 'StorageAccessDenied,*'
        $text = ($failure | Out-String) + $failure.Exception.ToString()
        $text | Should -Not -BeLike "*$wrong*"
        $text | Should -Not -BeLike '*AKIAWRONGKEYID000001*'
    }
}

Describe 'Assembly isolation from the Az modules' {
    It 'works in a session where an older Azure.Storage.Blobs and Azure.Core were loaded first, and leaves them working' {
        $packages = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path ([Environment]::GetFolderPath('UserProfile')) '.nuget/packages' }
        # Restoring the test project downloads these (PackageDownload): the storage SDK an Az.Storage of 2023 loads.
        $other = @(
            'system.memory.data/1.0.2/lib/netstandard2.0/System.Memory.Data.dll'
            'system.io.hashing/6.0.0/lib/net6.0/System.IO.Hashing.dll'
            'azure.core/1.36.0/lib/net6.0/Azure.Core.dll'
            'azure.storage.common/12.18.1/lib/net6.0/Azure.Storage.Common.dll'
            'azure.storage.blobs/12.19.1/lib/net6.0/Azure.Storage.Blobs.dll'
        ) | ForEach-Object { Join-Path $packages $_ }
        $other | ForEach-Object { $_ | Should -Exist }
        $child = Join-Path $TestDrive 'azure-isolation.ps1'
        Set-Content -Path $child -Value @'
param([string] $ModulePath, [string] $OtherAssemblies, [string] $DatabaseUrl, [string] $Location, [string] $ConnectionString)
$ErrorActionPreference = 'Stop'
$OtherAssemblies -split ',' | ForEach-Object { Add-Type -Path $_ }
function Invoke-OtherModule {
    # What Az.Storage does with its SDK: list the account's containers.
    $service = [Azure.Storage.Blobs.BlobServiceClient]::new($ConnectionString)
    @($service.GetBlobContainers() | ForEach-Object Name).Count
}
$before = Invoke-OtherModule
Import-Module $ModulePath
$backup = Backup-B1Database -ConnectionString $DatabaseUrl -Path $Location -Environment isolation -StorageConnectionString $ConnectionString
$check = Test-B1BackupChecksum -Path $backup.FullName -StorageConnectionString $ConnectionString
$after = Invoke-OtherModule
$cores = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'Azure.Core' } | ForEach-Object {
    $context = [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($_)
    [pscustomobject]@{
        Version = $_.GetName().Version.ToString()
        Context = if ($context -eq [System.Runtime.Loader.AssemblyLoadContext]::Default) { 'Default' } else { $context.GetType().FullName }
    }
}
[pscustomobject]@{ Before = $before; After = $after; Passed = $check.Passed; Cores = @($cores) } | ConvertTo-Json -Depth 4
'@
        Push-Location (Join-Path $PSScriptRoot '../..')   # dotnet pwsh needs the repository's tool manifest
        try {
            $json = & dotnet pwsh -NoProfile -NonInteractive -File $child -ModulePath (Resolve-Path './B1Backup.psd1').Path `
                -OtherAssemblies ($other -join ',') -DatabaseUrl $url -Location (New-Location) -ConnectionString $cs 2>&1
            $LASTEXITCODE | Should -Be 0 -Because ($json -join "`n")
            $result = ($json -join "`n") | ConvertFrom-Json
            $result.Before | Should -BeGreaterThan 0
            $result.After | Should -Be ($result.Before + 1)
            $result.Passed | Should -BeTrue
            $theirs = @($result.Cores | Where-Object Version -Like '1.36.*')
            $ours = @($result.Cores | Where-Object Context -EQ 'B1Backup.Loader.EngineLoadContext')
            $theirs.Count | Should -Be 1
            $theirs[0].Context | Should -Be 'Default'
            $ours.Count | Should -Be 1
            $ours[0].Version | Should -Not -BeLike '1.36.*'
        } finally {
            Pop-Location
        }
    }
}
