# A private, throw-away Azure Blob Storage for the tests and the demo: Microsoft's emulator Azurite
# (from npm, into out/tools), on 127.0.0.1 at a free port, with its data in a temporary folder.
# Stop-B1TestAzurite removes every trace.

Set-StrictMode -Version Latest

# Azurite's one built-in account and its key: published in Microsoft's documentation, valid only in the emulator.
$script:DevAccount = 'devstoreaccount1'
$script:DevKey = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='
# 3.35 is the newest that runs on Debian's Node.js 20 (3.36 and later ask for 22).
$script:AzuriteVersion = '3.35.0'

function Install-B1Azurite {
    <# Installs Azurite under out/tools/azurite once and returns the path of its blob server script. #>
    $folder = Join-Path $PSScriptRoot "../out/tools/azurite-$script:AzuriteVersion"
    $entry = Join-Path $folder 'node_modules/azurite/dist/src/blob/main.js'
    if (Test-Path $entry) { return (Resolve-Path $entry).Path }
    if (-not (Get-Command npm -ErrorAction SilentlyContinue)) {
        if (-not ($IsLinux -and (& id -u) -eq '0' -and (Test-Path /etc/debian_version))) {
            throw 'Node.js and npm are needed for the Azure Blob Storage tests (Debian: apt-get install nodejs npm).'
        }
        Write-Host 'Installing Node.js and npm from Debian...'
        $env:DEBIAN_FRONTEND = 'noninteractive'
        & apt-get install -y -qq nodejs npm | Out-Null
        if ($LASTEXITCODE -ne 0) { throw "apt-get install nodejs npm failed with exit code $LASTEXITCODE." }
    }
    $null = New-Item -ItemType Directory -Force -Path $folder
    Write-Host "Installing Azurite $script:AzuriteVersion from npm..."
    $output = & npm install --no-audit --no-fund --loglevel=error --prefix $folder "azurite@$script:AzuriteVersion" 2>&1
    if ($LASTEXITCODE -ne 0 -or -not (Test-Path $entry)) { throw "npm install azurite@$script:AzuriteVersion failed:`n$($output | Out-String)" }
    (Resolve-Path $entry).Path
}

function Get-B1FreeTcpPort {
    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $listener.Start()
    try { return $listener.LocalEndpoint.Port } finally { $listener.Stop() }
}

function Start-B1TestAzurite {
    <#
    .SYNOPSIS
    Starts Azurite's blob service on 127.0.0.1 and returns how to reach it: Port, Endpoint (path-style,
    with the account), ConnectionString, Account, Key, and the process.
    #>
    [CmdletBinding()]
    param([int] $Port = 0, [string] $DataFolder)
    $entry = Install-B1Azurite
    if ($Port -eq 0) { $Port = Get-B1FreeTcpPort }
    if (-not $DataFolder) {
        $DataFolder = Join-Path ([System.IO.Path]::GetTempPath()) ("b1azurite-{0}" -f [guid]::NewGuid().ToString('n').Substring(0, 12))
    }
    $null = New-Item -ItemType Directory -Force -Path $DataFolder
    $log = Join-Path $DataFolder 'azurite.log'
    $start = [System.Diagnostics.ProcessStartInfo]::new('node')
    foreach ($argument in @($entry, '--blobHost', '127.0.0.1', '--blobPort', "$Port", '--location', $DataFolder, '--silent', '--skipApiVersionCheck', '--loose')) {
        $start.ArgumentList.Add($argument)
    }
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    $process = [System.Diagnostics.Process]::Start($start)
    $endpoint = "http://127.0.0.1:$Port/$script:DevAccount"
    $azurite = [pscustomobject]@{
        Port = $Port; Process = $process; Root = $DataFolder; Account = $script:DevAccount; Key = $script:DevKey; Endpoint = $endpoint
        ConnectionString = "DefaultEndpointsProtocol=http;AccountName=$script:DevAccount;AccountKey=$script:DevKey;BlobEndpoint=$endpoint;"
    }
    $deadline = [DateTime]::UtcNow.AddSeconds(60)
    while ([DateTime]::UtcNow -lt $deadline) {
        if ($process.HasExited) {
            throw "Azurite exited at start (code $($process.ExitCode)): $($process.StandardError.ReadToEnd())"
        }
        $client = [System.Net.Sockets.TcpClient]::new()
        try { $client.Connect('127.0.0.1', $Port); return $azurite } catch { Start-Sleep -Milliseconds 200 } finally { $client.Dispose() }
    }
    Stop-B1TestAzurite $azurite
    throw "Azurite did not listen on port $Port within 60 seconds (log: $log)."
}

function Stop-B1TestAzurite {
    <# Stops Azurite and deletes its data; safe to call twice. Pass -KeepData to restart it on the same data. #>
    [CmdletBinding()]
    param([Parameter(ValueFromPipeline)] $Azurite, [switch] $KeepData)
    process {
        if (-not $Azurite) { return }
        if ($Azurite.Process -and -not $Azurite.Process.HasExited) {
            if ($KeepData) {
                # A service shut down, not a crash of the emulator: Azurite saves its metadata on SIGTERM.
                & kill -TERM $Azurite.Process.Id
                $Azurite.Process.WaitForExit(15000) | Out-Null
            }
            if (-not $Azurite.Process.HasExited) { $Azurite.Process.Kill($true) }
            $Azurite.Process.WaitForExit(10000) | Out-Null
        }
        if (-not $KeepData -and $Azurite.Root -and (Test-Path -LiteralPath $Azurite.Root)) {
            Remove-Item -LiteralPath $Azurite.Root -Recurse -Force -ErrorAction SilentlyContinue
        }
    }
}

# s3rver's one built-in key pair (its documentation's; valid only there) and the bucket the tests use.
$script:S3rverVersion = '3.7.1'
$script:S3Key = 'S3RVER'
$script:S3Bucket = 'b1backup-test'

function Install-B1S3rver {
    <# Installs s3rver (an S3-compatible server for tests) under out/tools once and returns the path of its command script. #>
    $folder = Join-Path $PSScriptRoot "../out/tools/s3rver-$script:S3rverVersion"
    $entry = Join-Path $folder 'node_modules/s3rver/bin/s3rver.js'
    if (Test-Path $entry) { return (Resolve-Path $entry).Path }
    $null = Install-B1Azurite   # the same Node.js and npm
    $null = New-Item -ItemType Directory -Force -Path $folder
    Write-Host "Installing s3rver $script:S3rverVersion from npm..."
    $output = & npm install --no-audit --no-fund --loglevel=error --prefix $folder "s3rver@$script:S3rverVersion" 2>&1
    if ($LASTEXITCODE -ne 0 -or -not (Test-Path $entry)) { throw "npm install s3rver@$script:S3rverVersion failed:`n$($output | Out-String)" }
    (Resolve-Path $entry).Path
}

function Start-B1TestS3 {
    <#
    .SYNOPSIS
    Starts s3rver on 127.0.0.1 with one bucket and returns how to reach it: Endpoint, Bucket, Location
    (s3://bucket/backups), AccessKey, SecretKey, Credential (a PSCredential of them), and the process.
    #>
    [CmdletBinding()]
    param([int] $Port = 0, [string] $DataFolder)
    $entry = Install-B1S3rver
    if ($Port -eq 0) { $Port = Get-B1FreeTcpPort }
    if (-not $DataFolder) {
        $DataFolder = Join-Path ([System.IO.Path]::GetTempPath()) ("b1s3-{0}" -f [guid]::NewGuid().ToString('n').Substring(0, 12))
    }
    $null = New-Item -ItemType Directory -Force -Path $DataFolder
    $start = [System.Diagnostics.ProcessStartInfo]::new('node')
    # s3rver's continuation tokens use a cipher OpenSSL 3 keeps in its legacy provider.
    foreach ($argument in @('--openssl-legacy-provider', $entry, '--directory', $DataFolder, '--address', '127.0.0.1', '--port', "$Port", '--silent', '--no-vhost-buckets', '--configure-bucket', $script:S3Bucket)) {
        $start.ArgumentList.Add($argument)
    }
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    $process = [System.Diagnostics.Process]::Start($start)
    $secret = ConvertTo-SecureString $script:S3Key -AsPlainText -Force
    $s3 = [pscustomobject]@{
        Port = $Port; Process = $process; Root = $DataFolder; Endpoint = "http://127.0.0.1:$Port"; Bucket = $script:S3Bucket
        Location = "s3://$script:S3Bucket/backups"; AccessKey = $script:S3Key; SecretKey = $script:S3Key
        Credential = [pscredential]::new($script:S3Key, $secret)
    }
    $deadline = [DateTime]::UtcNow.AddSeconds(60)
    while ([DateTime]::UtcNow -lt $deadline) {
        if ($process.HasExited) { throw "s3rver exited at start (code $($process.ExitCode)): $($process.StandardError.ReadToEnd())" }
        $client = [System.Net.Sockets.TcpClient]::new()
        try { $client.Connect('127.0.0.1', $Port); return $s3 } catch { Start-Sleep -Milliseconds 200 } finally { $client.Dispose() }
    }
    Stop-B1TestS3 $s3
    throw "s3rver did not listen on port $Port within 60 seconds."
}

function Stop-B1TestS3 {
    <# Stops s3rver and deletes its data; safe to call twice. -KeepData keeps it for a restart on the same folder. #>
    [CmdletBinding()]
    param([Parameter(ValueFromPipeline)] $S3, [switch] $KeepData)
    process {
        if (-not $S3) { return }
        if ($S3.Process -and -not $S3.Process.HasExited) {
            $S3.Process.Kill($true)
            $S3.Process.WaitForExit(10000) | Out-Null
        }
        if (-not $KeepData -and $S3.Root -and (Test-Path -LiteralPath $S3.Root)) {
            Remove-Item -LiteralPath $S3.Root -Recurse -Force -ErrorAction SilentlyContinue
        }
    }
}

Export-ModuleMember -Function Install-B1Azurite, Start-B1TestAzurite, Stop-B1TestAzurite, Install-B1S3rver, Start-B1TestS3, Stop-B1TestS3
