using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace B1Backup.Commands
{
    /// <summary>Tab completion from what the backup folder holds: its environments and the databases backed up.</summary>
    public abstract class BackupFolderCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            string root = (fakeBoundParameters["Path"] ?? fakeBoundParameters["BackupRoot"]) as string ?? "./backups";
            string word = wordToComplete.Trim('\'', '"');
            try
            {
                string location = CurrentLocation();
                string folder = System.IO.Path.Combine(location, root);
                return Candidates(folder)
                    .Where(c => c.StartsWith(word, StringComparison.OrdinalIgnoreCase))
                    .Distinct(StringComparer.OrdinalIgnoreCase)
                    .OrderBy(c => c, StringComparer.OrdinalIgnoreCase)
                    .Select(c => new CompletionResult(c, c, CompletionResultType.ParameterValue, c))
                    .ToList();
            }
            catch (Exception e) when (e is System.IO.IOException || e is UnauthorizedAccessException || e is ArgumentException)
            {
                return Enumerable.Empty<CompletionResult>();
            }
        }

        protected abstract IEnumerable<string> Candidates(string root);

        /// <summary>The session's file-system location (not the process's), read through a nested pipeline as completion allows.</summary>
        private static string CurrentLocation()
        {
            using var shell = PowerShell.Create(RunspaceMode.CurrentRunspace);
            shell.AddScript("$ExecutionContext.SessionState.Path.CurrentFileSystemLocation.ProviderPath");
            return shell.Invoke().FirstOrDefault()?.BaseObject as string ?? Environment.CurrentDirectory;
        }
    }
}
