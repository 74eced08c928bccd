using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace B1Backup.Commands
{
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
