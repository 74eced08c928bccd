# The script rules of build.ps1 Analyze: each one is shown a script that breaks it, and one that does not.
BeforeAll {
    . (Join-Path $PSScriptRoot '../ScriptRules.ps1')
    $folder = Join-Path ([IO.Path]::GetTempPath()) "b1rules-$([guid]::NewGuid().ToString('N'))"
    $null = New-Item -ItemType Directory $folder
    function Get-Finding([string] $Text) {
        $file = Join-Path $folder "$([guid]::NewGuid().ToString('N')).ps1"
        Set-Content -LiteralPath $file -Value $Text
        @(Get-B1ScriptFinding -Path $file)
    }
}

AfterAll {
    Remove-Item -Recurse -Force $folder
}

Describe 'build.ps1 Analyze rules' {
    It 'finds <Rule> in <Text>' -TestCases @(
        @{ Rule = 'ParseError'; Text = 'function Get-X { if ( }' }
        @{ Rule = 'Alias'; Text = 'Get-ChildItem | % { $_.Name }' }
        @{ Rule = 'Alias'; Text = 'Get-ChildItem | select Name' }
        @{ Rule = 'Alias'; Text = 'Get-ChildItem | ? Length -gt 0' }
        @{ Rule = 'InvokeExpression'; Text = 'Invoke-Expression "Get-Date"' }
        @{ Rule = 'EmptyCatch'; Text = 'try { Get-Date } catch { }' }
        @{ Rule = 'GlobalVariable'; Text = '$global:state = 1' }
        @{ Rule = 'UnapprovedVerb'; Text = 'function Fetch-Thing { 1 }' }
        @{ Rule = 'PlainPassword'; Text = 'function Get-Thing { param([string] $DbPassword) $DbPassword }' }
    ) {
        $findings = Get-Finding $Text
        $findings.Rule | Should -Contain $Rule
        $findings[0].Line | Should -Be 1
    }

    It 'passes a script that keeps every rule' {
        $findings = Get-Finding @'
function Get-Thing {
    param([securestring] $Password, [string] $Name)
    try { Get-ChildItem | Where-Object Length -gt 0 | Select-Object Name }
    catch { <# a missing folder is not an error here #> }
    & (Get-Command Get-Date)
}
'@
        $findings | Should -BeNullOrEmpty
        # Not vacuous: the same file with one alias has exactly one finding.
        (Get-Finding 'Get-ChildItem | select Name').Count | Should -Be 1
    }

    It 'finds nothing in the repository''s own scripts' {
        $root = Join-Path $PSScriptRoot '../..'
        $scripts = @(Get-ChildItem -Recurse -File -Path $root -Include *.ps1, *.psm1, *.psd1 |
            Where-Object { $_.FullName -notmatch '[\\/](out|bin|obj|node_modules)[\\/]' })
        $scripts.Count | Should -BeGreaterThan 10
        $scripts | Get-B1ScriptFinding | ForEach-Object { "$($_.File):$($_.Line) $($_.Rule)" } | Should -BeNullOrEmpty
    }
}
