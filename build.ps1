<#
.SYNOPSIS
Builds, tests and demonstrates B1Backup. Run as: dotnet pwsh ./build.ps1 <Task>

.DESCRIPTION
Build    compiles the module into out/bin; afterwards Import-Module ./B1Backup.psd1 works.
Test     builds, starts a private MariaDB (unless B1_TEST_DATABASE_URL names a server), runs the
         xUnit and Pester tests, stops the server, and prints 'N passed, N failed' last.
         Test -Unit runs only the xUnit tests that need no server (Category=Unit), in seconds.
Demo     starts a private MariaDB, loads the Sakila sample, backs it up, lists and verifies the
         backup, restores it into a second database and prints the objects.
Package  lays out out/package/B1Backup/<version> and packs out/package/repository/B1Backup.<version>.nupkg.
Analyze  fails on code that breaks the formatting rules of .editorconfig (dotnet format --verify-no-changes)
         or the script rules of tests/ScriptRules.ps1; the build itself fails on any analyzer warning.
Bench    times our backup and restore against mariadb-dump, mydumper and myloader (bench/run.ps1).
Clean    removes build output.
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('Build', 'Test', 'Analyze', 'Demo', 'Bench', 'Package', 'Clean')]
    [string] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # With Test: only the tests that need no server.
    [switch] $Unit
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$Root = $PSScriptRoot
$OutDir = Join-Path $Root 'out'
$BinDir = Join-Path $OutDir 'bin'
$ResultsDir = Join-Path $OutDir 'test-results'

function Invoke-Dotnet {
    & dotnet @args
    if ($LASTEXITCODE -ne 0) { throw "dotnet $($args -join ' ') failed with exit code $LASTEXITCODE." }
}

function Invoke-Build {
    # out/bin holds the cmdlets and B1Backup.Loader; the engine and its dependencies go under
    # out/bin/deps, where the loader finds them: deps/core (net8.0, PowerShell 7) and deps/desktop
    # (netstandard2.0, Windows PowerShell 5.1). A stale engine beside the cmdlets would bypass that.
    Remove-Item -Recurse -Force $BinDir -ErrorAction SilentlyContinue
    $staging = Join-Path $OutDir 'obj'
    $null = New-Item -ItemType Directory -Force $BinDir
    foreach ($project in 'B1Backup', 'B1Backup.Loader') {
        Invoke-Dotnet publish (Join-Path $Root "src/$project/$project.csproj") -c $Configuration -o (Join-Path $staging $project) --nologo -v quiet
        Copy-Item (Join-Path $staging "$project/$project.dll"), (Join-Path $staging "$project/$project.pdb") -Destination $BinDir
    }
    $engine = Join-Path $Root 'src/B1Backup.Core/B1Backup.Core.csproj'
    Invoke-Dotnet publish $engine -c $Configuration -f net8.0 -o (Join-Path $BinDir 'deps/core') --nologo -v quiet
    Invoke-Dotnet publish $engine -c $Configuration -f netstandard2.0 -o (Join-Path $BinDir 'deps/desktop') --nologo -v quiet
    # Help beside the manifest, where PowerShell looks for it: MAML made from module/help/*.md, and about_B1Backup.
    $helpFolder = Join-Path $Root 'en-US'
    & dotnet pwsh -NoProfile -NonInteractive -File (Join-Path $Root 'module/help/New-B1Help.ps1') -ModulePath (Join-Path $Root 'B1Backup.psd1') -OutputFile (Join-Path $helpFolder 'B1Backup.dll-Help.xml') | Out-Host
    if ($LASTEXITCODE -ne 0) { throw 'Generating the help failed: every cmdlet and parameter needs its text in module/help.' }
    Copy-Item (Join-Path $Root 'module/en-US/*') -Destination $helpFolder -Force
    Write-Host "Built the module into $BinDir. Import it with: Import-Module ./B1Backup.psd1"
}

function Get-PesterPath {
    $packages = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path ([Environment]::GetFolderPath('UserProfile')) '.nuget/packages' }
    $path = Join-Path $packages 'pester/5.7.1/tools/Pester.psd1'
    if (-not (Test-Path $path)) {
        # Restoring the test project downloads Pester (a PackageDownload item).
        Invoke-Dotnet restore (Join-Path $Root 'tests/B1Backup.Core.Tests/B1Backup.Core.Tests.csproj') --nologo -v quiet
    }
    if (-not (Test-Path $path)) { throw "Pester 5.7.1 was not found at $path after restoring the test project." }
    $path
}

function Invoke-XunitTests {
    <# -EngineFramework netstandard2.0 runs the same tests against the engine build that Windows PowerShell 5.1 loads. #>
    param([string] $EngineFramework = 'net8.0')
    $name = "xunit-$EngineFramework.trx"
    $trx = Join-Path $ResultsDir $name
    Remove-Item $trx -ErrorAction SilentlyContinue
    $engine = @()
    if ($EngineFramework -ne 'net8.0') { $engine += "-p:EngineFramework=$EngineFramework" }
    Write-Host "xUnit against the $EngineFramework engine:"
    & dotnet test (Join-Path $Root 'tests/B1Backup.Core.Tests/B1Backup.Core.Tests.csproj') -c $Configuration --nologo @engine `
        --logger "trx;LogFileName=$name" --logger 'console;verbosity=normal' --results-directory $ResultsDir | Out-Host
    if (-not (Test-Path $trx)) {
        Write-Host "xUnit ($EngineFramework engine) wrote no result file (the build or the test host failed): counted as one failure."
        return [pscustomobject]@{ Passed = 0; Failed = 1 }
    }
    $counters = ([xml](Get-Content -Raw $trx)).TestRun.ResultSummary.Counters
    [pscustomobject]@{ Passed = [int]$counters.passed; Failed = [int]$counters.failed + [int]$counters.error + [int]$counters.timeout + [int]$counters.aborted }
}

function Invoke-PesterTests {
    # A child process: the tests import the freshly built module into a clean session.
    $resultFile = Join-Path $ResultsDir 'pester.json'
    Remove-Item $resultFile -ErrorAction SilentlyContinue
    & dotnet pwsh -NoProfile -NonInteractive -File (Join-Path $Root 'tests/Invoke-PesterTests.ps1') -PesterPath (Get-PesterPath) -ResultFile $resultFile | Out-Host
    if (-not (Test-Path $resultFile)) {
        Write-Host 'Pester wrote no result file: counted as one failure.'
        return [pscustomobject]@{ Passed = 0; Failed = 1 }
    }
    Get-Content -Raw $resultFile | ConvertFrom-Json
}

function Invoke-Test {
    Invoke-Build
    New-Item -ItemType Directory -Force -Path $ResultsDir | Out-Null
    Import-Module (Join-Path $Root 'tests/TestServer.psm1') -Force
    $server = $null
    $passed = 0; $failed = 0
    try {
        # The tools the tests call (zstd, crontab) are installed too when a private server is started.
        if (-not $env:B1_TEST_DATABASE_URL) {
            $server = Start-B1TestServer
            $env:B1_TEST_DATABASE_URL = $server.Url
            $env:B1_TEST_SERVER_ROOT = $server.Root
            Write-Host "Started a private MariaDB on 127.0.0.1:$($server.Port)."
        }
        # Object-storage tests start their own Azurite (Azure) and s3rver (S3), both from npm, from these scripts.
        Import-Module (Join-Path $Root 'tests/TestStorage.psm1') -Force
        if (-not $env:B1_TEST_AZURITE_ENTRY) { $env:B1_TEST_AZURITE_ENTRY = Install-B1Azurite }
        if (-not $env:B1_TEST_S3RVER_ENTRY) { $env:B1_TEST_S3RVER_ENTRY = Install-B1S3rver }
        foreach ($suite in @((Invoke-XunitTests), (Invoke-XunitTests -EngineFramework netstandard2.0), (Invoke-PesterTests))) {
            $passed += $suite.Passed
            $failed += $suite.Failed
        }
    } catch {
        Write-Host "The test run failed before it finished: $_"
        $failed++
    } finally {
        if ($server) {
            Stop-B1TestServer $server
            Remove-Item Env:B1_TEST_DATABASE_URL, Env:B1_TEST_SERVER_ROOT -ErrorAction SilentlyContinue
        }
    }
    Write-Output "$passed passed, $failed failed"
    if ($failed -gt 0) { exit 1 }
}

function Invoke-UnitTest {
    New-Item -ItemType Directory -Force -Path $ResultsDir | Out-Null
    $name = 'xunit-unit.trx'
    $trx = Join-Path $ResultsDir $name
    Remove-Item $trx -ErrorAction SilentlyContinue
    # A server that cannot answer: a test labelled Unit that talks to one fails instead of passing by luck.
    $saved = $env:B1_TEST_DATABASE_URL
    $env:B1_TEST_DATABASE_URL = 'mysql://unit:unit@127.0.0.1:9/none?ssl-mode=DISABLED'
    try {
        & dotnet test (Join-Path $Root 'tests/B1Backup.Core.Tests/B1Backup.Core.Tests.csproj') -c $Configuration --nologo --filter 'Category=Unit' `
            --logger "trx;LogFileName=$name" --results-directory $ResultsDir | Out-Host
    } finally {
        $env:B1_TEST_DATABASE_URL = $saved
    }
    $passed = 0; $failed = 1
    if (Test-Path $trx) {
        $counters = ([xml](Get-Content -Raw $trx)).TestRun.ResultSummary.Counters
        $passed = [int]$counters.passed
        $failed = [int]$counters.failed + [int]$counters.error + [int]$counters.timeout + [int]$counters.aborted
    }
    Write-Output "$passed passed, $failed failed"
    if ($failed -gt 0) { exit 1 }
}

function Invoke-Analyze {
    # The analyzers run in every build (Directory.Build.props) and fail it on a warning.
    Invoke-Dotnet build (Join-Path $Root 'B1Backup.sln') -c $Configuration --nologo -v quiet
    & dotnet format (Join-Path $Root 'B1Backup.sln') --verify-no-changes
    $formatted = $LASTEXITCODE -eq 0
    if (-not $formatted) { Write-Host 'dotnet format found code that breaks .editorconfig: run dotnet format B1Backup.sln, review and commit.' }
    . (Join-Path $Root 'tests/ScriptRules.ps1')
    $findings = @(Get-ChildItem -Recurse -File -Path $Root -Include *.ps1, *.psm1, *.psd1 |
        Where-Object { $_.FullName -notmatch '[\\/](out|bin|obj|node_modules)[\\/]' } |
        Get-B1ScriptFinding)
    $findings | ForEach-Object { Write-Host "$($_.File):$($_.Line): $($_.Rule): $($_.Message)" }
    if (-not $formatted -or $findings.Count -gt 0) { throw "Analyze failed: $(if (-not $formatted) { 'formatting; ' })$($findings.Count) script finding(s)." }
    Write-Host 'Analyze: the build, the formatting and the scripts are clean.'
}

function Invoke-Demo {
    Invoke-Build
    & (Join-Path $Root 'tests/Invoke-Demo.ps1') -ModulePath (Join-Path $Root 'B1Backup.psd1')
}

switch ($Task) {
    'Build' { Invoke-Build }
    'Test' { if ($Unit) { Invoke-UnitTest } else { Invoke-Test } }
    'Analyze' { Invoke-Analyze }
    'Demo' { Invoke-Demo }
    'Bench' { & (Join-Path $Root 'bench/run.ps1') }
    'Package' { Invoke-Build; & (Join-Path $Root 'module/New-B1Package.ps1') -Root $Root -Output (Join-Path $OutDir 'package') }
    'Clean' { Remove-Item -Recurse -Force $OutDir -ErrorAction SilentlyContinue; Invoke-Dotnet clean (Join-Path $Root 'B1Backup.sln') --nologo -v quiet }
}
