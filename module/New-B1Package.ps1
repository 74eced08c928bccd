<#
.SYNOPSIS
Lays out the built module as an installable, versioned folder and packs it as a .nupkg.

.DESCRIPTION
From the build output (out/bin, en-US, module/) makes <Output>/B1Backup/<version>/ with the
manifest pointing at bin/B1Backup.dll, then publishes that folder to a file-system repository at
<Output>/repository, which writes B1Backup.<version>.nupkg. Install-PSResource (or Install-Module)
installs from such a repository.
#>
param([Parameter(Mandatory)] [string] $Root, [Parameter(Mandatory)] [string] $Output)
$ErrorActionPreference = 'Stop'
$manifest = Import-PowerShellDataFile (Join-Path $Root 'B1Backup.psd1')
$version = $manifest.ModuleVersion
$folder = Join-Path $Output "B1Backup/$version"
$repository = Join-Path $Output 'repository'
Remove-Item -Recurse -Force $folder, $repository -ErrorAction SilentlyContinue
New-Item -ItemType Directory -Force -Path $folder, $repository | Out-Null

Copy-Item -Recurse (Join-Path $Root 'out/bin') (Join-Path $folder 'bin')
Copy-Item -Recurse (Join-Path $Root 'en-US') (Join-Path $folder 'en-US')
Copy-Item (Join-Path $Root 'module/B1Backup.Format.ps1xml'), (Join-Path $Root 'module/B1Backup.Types.ps1xml'), (Join-Path $Root 'LICENSE'), (Join-Path $Root 'README.md') -Destination $folder
$text = Get-Content -Raw (Join-Path $Root 'B1Backup.psd1')
$text = $text.Replace("'out/bin/", "'bin/").Replace("'module/B1Backup.", "'B1Backup.")
Set-Content -Path (Join-Path $folder 'B1Backup.psd1') -Value $text -Encoding utf8
Test-ModuleManifest (Join-Path $folder 'B1Backup.psd1') | Out-Null

$name = 'B1BackupBuild' + [guid]::NewGuid().ToString('n').Substring(0, 6)
Register-PSResourceRepository -Name $name -Uri $repository -Trusted
try {
    Publish-PSResource -Path $folder -Repository $name
} finally {
    Unregister-PSResourceRepository -Name $name
}
$package = Get-ChildItem -Path $repository -Filter '*.nupkg' | Select-Object -First 1
Write-Host "Module folder: $folder"
Write-Host "Package: $($package.FullName)"
[pscustomobject]@{ ModuleFolder = $folder; Package = $package.FullName; Repository = $repository; Version = $version }
