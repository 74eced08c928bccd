# A private, throw-away MariaDB server for the tests, the demo and the benchmark:
# its own datadir, a CA and server certificate, TLS on 127.0.0.1 at a free port, and a test user
# whose password holds URL-special characters. Stop-B1TestServer removes every trace.

Set-StrictMode -Version Latest

# '@ : / % ?' and a non-ASCII letter: a URL that carries it must percent-encode it.
$script:TestPassword = 'B1:p@ss/w%rd?é'
$script:TestUser = 'b1test'

function Install-B1MariaDb {
    <# MariaDB for the server, and for the tests zstd and cron (.sql.zst files, schedules): installed from Debian when missing. #>
    param([switch] $ServerOnly)
    $wanted = [ordered]@{ mariadbd = 'mariadb-server'; mariadb = 'mariadb-client' }
    if (-not $ServerOnly) { $wanted.zstd = 'zstd'; $wanted.crontab = 'cron' }
    $missing = @($wanted.Keys | Where-Object { -not (Get-Command $_ -ErrorAction SilentlyContinue) } | ForEach-Object { $wanted[$_] })
    if (-not $missing) { return }
    $isRoot = (& id -u) -eq '0'
    if (-not ($IsLinux -and $isRoot -and (Test-Path /etc/debian_version))) {
        throw "Missing: $($missing -join ', '). Install MariaDB 10.11, zstd and cron (Debian: apt-get install mariadb-server mariadb-client zstd cron), or point the tests at a server with B1_TEST_DATABASE_URL."
    }
    Write-Host "Installing $($missing -join ', ') from Debian..."
    & apt-get update -qq | Out-Null
    $env:DEBIAN_FRONTEND = 'noninteractive'
    & apt-get install -y -qq @missing | Out-Null
    if ($LASTEXITCODE -ne 0) { throw "apt-get install $($missing -join ' ') failed with exit code $LASTEXITCODE." }
}

function Get-FreeTcpPort {
    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $listener.Start()
    try { return $listener.LocalEndpoint.Port } finally { $listener.Stop() }
}

function Invoke-Native {
    param([string] $File, [string[]] $Arguments, [string] $LogPath)
    $output = & $File @Arguments 2>&1
    if ($LogPath) { $output | Out-File -Append -FilePath $LogPath }
    if ($LASTEXITCODE -ne 0) { throw "$File failed with exit code $LASTEXITCODE`n$($output | Out-String)" }
}

function New-B1TestCertificates {
    param([string] $Folder)
    $log = Join-Path $Folder 'openssl.log'
    $ca = Join-Path $Folder 'ca.pem'; $caKey = Join-Path $Folder 'ca-key.pem'
    $cert = Join-Path $Folder 'server-cert.pem'; $key = Join-Path $Folder 'server-key.pem'
    $csr = Join-Path $Folder 'server.csr'; $ext = Join-Path $Folder 'server.ext'
    Invoke-Native openssl @('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=B1Backup test CA', '-keyout', $caKey, '-out', $ca) $log
    Invoke-Native openssl @('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-keyout', $key, '-out', $csr) $log
    Set-Content -Path $ext -Value "subjectAltName=DNS:localhost,IP:127.0.0.1`nbasicConstraints=CA:FALSE`nkeyUsage=digitalSignature,keyEncipherment`nextendedKeyUsage=serverAuth"
    Invoke-Native openssl @('x509', '-req', '-in', $csr, '-CA', $ca, '-CAkey', $caKey, '-CAcreateserial', '-days', '2', '-extfile', $ext, '-out', $cert) $log
    [pscustomobject]@{ Ca = $ca; Cert = $cert; Key = $key }
}

function Invoke-B1TestServerSql {
    <# Runs SQL as the server's root over its Unix socket (the test user may not exist yet). #>
    param([Parameter(Mandatory)] $Server, [Parameter(Mandatory)] [string] $Sql)
    $file = Join-Path $Server.Root ("sql-{0}.sql" -f [guid]::NewGuid().ToString('n'))
    [System.IO.File]::WriteAllText($file, $Sql, [System.Text.UTF8Encoding]::new($false))
    try {
        $output = & bash -c 'mariadb --no-defaults --default-character-set=utf8mb4 --user=root --socket="$1" < "$2" 2>&1' _ $Server.Socket $file
        if ($LASTEXITCODE -ne 0) { throw "SQL as root failed: $($output | Out-String)" }
        $output
    } finally { Remove-Item -LiteralPath $file -Force -ErrorAction SilentlyContinue }
}

function Start-MariaDbProcess {
    param($Server)
    # exec: the process we hold is mariadbd itself, and its output never reaches our console.
    $quoted = ($Server.Arguments | ForEach-Object { "'" + ($_ -replace "'", "'\''") + "'" }) -join ' '
    $startInfo = [System.Diagnostics.ProcessStartInfo]::new('bash')
    $startInfo.ArgumentList.Add('-c')
    $startInfo.ArgumentList.Add("exec mariadbd $quoted >>'$($Server.Root)/mariadbd.out' 2>&1 </dev/null")
    $startInfo.UseShellExecute = $false
    $Server.Process = [System.Diagnostics.Process]::Start($startInfo)

    $deadline = [DateTime]::UtcNow.AddSeconds(90)
    while ($true) {
        & mariadb-admin --no-defaults --user=root --socket=$($Server.Socket) --connect-timeout=2 ping *> $null
        if ($LASTEXITCODE -eq 0) { break }
        if ($Server.Process.HasExited -or [DateTime]::UtcNow -gt $deadline) {
            $log = Get-Content -Path $Server.ErrorLog, (Join-Path $Server.Root 'mariadbd.out') -Tail 20 -ErrorAction SilentlyContinue | Out-String
            throw "The test MariaDB did not start.`n$log"
        }
        Start-Sleep -Milliseconds 200
    }
}

function Stop-B1TestServerProcess {
    <# Stops mariadbd but keeps its data: -Crash kills it as a power cut would. #>
    param([Parameter(Mandatory)] $Server, [switch] $Crash)
    if (-not $Server.Process -or $Server.Process.HasExited) { return }
    if ($Crash) {
        $Server.Process.Kill()
    } else {
        & mariadb-admin --no-defaults --user=root --socket=$($Server.Socket) --connect-timeout=2 shutdown *> $null
    }
    $Server.Process.WaitForExit(60000) | Out-Null
}

function Restart-B1TestServer {
    <# Starts a stopped (or crashed) test server again on the same data, port and certificates. #>
    param([Parameter(Mandatory)] $Server)
    Stop-B1TestServerProcess -Server $Server
    Start-MariaDbProcess $Server
}

function Start-B1TestServer {
    <#
    .SYNOPSIS
    Starts a private MariaDB with TLS on 127.0.0.1 and returns how to reach it.
    .PARAMETER Plaintext
    Start without TLS, to test that B1Backup refuses a server that cannot encrypt.
    .PARAMETER ServerOnly
    Install only MariaDB when it is missing, not the tools the tests use besides (zstd, cron).
    #>
    [CmdletBinding()]
    param([switch] $Plaintext, [switch] $SkipTimeZones, [string[]] $ExtraArguments = @(), [switch] $ServerOnly)

    # The demo needs the server only: it does not install cron (a system service) on the machine.
    Install-B1MariaDb -ServerOnly:$ServerOnly
    $root = Join-Path ([System.IO.Path]::GetTempPath()) ("b1test-{0}" -f [guid]::NewGuid().ToString('n').Substring(0, 12))
    New-Item -ItemType Directory -Path $root | Out-Null
    $server = [pscustomobject]@{
        Root = $root; DataDir = (Join-Path $root 'data'); Socket = (Join-Path $root 'mysqld.sock')
        Port = (Get-FreeTcpPort); Process = $null; Ca = $null; User = $script:TestUser; Password = $script:TestPassword
        Url = $null; ErrorLog = (Join-Path $root 'error.log'); Tls = -not $Plaintext; TmpDir = (Join-Path $root 'tmp')
    }
    try {
        # Internal temporary tables of this server only, never in the /tmp another test server uses.
        $null = New-Item -ItemType Directory -Force -Path $server.TmpDir
        Invoke-Native mariadb-install-db @('--no-defaults', "--datadir=$($server.DataDir)", '--user=root', '--auth-root-authentication-method=socket', '--skip-test-db') (Join-Path $root 'install.log')
        $arguments = @('--no-defaults', "--datadir=$($server.DataDir)", "--port=$($server.Port)", '--bind-address=127.0.0.1',
            "--socket=$($server.Socket)", '--user=root', "--pid-file=$(Join-Path $root 'mysqld.pid')", "--log-error=$($server.ErrorLog)",
            '--innodb-buffer-pool-size=256M', '--innodb-log-file-size=256M', '--skip-name-resolve', '--character-set-server=utf8mb4',
            '--collation-server=utf8mb4_general_ci', '--event-scheduler=OFF', "--tmpdir=$($server.TmpDir)") + $ExtraArguments
        if (-not $Plaintext) {
            $certs = New-B1TestCertificates -Folder $root
            $server.Ca = $certs.Ca
            $arguments += @("--ssl-ca=$($certs.Ca)", "--ssl-cert=$($certs.Cert)", "--ssl-key=$($certs.Key)")
        } else {
            $arguments += '--skip-ssl'
        }
        $server | Add-Member -NotePropertyName Arguments -NotePropertyValue $arguments
        Start-MariaDbProcess $server

        $password = $script:TestPassword.Replace("'", "''")
        Invoke-B1TestServerSql $server @"
CREATE USER '$($script:TestUser)'@'%' IDENTIFIED BY '$password';
GRANT ALL PRIVILEGES ON *.* TO '$($script:TestUser)'@'%' WITH GRANT OPTION;
FLUSH PRIVILEGES;
"@ | Out-Null
        if (-not $SkipTimeZones) {
            # Named zones (Europe/Berlin, ...) for the TIMESTAMP and daylight-saving tests.
            & bash -c 'mariadb-tzinfo-to-sql /usr/share/zoneinfo 2>/dev/null | mariadb --no-defaults --user=root --socket="$1" mysql' _ $server.Socket
            if ($LASTEXITCODE -ne 0) { throw 'Loading the time zone tables failed.' }
        }

        $encodedPassword = [System.Uri]::EscapeDataString($script:TestPassword)
        $server.Url = if ($Plaintext) {
            "mysql://$($script:TestUser):$encodedPassword@127.0.0.1:$($server.Port)/?ssl-mode=DISABLED"
        } else {
            "mysql://$($script:TestUser):$encodedPassword@127.0.0.1:$($server.Port)/?ssl-mode=VERIFY_CA&ssl-ca=$([System.Uri]::EscapeDataString($server.Ca))"
        }
        $server
    } catch {
        Stop-B1TestServer -Server $server
        throw
    }
}

function Stop-B1TestServer {
    <# Stops the server and deletes its folder; safe to call twice or on a half-started server. #>
    [CmdletBinding()]
    param([Parameter(ValueFromPipeline)] $Server)
    process {
        if (-not $Server) { return }
        if ($Server.Process -and -not $Server.Process.HasExited) {
            & mariadb-admin --no-defaults --user=root --socket=$($Server.Socket) --connect-timeout=2 shutdown *> $null
            if (-not $Server.Process.WaitForExit(30000)) {
                $Server.Process.Kill()
                $Server.Process.WaitForExit(10000) | Out-Null
            }
        }
        if ($Server.Root -and (Test-Path -LiteralPath $Server.Root)) {
            Remove-Item -LiteralPath $Server.Root -Recurse -Force -ErrorAction SilentlyContinue
        }
    }
}

Export-ModuleMember -Function Start-B1TestServer, Stop-B1TestServer, Stop-B1TestServerProcess, Restart-B1TestServer, Invoke-B1TestServerSql, Install-B1MariaDb
