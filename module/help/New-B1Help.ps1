<#
.SYNOPSIS
Builds the module's MAML help (en-US/B1Backup.dll-Help.xml) from module/help/<Cmdlet>.md and the
cmdlets' own parameter metadata. platyPS is not needed: the Markdown has one fixed shape
(# Name, ## Synopsis, ## Description, ## Parameters with ### -Name, ## Examples with ### Title
and a fenced code block). Fails when a cmdlet or parameter has no text, or a cmdlet has fewer than
three examples.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $OutputFile
)
$ErrorActionPreference = 'Stop'
$helpFolder = $PSScriptRoot
$module = Import-Module $ModulePath -PassThru -Force
$common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters

function Read-HelpMarkdown([string] $Path) {
    $doc = @{ Synopsis = ''; Description = ''; Parameters = @{}; Examples = [System.Collections.Generic.List[object]]::new() }
    $section = ''; $current = $null; $inCode = $false
    foreach ($line in Get-Content -LiteralPath $Path) {
        if ($line -match '^```') {
            $inCode = -not $inCode
            continue
        }
        if ($inCode) { $current.Code += "$line`n"; continue }
        if ($line -match '^## (.+)$') { $section = $Matches[1]; $current = $null; continue }
        if ($line -match '^### (.+)$') {
            if ($section -eq 'Parameters') { $current = @{ Name = $Matches[1].TrimStart('-'); Text = '' }; $doc.Parameters[$current.Name] = $current }
            elseif ($section -eq 'Examples') { $current = [pscustomobject]@{ Title = $Matches[1]; Code = ''; Text = '' }; $doc.Examples.Add($current) }
            continue
        }
        if ($line -match '^# ') { continue }
        switch ($section) {
            'Synopsis' { $doc.Synopsis = ($doc.Synopsis + ' ' + $line).Trim() }
            'Description' { $doc.Description = ($doc.Description + "`n" + $line).Trim() }
            default { if ($current) { $current.Text = ($current.Text + ' ' + $line).Trim() } }
        }
    }
    $doc
}

function E([string] $Text) { [System.Security.SecurityElement]::Escape($Text) }

$xml = [System.Text.StringBuilder]::new()
[void]$xml.AppendLine('<?xml version="1.0" encoding="utf-8"?>')
[void]$xml.AppendLine('<helpItems schema="maml" xmlns="http://msh">')
$problems = [System.Collections.Generic.List[string]]::new()
foreach ($command in Get-Command -Module $module.Name -CommandType Cmdlet | Sort-Object Name) {
    $file = Join-Path $helpFolder "$($command.Name).md"
    if (-not (Test-Path $file)) { $problems.Add("$($command.Name): no $file"); continue }
    $doc = Read-HelpMarkdown $file
    if (-not $doc.Synopsis) { $problems.Add("$($command.Name): no synopsis") }
    if (-not $doc.Description) { $problems.Add("$($command.Name): no description") }
    if ($doc.Examples.Count -lt 3) { $problems.Add("$($command.Name): $($doc.Examples.Count) examples, at least 3 wanted") }
    $parameters = $command.Parameters.Values | Where-Object { $_.Name -notin $common }
    foreach ($p in $parameters) {
        if (-not $doc.Parameters.ContainsKey($p.Name) -or -not $doc.Parameters[$p.Name].Text) { $problems.Add("$($command.Name): parameter -$($p.Name) is not documented") }
    }
    $verb, $noun = $command.Name -split '-', 2
    [void]$xml.AppendLine('<command:command xmlns:maml="http://schemas.microsoft.com/maml/2004/10" xmlns:command="http://schemas.microsoft.com/maml/dev/command/2004/10" xmlns:dev="http://schemas.microsoft.com/maml/dev/2004/10">')
    [void]$xml.AppendLine("<command:details><command:name>$($command.Name)</command:name><maml:description><maml:para>$(E $doc.Synopsis)</maml:para></maml:description><command:verb>$verb</command:verb><command:noun>$noun</command:noun></command:details>")
    [void]$xml.AppendLine('<maml:description>' + (($doc.Description -split "`n`n" | ForEach-Object { "<maml:para>$(E ($_ -replace "`n", ' '))</maml:para>" }) -join '') + '</maml:description>')
    [void]$xml.AppendLine('<command:syntax>')
    foreach ($set in $command.ParameterSets) {
        [void]$xml.AppendLine("<command:syntaxItem><maml:name>$($command.Name)</maml:name>")
        foreach ($p in $set.Parameters | Where-Object { $_.Name -notin $common }) {
            $position = if ($p.Position -ge 0) { $p.Position + 1 } else { 'named' }
            $isSwitch = $p.ParameterType -eq [System.Management.Automation.SwitchParameter]
            [void]$xml.AppendLine("<command:parameter required=`"$($p.IsMandatory.ToString().ToLower())`" position=`"$position`"><maml:name>$($p.Name)</maml:name>" + $(if (-not $isSwitch) { "<command:parameterValue required=`"true`">$($p.ParameterType.Name)</command:parameterValue>" }) + '</command:parameter>')
        }
        [void]$xml.AppendLine('</command:syntaxItem>')
    }
    [void]$xml.AppendLine('</command:syntax><command:parameters>')
    foreach ($p in $parameters | Sort-Object Name) {
        $attribute = $p.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] } | Select-Object -First 1
        $pipeline = @(if ($attribute.ValueFromPipeline) { 'ByValue' }; if ($attribute.ValueFromPipelineByPropertyName) { 'ByPropertyName' }) -join ', '
        $pipelineText = if ($pipeline) { "true ($pipeline)" } else { 'false' }
        $position = if ($attribute.Position -ge 0) { $attribute.Position + 1 } else { 'named' }
        $text = if ($doc.Parameters.ContainsKey($p.Name)) { $doc.Parameters[$p.Name].Text } else { '' }
        $aliases = if ($p.Aliases.Count) { $p.Aliases -join ', ' } else { 'None' }
        # The default a description states ("Default: ..."), so Get-Help -Full shows it in its own field.
        $default = if ($text -match 'Default:\s*(.+?)(\.\s|\.$|$)') { $Matches[1] } elseif ($p.ParameterType -eq [System.Management.Automation.SwitchParameter]) { 'False' } else { 'None' }
        [void]$xml.AppendLine("<command:parameter required=`"$($attribute.Mandatory.ToString().ToLower())`" globbing=`"false`" pipelineInput=`"$pipelineText`" position=`"$position`" aliases=`"$aliases`"><maml:name>$($p.Name)</maml:name><maml:description><maml:para>$(E $text)</maml:para></maml:description><command:parameterValue required=`"true`">$($p.ParameterType.Name)</command:parameterValue><dev:type><maml:name>$($p.ParameterType.FullName)</maml:name></dev:type><dev:defaultValue>$(E $default)</dev:defaultValue></command:parameter>")
    }
    [void]$xml.AppendLine('</command:parameters>')

    # INPUTS and OUTPUTS from the cmdlet itself: what it takes from the pipeline, and its [OutputType].
    $inputs = foreach ($p in $parameters) {
        $attribute = $p.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] } | Select-Object -First 1
        if ($attribute.ValueFromPipeline) { @{ Type = $p.ParameterType.FullName; Text = "Bound to -$($p.Name)." } }
        elseif ($attribute.ValueFromPipelineByPropertyName) { @{ Type = 'System.Management.Automation.PSObject'; Text = "Any object with a $($p.Name) property$(if ($p.Aliases.Count) { ' (or ' + ($p.Aliases -join ', ') + ')' }), bound to -$($p.Name)." } }
    }
    if (-not $inputs) { $inputs = @(@{ Type = 'None'; Text = 'This cmdlet takes no pipeline input.' }) }
    [void]$xml.AppendLine('<command:inputTypes>' + (($inputs | ForEach-Object { "<command:inputType><dev:type><maml:name>$(E $_.Type)</maml:name></dev:type><maml:description><maml:para>$(E $_.Text)</maml:para></maml:description></command:inputType>" }) -join '') + '</command:inputTypes>')
    $outputs = @($command.OutputType | ForEach-Object Name)
    if (-not $outputs) { $problems.Add("$($command.Name): no [OutputType]") }
    [void]$xml.AppendLine('<command:returnValues>' + (($outputs | ForEach-Object { "<command:returnValue><dev:type><maml:name>$(E $_)</maml:name></dev:type><maml:description><maml:para>Format-List * shows every property.</maml:para></maml:description></command:returnValue>" }) -join '') + '</command:returnValues>')
    [void]$xml.AppendLine('<command:examples>')
    $n = 0
    foreach ($example in $doc.Examples) {
        $n++
        [void]$xml.AppendLine("<command:example><maml:title>-------------------------- Example ${n}: $(E $example.Title) --------------------------</maml:title><dev:code>$(E $example.Code.TrimEnd())</dev:code><dev:remarks><maml:para>$(E $example.Text)</maml:para></dev:remarks></command:example>")
    }
    [void]$xml.AppendLine('</command:examples><command:relatedLinks><maml:navigationLink><maml:linkText>about_B1Backup</maml:linkText></maml:navigationLink></command:relatedLinks></command:command>')
}
[void]$xml.AppendLine('</helpItems>')
if ($problems.Count) { throw "Help is incomplete:`n  " + ($problems -join "`n  ") }
New-Item -ItemType Directory -Force -Path (Split-Path $OutputFile) | Out-Null
[System.IO.File]::WriteAllText($OutputFile, $xml.ToString(), [System.Text.UTF8Encoding]::new($false))
Write-Host "Wrote $OutputFile"
