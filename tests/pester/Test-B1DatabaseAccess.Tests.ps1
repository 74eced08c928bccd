# The pre-flight an admin runs before scheduling a job.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../../B1Backup.psd1') -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../TestServer.psm1') -Force
    $script:server = Get-B1TestServer
    $script:database = New-TestDatabase -Prefix b1pre
    Invoke-TestSql -Database $database -Sql 'CREATE TABLE t (id INT PRIMARY KEY);' | Out-Null
}

AfterAll {
    Remove-TestDatabase $database
}

Describe 'Test-B1DatabaseAccess' {
    It 'passes every check for a user with every privilege, and shows them as a table' {
        $checks = @(Test-B1DatabaseAccess -ConnectionString $server.Url -Database $database)
        $checks.Count | Should -BeGreaterOrEqual 7
        @($checks | Where-Object Status -ne 'Passed') | Should -BeNullOrEmpty
        ($checks | Format-Table | Out-String -Width 200) | Should -Match 'StagingDatabase'
        Test-B1DatabaseAccess -ConnectionString $server.Url -Database $database -Quiet | Should -BeTrue
    }

    It 'fails the key check for a signing key that is too short' {
        $short = Join-Path $TestDrive 'short.key'
        [System.IO.File]::WriteAllBytes($short, [byte[]](1..8))
        $key = Test-B1DatabaseAccess -ConnectionString $server.Url -Database $database -SigningKeyPath $short | Where-Object Check -eq 'SigningKey'
        $key.Status | Should -Be 'Failed'
        Test-B1DatabaseAccess -ConnectionString $server.Url -Database $database -SigningKeyPath $short -Quiet | Should -BeFalse
    }

    It 'says which database to name when none is given' {
        $err = $null
        try { Test-B1DatabaseAccess -ConnectionString $server.Url -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Match '^MissingDatabase'
    }
}
