using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Management.Automation.Runspaces;
using B1Backup.Core.Store;

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

    /// <summary>-Environment: the environment folders under the backup root.</summary>
    public sealed class EnvironmentCompleter : BackupFolderCompleter
    {
        protected override IEnumerable<string> Candidates(string root) =>
            System.IO.Directory.Exists(root)
                ? System.IO.Directory.EnumerateDirectories(root).Select(System.IO.Path.GetFileName).Where(BackupName.IsValidEnvironment).Cast<string>()
                : Enumerable.Empty<string>();
    }

    /// <summary>-Database: the databases that the backups under the root hold.</summary>
    public sealed class DatabaseCompleter : BackupFolderCompleter
    {
        protected override IEnumerable<string> Candidates(string root) =>
            BackupStore.List(root, DateTime.Now).Select(b => b.Database).Where(d => !string.IsNullOrEmpty(d)).Cast<string>();
    }

    /// <summary>
    /// Backup-B1Database -Database: the server's databases, read with the connection the command line names
    /// (-ConnectionString, else DATABASE_URL). A server that does not answer within seconds offers nothing.
    /// </summary>
    public sealed class ServerDatabaseCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            string word = wordToComplete.Trim('\'', '"');
            try
            {
                string? url = (fakeBoundParameters["ConnectionString"] ?? fakeBoundParameters["Url"]) as string ?? Environment.GetEnvironmentVariable("DATABASE_URL");
                if (string.IsNullOrEmpty(url))
                {
                    return Enumerable.Empty<CompletionResult>();
                }

                var settings = B1Backup.Core.Connection.ConnectionParser.Resolve(new B1Backup.Core.Connection.ConnectionRequest { ConnectionString = url }).WithConnectTimeout(3);
                return B1Backup.Core.Engine.DatabaseSelection.UserDatabases(settings)
                    .Where(d => d.StartsWith(word, StringComparison.OrdinalIgnoreCase))
                    .Select(d => new CompletionResult(d.IndexOfAny(new[] { ' ', '\'', '"', '$', '`', ',', ';', '(', ')', '{', '}', '@', '#' }) >= 0 ? "'" + d.Replace("'", "''") + "'" : d, d, CompletionResultType.ParameterValue, d))
                    .ToList();
            }
            catch (Exception e) when (e is B1Backup.Core.B1BackupException || e is InvalidOperationException || e is ArgumentException || e is System.IO.IOException)
            {
                return Enumerable.Empty<CompletionResult>();
            }
        }
    }
}
