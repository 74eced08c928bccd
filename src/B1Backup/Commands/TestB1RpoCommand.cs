using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using B1Backup.Core;
using B1Backup.Core.Drill;
using B1Backup.Core.Remote;
using B1Backup.Core.Store;

namespace B1Backup.Commands
{
    /// <summary>
    /// RPO watch: for each environment and database, is the newest backup that passes its checksum
    /// younger than -MaxAge? A runbook alerts on $false from -Quiet.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Test, "B1Rpo")]
    [OutputType(typeof(RpoStatus), typeof(bool))]
    public sealed class TestB1RpoCommand : B1Cmdlet
    {
        [Parameter(Position = 0)]
        [Alias("BackupRoot")]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = "./backups";

        [Parameter]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(EnvironmentCompleter))]
        public string Environment { get; set; } = "*";

        [Parameter]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(DatabaseCompleter))]
        public string Database { get; set; } = "*";

        /// <summary>The RPO target: the newest good backup may be at most this old. Default 24 hours.</summary>
        [Parameter]
        public TimeSpan MaxAge { get; set; } = TimeSpan.FromHours(24);

        /// <summary>Only $true when every environment and database meets the target (and at least one was found).</summary>
        [Parameter]
        public SwitchParameter Quiet { get; set; }

        [Parameter]
        public string? StorageConnectionString { get; set; }

        [Parameter]
        public string? StorageAccountKey { get; set; }

        [Parameter]
        public string? Endpoint { get; set; }

        [Parameter]
        [Credential]
        public PSCredential? StorageCredential { get; set; }

        protected override void EndProcessing()
        {
            string root = ToLocation(Path);
            bool rootExists;
            IEnumerable<BackupInfo> listed;
            Func<BackupInfo, bool>? passesChecksum = null;
            if (IsStore(root))
            {
                // An empty or missing prefix in a store lists nothing; the status below says so.
                try
                {
                    var store = new StoredBackups(BackupLocations.OpenRoot(root, Access(StorageConnectionString, StorageAccountKey, Endpoint, StorageCredential)));
                    listed = store.List(DateTime.Now, StopToken);
                    passesChecksum = b => store.Verify(StoredBackups.KeyOf(b.Environment, b.Name), StopToken).Passed;
                }
                catch (B1BackupException e)
                {
                    ThrowEngineError(e, root);
                    return;
                }
                catch (OperationCanceledException)
                {
                    // Ctrl+C while a large store was being listed.
                    return;
                }

                rootExists = true;
            }
            else
            {
                rootExists = System.IO.Directory.Exists(root);
                if (rootExists)
                {
                    RequireBackupRoot(root);
                }

                listed = rootExists ? BackupStore.List(root, DateTime.Now) : Enumerable.Empty<BackupInfo>();
            }

            var backups = new BackupFilter(new[] { Environment }, new[] { Database }).Apply(listed);
            List<RpoStatus> statuses;
            try
            {
                statuses = (passesChecksum == null ? RpoCheck.Evaluate(backups, MaxAge) : RpoCheck.Evaluate(backups, MaxAge, passesChecksum)).ToList();
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C while a stored backup's checksum was being read.
                return;
            }

            if (statuses.Count == 0)
            {
                // Nothing found is never "all green": it is a failing status of what was asked about.
                statuses.Add(new RpoStatus
                {
                    Environment = Environment,
                    Database = Database,
                    MaxAge = MaxAge,
                    Message = rootExists
                        ? $"No backup of environment '{Environment}' and database '{Database}' under '{root}': the RPO cannot be met."
                        : $"The backup folder '{root}' does not exist: there is no backup, and the RPO cannot be met.",
                });
            }

            if (Quiet)
            {
                WriteObject(statuses.All(s => s.Passed));
                return;
            }

            foreach (var status in statuses)
            {
                WriteObject(status);
                if (!status.Passed)
                {
                    // A runbook with -ErrorAction Stop (or $ErrorActionPreference = 'Stop') stops here.
                    WriteEngineError(new B1BackupException("RpoNotMet", FailureKind.InvalidData, $"{status.Environment}/{status.Database}: {status.Message}"), status);
                }
            }
        }
    }
}
