BeforeAll {
    $script:repositoryRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $script:package = & (Join-Path $repositoryRoot 'module/New-B1Package.ps1') -Root $repositoryRoot -Output (Join-Path $TestDrive 'package') 6>$null
    $script:repoName = 'B1BackupTest' + [guid]::NewGuid().ToString('n').Substring(0, 6)
    Register-PSResourceRepository -Name $repoName -Uri $package.Repository -Trusted
}

AfterAll {
    Uninstall-PSResource -Name B1Backup -Version $package.Version -Scope CurrentUser -ErrorAction SilentlyContinue
    Unregister-PSResourceRepository -Name $repoName -ErrorAction SilentlyContinue
}

Describe 'Packaging' {
    It 'makes a versioned module folder whose manifest carries the metadata' {
        $package.ModuleFolder | Should -Match "B1Backup[/\\]$([regex]::Escape($package.Version))$"
        $manifest = Test-ModuleManifest (Join-Path $package.ModuleFolder 'B1Backup.psd1')
        $manifest.Version | Should -Be ([version]$package.Version)
        $manifest.Description | Should -Match 'TiDB'
        $manifest.Tags | Should -Contain 'MariaDB'
        $manifest.ProjectUri | Should -Not -BeNullOrEmpty
        $manifest.LicenseUri | Should -Not -BeNullOrEmpty
        $manifest.CompatiblePSEditions | Should -Be @('Desktop', 'Core')
        Test-Path (Join-Path $package.ModuleFolder 'en-US/B1Backup.dll-Help.xml') | Should -BeTrue
        Test-Path (Join-Path $package.ModuleFolder 'LICENSE') | Should -BeTrue
        $package.Package | Should -Match 'B1Backup\.\d+\.\d+\.\d+\.nupkg$'
    }

    It 'installs with Install-PSResource from a file-system repository, and works with its help and its engine' {
        Install-PSResource -Name B1Backup -Repository $repoName -Scope CurrentUser -TrustRepository -Reinstall
        # A clean session that finds the module by name, as a user's would; the checksum of a missing
        # file runs in the engine, which must come from the package's bin/deps/core.
        $script = 'Import-Module B1Backup -RequiredVersion $1; (Get-Module B1Backup).ModuleBase; (Get-Command -Module B1Backup).Count; (Get-Help Get-B1Backup).Synopsis; ' +
            '(Test-B1BackupChecksum -Path ./no_such_backup.sql.gz).Reason; ([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq ''B1Backup.Core'' }).Location'
        $out = & bash -c 'cd "$0" && dotnet pwsh -NoProfile -NonInteractive -Command "$2"' $repositoryRoot $package.Version $script.Replace('$1', $package.Version)
        $LASTEXITCODE | Should -Be 0
        $out[0] | Should -Not -Be $repositoryRoot
        $out[0] | Should -Match ([regex]::Escape($package.Version))
        [int]$out[1] | Should -Be (Import-PowerShellDataFile (Join-Path $repositoryRoot 'B1Backup.psd1')).CmdletsToExport.Count
        $out[2] | Should -Match 'Lists backups'
        $out[3] | Should -Be 'FileNotFound'
        $out[4] | Should -Be (Join-Path $out[0] 'bin/deps/core/B1Backup.Core.dll')
    }
}
