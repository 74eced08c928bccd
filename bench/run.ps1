<#
.SYNOPSIS
Times B1Backup against mariadb-dump, mydumper and myloader on the same data in one run.

.DESCRIPTION
Installs what it needs on Debian (sysbench, mydumper, pigz, MariaDB), starts a private MariaDB,
prepares two data sets (sysbench's tables: one integer key, random strings; and an employees-like
set from bench/employees.sql: composite keys, dates, repetitive strings, foreign keys), and times
each job on each set several rounds, reporting medians:
  backup:  mariadb-dump | gzip,  mariadb-dump | pigz -p 2,  mydumper -t 2 -c,  Backup-B1Database
  restore: gunzip -c | mariadb,  myloader -t 2,                                 Restore-B1Database
Our cmdlets run inside this PowerShell session, which has imported the module (as an admin's
prompt or a runbook would); the other tools run as whole processes. Every tool connects the same
way, TCP to 127.0.0.1 with TLS and the server's certificate checked against its CA; each job must
raise the server's Ssl_accepts or the bench stops. Also measured: compressed
sizes, and the peak memory (RSS) of this process during our backup, on one table and on one 4x
larger. Then, unless -SkipStorage, the first data set once more against Azure Blob Storage (a
local Azurite, started by the bench): Backup-B1Database into the store against the same backup to a
folder, and Restore-B1Database from the store against the restore from the local file, in each
placement (Pinned: Azurite beside the server on core 1), at least five rounds, with the peak memory of
the backup to the store. Every timed job starts on a server that has written out the previous job's
changed pages. Prints a table of times and ratios and writes it as JSON and an
SVG chart under bench/results.

.EXAMPLE
dotnet pwsh ./bench/run.ps1
.EXAMPLE
dotnet pwsh ./bench/run.ps1 -TableSize 50000 -Rounds 1 -SkipMemoryCheck    # a quick look
#>
[CmdletBinding()]
param(
    [int] $Tables = 4,
    [int] $TableSize = 250000,
    [int] $Rounds = 3,
    [switch] $SkipMemoryCheck,
    # Shared: every process on every core (a busy box). Pinned: the server on core 1, every client on
    # core 0 (a server with cores of its own, as in production). Both: one after the other.
    [ValidateSet('Shared', 'Pinned', 'Both')]
    [string] $Placement = 'Both',
    # Sysbench, Employees, or Both (one after the other, same server, same jobs).
    [ValidateSet('Sysbench', 'Employees', 'Both')]
    [string] $DataSet = 'Both',
    # Employees in the employees-like set; its other tables follow (about 13 rows per employee, 3.9M rows at 300,000).
    [int] $EmployeeCount = 300000,
    # Leave out the Azure Blob Storage comparison (it starts Azurite, from npm).
    [switch] $SkipStorage
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$root = Split-Path $PSScriptRoot
$resultsDir = Join-Path $PSScriptRoot 'results'

function Install-BenchTools {
    $missing = @('sysbench', 'mydumper', 'myloader', 'pigz', 'mariadbd', 'mariadb-dump') | Where-Object { -not (Get-Command $_ -ErrorAction SilentlyContinue) }
    if (-not $missing) { return }
    if (-not ($IsLinux -and (& id -u) -eq '0' -and (Test-Path /etc/debian_version))) {
        throw "Missing: $($missing -join ', '). Install sysbench, mydumper, pigz and MariaDB 10.11 (Debian: apt-get install sysbench mydumper pigz mariadb-server mariadb-client)."
    }
    Write-Host "Installing $($missing -join ', ') from Debian..."
    $env:DEBIAN_FRONTEND = 'noninteractive'
    & apt-get update -qq | Out-Null
    & apt-get install -y -qq sysbench mydumper pigz mariadb-server mariadb-client | Out-Null
    if ($LASTEXITCODE -ne 0) { throw "apt-get install failed ($LASTEXITCODE)." }
}

function Get-CpuSeconds([int] $ProcessId, [switch] $WithChildren) {
    # /proc/<pid>/stat: utime and stime (and, for this process, the waited-for children's cutime and cstime), in ticks of 1/100 s.
    $stat = Get-Content "/proc/$ProcessId/stat" -Raw
    $fields = $stat.Substring($stat.LastIndexOf(')') + 2).Split(' ')
    $ticks = [long]$fields[11] + [long]$fields[12]
    if ($WithChildren) { $ticks += [long]$fields[13] + [long]$fields[14] }
    $ticks / 100.0
}

function Set-Placement([string] $Name, [int[]] $BesideServer = @()) {
    # Threads made later inherit the mask, and so do the tools this process starts. $BesideServer: other
    # services (Azurite) that get the server's cores.
    $all = "0-$([Environment]::ProcessorCount - 1)"
    $serverCores, $clientCores = if ($Name -eq 'Pinned') { '1', '0' } else { $all, $all }
    foreach ($id in @($serverPid) + $BesideServer) { & taskset -a -p -c $serverCores $id > $null }
    & taskset -a -p -c $clientCores $PID > $null
    if ($LASTEXITCODE -ne 0) { throw "taskset failed for the $Name placement." }
}

function Get-ServerStatus([string] $Name) {
    # Over the root socket, which is not TLS itself and so does not count in Ssl_accepts.
    $line = Invoke-B1TestServerSql $server "SHOW GLOBAL STATUS LIKE '$Name'" | Select-Object -Last 1
    [long](($line -split '\s+')[-1])
}

function Wait-ServerSettled {
    # InnoDB writes a job's changed pages out in the background, at its I/O capacity (200 pages a second
    # by default), long after the job: that work, and its CPU, would land on whichever job runs next. So
    # every job starts on a server that has written everything out (outside the timing), as a fresh one would.
    Invoke-B1TestServerSql $server 'SET GLOBAL innodb_io_capacity_max = 100000; SET GLOBAL innodb_io_capacity = 50000; SET GLOBAL innodb_max_dirty_pages_pct = 0' | Out-Null
    try {
        $deadline = [DateTime]::UtcNow.AddSeconds(120)
        while ((Get-ServerStatus 'Innodb_buffer_pool_pages_dirty') -gt 100 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 200 }
    } finally {
        Invoke-B1TestServerSql $server "SET GLOBAL innodb_max_dirty_pages_pct = $serverDirtyPct; SET GLOBAL innodb_io_capacity = $serverIoCapacity; SET GLOBAL innodb_io_capacity_max = $serverIoCapacityMax" | Out-Null
    }
}

function Invoke-Timed([scriptblock] $Action, [string] $Name) {
    # Times a job and proves it connected with TLS (the server's Ssl_accepts grows), outside the timing;
    # the CPU-seconds of the client (this process and the tools it ran) and of the server go beside it.
    Wait-ServerSettled
    $before = Get-ServerStatus 'Ssl_accepts'
    $clientBefore = Get-CpuSeconds $PID -WithChildren
    $serverBefore = Get-CpuSeconds $serverPid
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    & $Action
    $watch.Stop()
    $script:cpu[$Name] = [ordered]@{ Client = (Get-CpuSeconds $PID -WithChildren) - $clientBefore; Server = (Get-CpuSeconds $serverPid) - $serverBefore }
    $tls = (Get-ServerStatus 'Ssl_accepts') - $before
    if ($tls -le 0) { throw "$Name made no TLS connection: every tool must connect the same way." }
    $script:tlsConnections[$Name] = $tls
    $watch.Elapsed.TotalSeconds
}

function Invoke-Bash([string] $Command) {
    & bash -c "set -o pipefail; $Command"
    if ($LASTEXITCODE -ne 0) { throw "Failed ($LASTEXITCODE): $Command" }
}

function Get-Median([double[]] $Values) {
    $sorted = @($Values | Sort-Object)
    if ($sorted.Count % 2) { $sorted[[int][math]::Floor($sorted.Count / 2)] } else { ($sorted[$sorted.Count / 2 - 1] + $sorted[$sorted.Count / 2]) / 2 }
}

function Get-PeakRss {
    # VmHWM: the peak resident set of this process since the last reset.
    [long](((Get-Content /proc/self/status | Where-Object { $_ -like 'VmHWM:*' }) -split '\s+')[1]) * 1KB
}

function Reset-PeakRss { [System.IO.File]::WriteAllText('/proc/self/clear_refs', '5') }

function Get-FreshProcessPeakRss([string] $Command, [hashtable] $Environment) {
    # The peak of one job in a new PowerShell process, as a runbook or scheduled task runs it: this
    # process's own peak cannot drop below the heap the garbage collector kept from the jobs before.
    # Secrets go through the environment, not the command line.
    $saved = @{}
    foreach ($name in $Environment.Keys) { $saved[$name] = [Environment]::GetEnvironmentVariable($name); [Environment]::SetEnvironmentVariable($name, $Environment[$name]) }
    try {
        $module = Join-Path $root 'B1Backup.psd1'
        $lines = & dotnet pwsh -NoProfile -NonInteractive -Command "Import-Module '$module'; `$null = $Command; (Get-Content /proc/self/status | Where-Object { `$_ -like 'VmHWM:*' }) -replace '\D', ''"
        if ($LASTEXITCODE -ne 0) { throw "The fresh process failed: $($lines -join ' ')" }
        [long]@($lines)[-1] * 1KB
    } finally {
        foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
    }
}

function Invoke-Sysbench([string] $Database, [int] $Count, [int] $Size) {
    Invoke-Bash "sysbench oltp_read_write --db-driver=mysql --mysql-host=127.0.0.1 --mysql-port=$($server.Port) --mysql-user=bench --mysql-password=$benchPassword --mysql-db=$Database --tables=$Count --table-size=$Size prepare > /dev/null"
}

function New-EmployeesData([int] $Count) {
    $file = Join-Path $work 'employees.sql'
    Set-Content -Path $file -Value (Get-Content -Raw (Join-Path $PSScriptRoot 'employees.sql')).Replace('@EMPLOYEES@', "$Count")
    Invoke-Bash "mariadb $client < '$file'"
}

function New-Svg($Rows) {
    $width = 760; $barHeight = 26; $left = 300; $scale = 380
    $height = 60 + $Rows.Count * ($barHeight + 10)
    $max = [math]::Max(1.2, ($Rows | ForEach-Object { $_.Ratio } | Measure-Object -Maximum).Maximum)
    $svg = [System.Text.StringBuilder]::new()
    [void]$svg.AppendLine("<svg xmlns='http://www.w3.org/2000/svg' width='$width' height='$height' font-family='sans-serif' font-size='13'>")
    [void]$svg.AppendLine("<text x='10' y='22' font-size='15' font-weight='bold'>B1Backup time as a share of each tool's (lower is better; line = target)</text>")
    $y = 40
    foreach ($row in $Rows) {
        $w = [int]($scale * $row.Ratio / $max)
        $color = if ($null -eq $row.Target) { '#5b8def' } elseif ($row.Ratio -le $row.Target) { '#2e9e5b' } else { '#d9534f' }
        [void]$svg.AppendLine("<text x='10' y='$($y + 17)'>$([System.Security.SecurityElement]::Escape($row.Label))</text>")
        [void]$svg.AppendLine("<rect x='$left' y='$y' width='$w' height='$barHeight' fill='$color'/>")
        # The label goes right of the bar or of the target line, whichever ends later.
        $labelX = $left + $w + 6
        if ($null -ne $row.Target) { $labelX = [math]::Max($labelX, $left + [int]($scale * $row.Target / $max) + 6) }
        [void]$svg.AppendLine(("<text x='{0}' y='{1}'>{2:N2}x</text>" -f $labelX, ($y + 17), $row.Ratio))
        if ($null -ne $row.Target) {
            $tx = $left + [int]($scale * $row.Target / $max)
            [void]$svg.AppendLine("<line x1='$tx' y1='$($y - 3)' x2='$tx' y2='$($y + $barHeight + 3)' stroke='black' stroke-width='2' stroke-dasharray='4,2'/>")
        }
        $y += $barHeight + 10
    }
    [void]$svg.AppendLine('</svg>')
    $svg.ToString()
}

Install-BenchTools
& (Join-Path $root 'build.ps1') Build
Import-Module (Join-Path $root 'B1Backup.psd1') -Force
Import-Module (Join-Path $root 'tests/TestServer.psm1') -Force

$benchPassword = 'B1bench-pass'
$work = Join-Path ([System.IO.Path]::GetTempPath()) ("b1bench-" + [guid]::NewGuid().ToString('n').Substring(0, 8))
New-Item -ItemType Directory -Path $work | Out-Null
# The whole data set fits in memory, for every tool alike.
$server = Start-B1TestServer -SkipTimeZones -ExtraArguments '--innodb-buffer-pool-size=2G', '--innodb-log-file-size=1G'
try {
    Invoke-B1TestServerSql $server "CREATE USER bench@'%' IDENTIFIED BY '$benchPassword'; GRANT ALL ON *.* TO bench@'%'; CREATE DATABASE sbtest;" | Out-Null
    $serverDirtyPct, $serverIoCapacity, $serverIoCapacityMax = (Invoke-B1TestServerSql $server 'SELECT @@innodb_max_dirty_pages_pct, @@innodb_io_capacity, @@innodb_io_capacity_max' | Select-Object -Last 1) -split '\s+'
    # Our cmdlets connect as an admin would by default: TLS, verified against the server's CA.
    $url = "mysql://bench:$benchPassword@127.0.0.1:$($server.Port)/sbtest?ssl-mode=VERIFY_CA&ssl-ca=$([uri]::EscapeDataString($server.Ca))"
    # Every tool connects the same way: TCP to 127.0.0.1 with TLS, the server's certificate checked
    # against its CA (ours VERIFY_CA; mariadb-dump and the mariadb client --ssl-verify-server-cert;
    # mydumper and myloader --ssl with the CA). Each timed job must raise Ssl_accepts, or the bench stops.
    $client = "--no-defaults -h127.0.0.1 -P$($server.Port) -ubench --ssl --ssl-ca='$($server.Ca)' --ssl-verify-server-cert"
    $myTls = "--ssl --ca '$($server.Ca)'"
    $env:MYSQL_PWD = $benchPassword
    $sets = [ordered]@{}
    if ($DataSet -ne 'Employees') {
        Write-Host "Preparing sysbench: $Tables tables x $TableSize rows..."
        Invoke-Sysbench sbtest $Tables $TableSize
        $sets['sysbench'] = [ordered]@{ Database = 'sbtest'; Description = "sysbench oltp_read_write, $Tables tables x $TableSize rows" }
    }
    if ($DataSet -ne 'Sysbench') {
        Write-Host "Preparing the employees-like set: $EmployeeCount employees..."
        New-EmployeesData $EmployeeCount
        $rowCount = [long](& bash -c "mariadb $client -N -e 'SELECT (SELECT COUNT(*) FROM emptest.employees) + (SELECT COUNT(*) FROM emptest.salaries) + (SELECT COUNT(*) FROM emptest.titles) + (SELECT COUNT(*) FROM emptest.dept_emp) + (SELECT COUNT(*) FROM emptest.dept_manager) + (SELECT COUNT(*) FROM emptest.departments)'")
        $sets['employees'] = [ordered]@{ Database = 'emptest'; Description = "employees-like, 6 tables, composite keys, dates, foreign keys, $($rowCount.ToString('N0')) rows" }
    }

    $serverPid = [int](Get-Content (Join-Path $server.Root 'mysqld.pid'))
    $placements = @(if ($Placement -eq 'Both') { 'Shared', 'Pinned' } else { $Placement })
    $bySet = [ordered]@{}
    foreach ($setName in $sets.Keys) {
    $db = $sets[$setName].Database
    $setUrl = $url -replace '/sbtest\?', "/${db}?"
    $sqlBytes = [long](& bash -c "mariadb-dump $client --single-transaction $db | wc -c")
    $sets[$setName].Description += ", $([math]::Round($sqlBytes / 1MB)) MB of SQL"
    Write-Host "Data set: $($sets[$setName].Description)"
    $tableNames = @(& bash -c "mariadb $client -N -e `"SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = '$db' ORDER BY TABLE_NAME`"")
    $byPlacement = [ordered]@{}
    foreach ($place in $placements) {
    Write-Host "Placement: $place"
    Set-Placement $place
    $script:cpu = [ordered]@{}
    try {
        $times = [ordered]@{}
        foreach ($name in 'dump|gzip', 'dump|pigz', 'mydumper', 'B1 backup', 'B1 backup zstd', 'gunzip|mariadb', 'myloader', 'B1 restore') { $times[$name] = [System.Collections.Generic.List[double]]::new() }
        $sizes = @{}
        $peak = @{}
        $script:tlsConnections = [ordered]@{}
        for ($round = 1; $round -le $Rounds; $round++) {
            Write-Host "Round $round of $Rounds"
            Remove-Item -Recurse -Force (Join-Path $work '*') -ErrorAction SilentlyContinue
            $times['dump|gzip'].Add((Invoke-Timed { Invoke-Bash "mariadb-dump $client --single-transaction $db | gzip > '$work/dump.sql.gz'" } -Name 'dump|gzip'))
            $times['dump|pigz'].Add((Invoke-Timed { Invoke-Bash "mariadb-dump $client --single-transaction $db | pigz -p 2 > '$work/dump-pigz.sql.gz'" } -Name 'dump|pigz'))
            $times['mydumper'].Add((Invoke-Timed { Invoke-Bash "mydumper -h 127.0.0.1 -P $($server.Port) -u bench -p '$benchPassword' $myTls -t 2 -c -B $db -o '$work/mydumper' > /dev/null" } -Name 'mydumper'))
            Reset-PeakRss
            $backup = $null
            $times['B1 backup'].Add((Invoke-Timed { $script:backup = Backup-B1Database -ConnectionString $setUrl -Path "$work/b1" -Environment bench } -Name 'B1 backup'))
            $peak['backup'] = Get-PeakRss
            $zstd = $null
            $times['B1 backup zstd'].Add((Invoke-Timed { $script:zstd = Backup-B1Database -ConnectionString $setUrl -Path "$work/b1zstd" -Environment bench -Compression Zstd } -Name 'B1 backup zstd'))

            $sizes['dump|gzip'] = (Get-Item "$work/dump.sql.gz").Length
            $sizes['dump|pigz'] = (Get-Item "$work/dump-pigz.sql.gz").Length
            $sizes['mydumper'] = (Get-ChildItem -Recurse -File "$work/mydumper" | Measure-Object Length -Sum).Sum
            $sizes['B1 backup'] = $backup.Size
            $sizes['B1 backup zstd'] = $zstd.Size

            Invoke-Bash "mariadb $client -e 'DROP DATABASE IF EXISTS r_cli; CREATE DATABASE r_cli; DROP DATABASE IF EXISTS r_myloader; DROP DATABASE IF EXISTS r_b1;'"
            $times['gunzip|mariadb'].Add((Invoke-Timed { Invoke-Bash "gunzip -c '$work/dump.sql.gz' | mariadb $client r_cli" } -Name 'gunzip|mariadb'))
            $times['myloader'].Add((Invoke-Timed { Invoke-Bash "myloader -h 127.0.0.1 -P $($server.Port) -u bench -p '$benchPassword' $myTls -t 2 -d '$work/mydumper' -B r_myloader -o > /dev/null" } -Name 'myloader'))
            Reset-PeakRss
            $restored = $null
            $times['B1 restore'].Add((Invoke-Timed { $script:restored = Restore-B1Database -ConnectionString $setUrl -Path $backup.FullName -TargetDatabase r_b1 -Confirm:$false } -Name 'B1 restore'))
            $peak['restore'] = Get-PeakRss
            if (-not $restored.Verified) { throw 'Our restore did not verify.' }
            # Every table, against the source: the same rows, exactly (CHECKSUM TABLE ... EXTENDED reads them all).
            $pairs = ($tableNames | ForEach-Object { "``$db``.``$_``, r_b1.``$_``" }) -join ', '
            $check = @(& bash -c "mariadb $client -N -e 'CHECKSUM TABLE $pairs EXTENDED'" | ForEach-Object { ($_ -split '\s+')[1] })
            if ($check.Count -ne 2 * $tableNames.Count) { throw "CHECKSUM TABLE answered $($check.Count) lines for $($tableNames.Count) tables." }
            for ($i = 0; $i -lt $check.Count; $i += 2) {
                if ($check[$i] -ne $check[$i + 1] -or $check[$i] -eq 'NULL') { throw "Our restore differs from the source in table $($tableNames[$i / 2]) (CHECKSUM TABLE)." }
            }
            Write-Host ("  " + (($times.Keys | ForEach-Object { '{0} {1:N1}s' -f $_, $times[$_][-1] }) -join ', '))
        }

        $median = [ordered]@{}
        foreach ($name in $times.Keys) { $median[$name] = Get-Median $times[$name].ToArray() }
        $ratios = @(
            [pscustomobject]@{ Label = 'backup vs mydumper -t 2 -c'; Ratio = $median['B1 backup'] / $median['mydumper']; Target = 0.45 }
            [pscustomobject]@{ Label = 'backup vs mariadb-dump | gzip'; Ratio = $median['B1 backup'] / $median['dump|gzip']; Target = 0.2 }
            [pscustomobject]@{ Label = 'backup vs mariadb-dump | pigz'; Ratio = $median['B1 backup'] / $median['dump|pigz']; Target = $null }
            [pscustomobject]@{ Label = 'restore vs myloader -t 2'; Ratio = $median['B1 restore'] / $median['myloader']; Target = $(if ($place -eq 'Pinned') { 0.8 } else { 0.9 }) }
            [pscustomobject]@{ Label = 'restore vs gunzip | mariadb'; Ratio = $median['B1 restore'] / $median['gunzip|mariadb']; Target = $null }
            [pscustomobject]@{ Label = 'size vs mariadb-dump | gzip -6'; Ratio = $sizes['B1 backup'] / $sizes['dump|gzip']; Target = 1.1 }
        )
    } finally {
        Set-Placement 'Shared'
    }
    $byPlacement[$place] = [ordered]@{ MedianSeconds = $median; Ratios = $ratios; CpuSecondsLastRound = $script:cpu }
    }
    $bySet[$setName] = [ordered]@{ DataSet = $sets[$setName].Description; SqlBytes = $sqlBytes; Sizes = $sizes; PeakRssBytes = $peak; TlsConnections = $script:tlsConnections; Placements = $byPlacement }
    }
    # The chart and the summary: every set's ratios in the first placement.
    $ratios = foreach ($setName in $bySet.Keys) {
        foreach ($row in $bySet[$setName].Placements[$placements[0]].Ratios) { [pscustomobject]@{ Label = "${setName}: $($row.Label)"; Ratio = $row.Ratio; Target = $row.Target } }
    }

    $storage = $null
    if (-not $SkipStorage) {
        # The same backup and restore, against a folder and against a local Azurite, in both placements:
        # Shared, Azurite on the cores our cmdlets use; Pinned, Azurite beside the server on core 1, as a
        # real storage account runs on machines of its own. At least five rounds: the ratio of two
        # seconds-long jobs on a shared box moves by 0.2 between rounds.
        Import-Module (Join-Path $root 'tests/TestStorage.psm1') -Force
        $azurite = Start-B1TestAzurite
        try {
            $setName = @($sets.Keys)[0]
            $db = $sets[$setName].Database
            $setUrl = $url -replace '/sbtest\?', "/${db}?"
            $store = "$($azurite.Endpoint)/bench$([guid]::NewGuid().ToString('n').Substring(0, 8))/backups"
            $storeRounds = [math]::Max($Rounds, 5)
            $storePeak = 0
            $storePlacements = [ordered]@{}
            $storeRatios = @()
            foreach ($place in $placements) {
                Set-Placement $place -BesideServer $azurite.Process.Id
                Write-Host "Storage, ${place}: $setName to a folder and to Azurite ($store), $storeRounds rounds"
                $storeTimes = [ordered]@{}
                foreach ($name in 'backup to folder', 'backup to Azurite', 'restore from file', 'restore from Azurite') { $storeTimes[$name] = [System.Collections.Generic.List[double]]::new() }
                $script:cpu = [ordered]@{}
                for ($round = 1; $round -le $storeRounds; $round++) {
                    Remove-Item -Recurse -Force (Join-Path $work '*') -ErrorAction SilentlyContinue
                    $local = $null; $remote = $null
                    $storeTimes['backup to folder'].Add((Invoke-Timed { $script:local = Backup-B1Database -ConnectionString $setUrl -Path "$work/b1" -Environment bench } -Name 'backup to folder'))
                    Reset-PeakRss
                    $storeTimes['backup to Azurite'].Add((Invoke-Timed { $script:remote = Backup-B1Database -ConnectionString $setUrl -Path $store -Environment bench -StorageConnectionString $azurite.ConnectionString } -Name 'backup to Azurite'))
                    $storePeak = [math]::Max($storePeak, (Get-PeakRss))
                    Invoke-Bash "mariadb $client -e 'DROP DATABASE IF EXISTS r_b1; DROP DATABASE IF EXISTS r_b1az;'"
                    $storeTimes['restore from file'].Add((Invoke-Timed { $null = Restore-B1Database -ConnectionString $setUrl -Path $local.FullName -TargetDatabase r_b1 -Confirm:$false } -Name 'restore from file'))
                    $fromStore = $null
                    $storeTimes['restore from Azurite'].Add((Invoke-Timed { $script:fromStore = Restore-B1Database -ConnectionString $setUrl -Path $remote.FullName -TargetDatabase r_b1az -Confirm:$false -StorageConnectionString $azurite.ConnectionString } -Name 'restore from Azurite'))
                    if (-not $fromStore.Verified) { throw 'The restore from Azurite did not verify.' }
                    Write-Host ("  " + (($storeTimes.Keys | ForEach-Object { '{0} {1:N1}s' -f $_, $storeTimes[$_][-1] }) -join ', '))
                    Start-Sleep -Milliseconds 1100
                }
                $storeMedian = [ordered]@{}
                foreach ($name in $storeTimes.Keys) { $storeMedian[$name] = Get-Median $storeTimes[$name].ToArray() }
                $placeRatios = @(
                    [pscustomobject]@{ Label = "${setName}: backup to Azurite vs to a folder"; Ratio = $storeMedian['backup to Azurite'] / $storeMedian['backup to folder']; Target = 1.3 }
                    [pscustomobject]@{ Label = "${setName}: restore from Azurite vs from a file"; Ratio = $storeMedian['restore from Azurite'] / $storeMedian['restore from file']; Target = 1.2 }
                )
                $storePlacements[$place] = [ordered]@{ MedianSeconds = $storeMedian; Seconds = $storeTimes; Ratios = $placeRatios; CpuSecondsLastRound = $script:cpu }
                $storeRatios += $placeRatios | ForEach-Object { [pscustomobject]@{ Label = "$($_.Label) ($($place.ToLowerInvariant()))"; Ratio = $_.Ratio; Target = $_.Target } }
            }
            Set-Placement 'Shared'
            $freshStorePeak = Get-FreshProcessPeakRss -Command "Backup-B1Database -Path '$store' -Environment fresh" -Environment @{ DATABASE_URL = $setUrl; AZURE_STORAGE_CONNECTION_STRING = $azurite.ConnectionString }
            $storage = [ordered]@{
                DataSet = $sets[$setName].Description
                Rounds = $storeRounds
                Placements = $storePlacements
                PeakRssBackupToStore = $storePeak
                PeakRssBackupToStoreFreshProcess = $freshStorePeak
                Ratios = $storeRatios
            }
            $ratios = @($ratios) + $storage.Ratios
        } finally {
            Stop-B1TestAzurite $azurite
        }
    }

    $memory = $null
    if (-not $SkipMemoryCheck) {
        Write-Host 'Memory: one table, then one 4x larger...'
        $memory = foreach ($size in $TableSize, ($TableSize * 4)) {
            Invoke-Bash "mariadb $client -e 'DROP DATABASE IF EXISTS sbmem; CREATE DATABASE sbmem;'"
            Invoke-Sysbench sbmem 1 $size
            $memUrl = $url -replace '/sbtest\?', '/sbmem?'
            Reset-PeakRss
            $m = Backup-B1Database -ConnectionString $memUrl -Path "$work/mem" -Environment mem
            $peak = Get-PeakRss
            # The same backup, and a restore of it, each in a new process: a job's own peak, without the heap
            # this process kept from every job before it.
            $freshBackup = Get-FreshProcessPeakRss -Command "Backup-B1Database -Path '$work/memfresh' -Environment mem" -Environment @{ DATABASE_URL = $memUrl }
            $freshRestore = Get-FreshProcessPeakRss -Command "Restore-B1Database -Path '$($m.FullName)' -TargetDatabase sbmem_restored -Confirm:`$false" -Environment @{ DATABASE_URL = $memUrl }
            [pscustomobject]@{ Rows = $size; SqlBytes = $m.UncompressedSize; PeakRss = $peak; PeakRssBackupNewProcess = $freshBackup; PeakRssRestoreNewProcess = $freshRestore }
            Start-Sleep -Milliseconds 1100
        }
    }

    $cpu = ((Get-Content /proc/cpuinfo | Where-Object { $_ -like 'model name*' } | Select-Object -First 1) -split ':\s*', 2)[1]
    $report = [ordered]@{
        Date         = (Get-Date).ToString('yyyy-MM-dd HH:mm')
        Machine      = "$([Environment]::ProcessorCount) cores, $cpu, $([math]::Round((Get-Content /proc/meminfo -TotalCount 1).Split(' ', [StringSplitOptions]::RemoveEmptyEntries)[1] / 1MB)) GiB"
        Server       = (& bash -c "mariadb $client -N -e 'SELECT VERSION()'")
        Rounds       = $Rounds
        Ratios       = $ratios
        Memory       = $memory
        Storage      = $storage
        DataSets     = $bySet
    }

    Write-Host ''
    Write-Host "$($report.Machine); median of $Rounds"
    foreach ($setName in $bySet.Keys) {
    $set = $bySet[$setName]
    $sizes = $set.Sizes
    Write-Host ''
    Write-Host "== $($set.DataSet)"
    foreach ($place in $set.Placements.Keys) {
        $result = $set.Placements[$place]
        Write-Host ''
        Write-Host $(if ($place -eq 'Pinned') { 'Pinned: the server on core 1, every client on core 0' } else { 'Shared: every process on every core' })
        $result.MedianSeconds.GetEnumerator() | ForEach-Object {
            $used = $result.CpuSecondsLastRound[$_.Key]
            [pscustomobject]@{ Job = $_.Key; Seconds = [math]::Round($_.Value, 2); Size = if ($sizes.ContainsKey($_.Key)) { '{0:N1} MB' -f ($sizes[$_.Key] / 1MB) } else { '' }; 'Client CPU-s' = [math]::Round($used.Client, 1); 'Server CPU-s' = [math]::Round($used.Server, 1) }
        } | Format-Table -AutoSize | Out-Host
        $result.Ratios | ForEach-Object { [pscustomobject]@{ Comparison = $_.Label; Ratio = [math]::Round($_.Ratio, 2); Target = if ($null -ne $_.Target) { "<= $($_.Target)" } else { '' }; Met = if ($null -ne $_.Target) { $_.Ratio -le $_.Target } else { '' } } } | Format-Table -AutoSize | Out-Host
    }
    Write-Host ('Peak RSS of this PowerShell process: backup {0:N0} MB, restore {1:N0} MB' -f ($set.PeakRssBytes['backup'] / 1MB), ($set.PeakRssBytes['restore'] / 1MB))
    Write-Host ('Every job connected with TLS (new Ssl_accepts in its last round): ' + (($set.TlsConnections.GetEnumerator() | ForEach-Object { "$($_.Key) $($_.Value)" }) -join ', '))
    }
    if ($storage) {
        foreach ($place in $storage.Placements.Keys) {
            $result = $storage.Placements[$place]
            Write-Host ''
            Write-Host "== Azure Blob Storage (Azurite on this machine), $($storage.DataSet), median of $($storage.Rounds)"
            Write-Host $(if ($place -eq 'Pinned') { 'Pinned: Azurite and the server on core 1, our cmdlets on core 0' } else { 'Shared: every process on every core' })
            $result.MedianSeconds.GetEnumerator() | ForEach-Object {
                $used = $result.CpuSecondsLastRound[$_.Key]
                [pscustomobject]@{ Job = $_.Key; Seconds = [math]::Round($_.Value, 2); Rounds = ($result.Seconds[$_.Key] | ForEach-Object { $_.ToString('N2') }) -join ' '; 'Client CPU-s' = [math]::Round($used.Client, 1); 'Server CPU-s' = [math]::Round($used.Server, 1) }
            } | Format-Table -AutoSize | Out-Host
            $result.Ratios | ForEach-Object { [pscustomobject]@{ Comparison = $_.Label; Ratio = [math]::Round($_.Ratio, 2); Target = "<= $($_.Target)"; Met = $_.Ratio -le $_.Target } } | Format-Table -AutoSize | Out-Host
        }
        Write-Host ('Peak RSS during the backup to Azurite: {0:N0} MB in a new PowerShell process (target < 400); {1:N0} MB in this one, after the jobs before it' -f ($storage.PeakRssBackupToStoreFreshProcess / 1MB), ($storage.PeakRssBackupToStore / 1MB))
    }
    if ($memory) { $memory | ForEach-Object { Write-Host ('  one table of {0:N0} rows ({1:N0} MB of SQL): peak RSS of the backup {2:N0} MB in this process; in a new process backup {3:N0} MB, restore {4:N0} MB (target < 400)' -f $_.Rows, ($_.SqlBytes / 1MB), ($_.PeakRss / 1MB), ($_.PeakRssBackupNewProcess / 1MB), ($_.PeakRssRestoreNewProcess / 1MB)) } }

    New-Item -ItemType Directory -Force -Path $resultsDir | Out-Null
    $json = $report | ConvertTo-Json -Depth 8
    $stamp = (Get-Date).ToString('yyyyMMdd_HHmmss')
    Set-Content -Path (Join-Path $resultsDir "bench_$stamp.json") -Value $json
    Set-Content -Path (Join-Path $resultsDir 'latest.json') -Value $json
    Set-Content -Path (Join-Path $resultsDir 'latest.svg') -Value (New-Svg $ratios)
    Write-Host "Wrote $resultsDir/latest.json and latest.svg"
} finally {
    Remove-Item Env:MYSQL_PWD -ErrorAction SilentlyContinue
    Stop-B1TestServer $server
    Remove-Item -Recurse -Force $work -ErrorAction SilentlyContinue
}
