# Shared by the Pester tests: the test server from B1_TEST_DATABASE_URL, SQL through the mariadb
# client, and backups made the way the old scripts made them (mariadb-dump | gzip, sha256sum).

Set-StrictMode -Version Latest

function Get-B1TestServer {
    $url = $env:B1_TEST_DATABASE_URL
    if (-not $url) { throw 'B1_TEST_DATABASE_URL is not set. Run the tests with: dotnet pwsh ./build.ps1 Test' }
    $uri = [System.Uri]$url
    $userInfo = $url.Substring($url.IndexOf('://') + 3)
    $userInfo = $userInfo.Substring(0, $userInfo.LastIndexOf('@'))
    $query = @{}
    foreach ($pair in $uri.Query.TrimStart('?').Split('&', [System.StringSplitOptions]::RemoveEmptyEntries)) {
        $name, $value = $pair.Split('=', 2)
        $query[$name] = [System.Uri]::UnescapeDataString($value)
    }
    [pscustomobject]@{
        Url      = $url
        Host     = $uri.Host
        Port     = $uri.Port
        User     = [System.Uri]::UnescapeDataString($userInfo.Substring(0, $userInfo.IndexOf(':')))
        Password = [System.Uri]::UnescapeDataString($userInfo.Substring($userInfo.IndexOf(':') + 1))
        Ca       = $query['ssl-ca']
    }
}

function Get-ClientArguments {
    $server = Get-B1TestServer
    $arguments = @('--no-defaults', "--host=$($server.Host)", "--port=$($server.Port)", "--user=$($server.User)", '--default-character-set=utf8mb4')
    if ($server.Ca) { $arguments += "--ssl-ca=$($server.Ca)" }
    $arguments
}

function Invoke-ClientTool {
    <# Runs mariadb or mariadb-dump against the test server; the password travels in MYSQL_PWD, not on the command line. #>
    param([string] $Tool, [string[]] $Arguments, [string] $InputFile)
    $server = Get-B1TestServer
    $env:MYSQL_PWD = $server.Password
    try {
        $all = @(Get-ClientArguments) + $Arguments
        if ($InputFile) {
            $output = & bash -c ('"$0" "$@" < "' + $InputFile + '"') $Tool @all 2>&1
        } else {
            $output = & $Tool @all 2>&1
        }
        if ($LASTEXITCODE -ne 0) { throw "$Tool failed ($LASTEXITCODE): $($output | Out-String)" }
        $output
    } finally { Remove-Item Env:MYSQL_PWD -ErrorAction SilentlyContinue }
}

function Invoke-TestSql {
    param([Parameter(Mandatory)] [string] $Sql, [string] $Database)
    $arguments = @('--batch', '--skip-column-names', '-e', $Sql)
    if ($Database) { $arguments += $Database }
    Invoke-ClientTool -Tool mariadb -Arguments $arguments
}

function New-TestDatabase {
    param([string] $Prefix = 'b1pester')
    $name = '{0}_{1}' -f $Prefix, [guid]::NewGuid().ToString('n').Substring(0, 8)
    Invoke-TestSql "CREATE DATABASE ``$name`` CHARACTER SET utf8mb4" | Out-Null
    $name
}

function Remove-TestDatabase {
    param([string] $Name)
    if ($Name) { Invoke-TestSql "DROP DATABASE IF EXISTS ``$Name``" | Out-Null }
}

function New-LegacyBackup {
    <#
    .SYNOPSIS
    A backup as the old scripts made it: mariadb-dump | gzip into backups/<env>/backup_<env>_<ts>.sql.gz,
    then sha256sum run in that folder.
    #>
    param([Parameter(Mandatory)] [string] $Root, [Parameter(Mandatory)] [string] $Environment,
        [Parameter(Mandatory)] [string] $Database, [datetime] $Timestamp = (Get-Date))
    $folder = Join-Path $Root $Environment
    New-Item -ItemType Directory -Force -Path $folder | Out-Null
    $name = 'backup_{0}_{1:yyyyMMdd_HHmmss}.sql.gz' -f $Environment, $Timestamp
    $file = Join-Path $folder $name
    $server = Get-B1TestServer
    $env:MYSQL_PWD = $server.Password
    try {
        $arguments = @(Get-ClientArguments) + @('--single-transaction', '--routines', '--triggers', '--events', $Database)
        & bash -c 'set -o pipefail; mariadb-dump "$@" | gzip > "$0"' $file @arguments
        if ($LASTEXITCODE -ne 0) { throw "mariadb-dump | gzip failed ($LASTEXITCODE)" }
    } finally { Remove-Item Env:MYSQL_PWD -ErrorAction SilentlyContinue }
    & bash -c 'cd "$(dirname "$0")" && sha256sum "$(basename "$0")" > "$(basename "$0").sha256"' $file
    if ($LASTEXITCODE -ne 0) { throw 'sha256sum failed' }
    Get-Item -LiteralPath $file
}

Export-ModuleMember -Function Get-B1TestServer, Invoke-ClientTool, Invoke-TestSql, New-TestDatabase, Remove-TestDatabase, New-LegacyBackup
