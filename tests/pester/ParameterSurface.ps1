# The public parameter surface of every B1Backup cmdlet, one line per parameter and parameter set.
# Regenerate the pinned copy after a deliberate change:
#   dotnet pwsh -c "Import-Module ./B1Backup.psd1; . ./tests/pester/ParameterSurface.ps1; Get-B1ParameterSurface | Set-Content tests/pester/ParameterSurface.txt"

function Get-B1ParameterSurface {
    $common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
    foreach ($command in Get-Command -Module B1Backup -CommandType Cmdlet | Sort-Object Name) {
        foreach ($parameter in $command.Parameters.Values | Where-Object Name -notin $common | Sort-Object Name) {
            foreach ($set in $parameter.ParameterSets.GetEnumerator() | Sort-Object Key) {
                $a = $set.Value
                $flags = @(
                    if ($a.IsMandatory) { 'Mandatory' }
                    if ($a.Position -ge 0) { "Position=$($a.Position)" }
                    if ($a.ValueFromPipeline) { 'ByValue' }
                    if ($a.ValueFromPipelineByPropertyName) { 'ByPropertyName' }
                    if ($parameter.Aliases.Count) { 'Aliases=' + (($parameter.Aliases | Sort-Object) -join ',') }
                ) -join ' '
                ("{0} -{1} [{2}] ({3}) {4}" -f $command.Name, $parameter.Name, $parameter.ParameterType.Name, $set.Key, $flags).TrimEnd()
            }
        }
    }
}
