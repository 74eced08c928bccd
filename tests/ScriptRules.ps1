<#
.SYNOPSIS
The rules our PowerShell scripts follow, checked from their syntax trees (PSScriptAnalyzer is not served
from the NuGet feed we build from, so the intent of the rules we rely on is kept here).

Get-B1ScriptFinding returns one object per finding (File, Line, Rule, Message); build.ps1 Analyze fails
on any. The rules:
  ParseError        the file does not parse.
  Alias             a command written by its alias (ls, %, ?, select...): scripts spell commands out.
  InvokeExpression  Invoke-Expression runs text as code; build the command, or call it with &.
  EmptyCatch        a catch block with nothing in it hides the error; handle it or say why in a comment.
  GlobalVariable    $global: state leaks between scripts and tests.
  UnapprovedVerb    a function named with a verb Get-Verb does not list.
  PlainPassword     a parameter named *Password* typed as [string] (a SecureString or PSCredential keeps it out of memory dumps and logs).
#>

function Get-B1ScriptFinding {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory, ValueFromPipeline, ValueFromPipelineByPropertyName)]
        [Alias('FullName')]
        [string[]] $Path
    )

    begin {
        $aliases = @{}
        Get-Alias | ForEach-Object { $aliases[$_.Name] = $_.Definition }
        $verbs = @{}
        Get-Verb | ForEach-Object { $verbs[$_.Verb] = $true }
    }

    process {
        foreach ($file in $Path) {
            $tokens = $null
            $errors = $null
            $ast = [System.Management.Automation.Language.Parser]::ParseFile((Resolve-Path -LiteralPath $file).ProviderPath, [ref] $tokens, [ref] $errors)
            foreach ($parseError in $errors) {
                New-Finding $file $parseError.Extent 'ParseError' $parseError.Message
            }

            foreach ($command in $ast.FindAll({ param($node) $node -is [System.Management.Automation.Language.CommandAst] }, $true)) {
                $name = $command.GetCommandName()
                if (-not $name) { continue }
                if ($aliases.ContainsKey($name)) {
                    New-Finding $file $command.Extent 'Alias' "'$name' is an alias of $($aliases[$name]): write the command's name."
                }
                if ($name -eq 'Invoke-Expression' -or $name -eq 'iex') {
                    New-Finding $file $command.Extent 'InvokeExpression' 'Invoke-Expression runs text as code: call the command with & and its arguments.'
                }
            }

            foreach ($catch in $ast.FindAll({ param($node) $node -is [System.Management.Automation.Language.CatchClauseAst] }, $true)) {
                $body = $catch.Body
                $hasComment = $tokens | Where-Object { $_.Kind -eq 'Comment' -and $_.Extent.StartOffset -gt $body.Extent.StartOffset -and $_.Extent.EndOffset -lt $body.Extent.EndOffset }
                if ($body.Statements.Count -eq 0 -and -not $hasComment) {
                    New-Finding $file $catch.Extent 'EmptyCatch' 'An empty catch block hides the error: handle it, or say in a comment why it is ignored.'
                }
            }

            foreach ($variable in $ast.FindAll({ param($node) $node -is [System.Management.Automation.Language.VariableExpressionAst] }, $true)) {
                if ($variable.VariablePath.IsGlobal) {
                    New-Finding $file $variable.Extent 'GlobalVariable' "`$$($variable.VariablePath.UserPath) is global: pass it as a parameter or keep it in script scope."
                }
            }

            foreach ($function in $ast.FindAll({ param($node) $node -is [System.Management.Automation.Language.FunctionDefinitionAst] }, $true)) {
                if ($function.Name -match '^(?<verb>[A-Za-z]+)-' -and -not $verbs.ContainsKey($Matches.verb)) {
                    New-Finding $file $function.Extent 'UnapprovedVerb' "'$($function.Name)' uses the verb '$($Matches.verb)', which Get-Verb does not list."
                }
            }

            foreach ($parameter in $ast.FindAll({ param($node) $node -is [System.Management.Automation.Language.ParameterAst] }, $true)) {
                if ($parameter.Name.VariablePath.UserPath -match 'Password' -and $parameter.StaticType -eq [string]) {
                    New-Finding $file $parameter.Extent 'PlainPassword' "Parameter `$$($parameter.Name.VariablePath.UserPath) holds a password as a [string]: take a [SecureString] or [PSCredential]."
                }
            }
        }
    }
}

function New-Finding([string] $File, $Extent, [string] $Rule, [string] $Message) {
    [pscustomobject]@{ File = $File; Line = $Extent.StartLineNumber; Rule = $Rule; Message = $Message }
}
