using System;
using System.Linq;
using System.Management.Automation;
using B1Backup.Core;
using B1Backup.Core.Drill;
using B1Backup.Core.Remote;
using B1Backup.Core.Store;

namespace B1Backup.Commands
{
    /// <summary>
    /// Proves a backup restores: into a scratch database of its own, checked, health endpoints
    /// polled, each phase timed, the scratch database dropped. Reports RTO and the backup's age (RPO).
    /// </summary>
    [Cmdlet(VerbsLifecycle.Invoke, "B1RestoreDrill", DefaultParameterSetName = "Newest")]
    [OutputType(typeof(DrillResult))]
    public sealed class InvokeB1RestoreDrillCommand : ConnectionCmdlet
    {
        protected override bool MovesData => true;

        /// <summary>The database the connection names, when the URL does not (or to use another).</summary>
        [Parameter]
        public string? Database { get; set; }

        protected override string? DatabaseParameter => Database;

        /// <summary>The backup to drill (also Get-B1Backup objects from the pipeline).</summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = "Path", ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("FullName", "PSPath", "LiteralPath")]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = string.Empty;

        /// <summary>Without -Path: the backup root whose newest backup of -Environment (and -BackupDatabase) is drilled.</summary>
        [Parameter(ParameterSetName = "Newest")]
        [ValidateNotNullOrEmpty]
        public string BackupRoot { get; set; } = "./backups";

        [Parameter(ParameterSetName = "Newest")]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(EnvironmentCompleter))]
        public string Environment { get; set; } = "*";

        /// <summary>Without -Path: which database's newest backup (wildcards).</summary>
        [Parameter(ParameterSetName = "Newest")]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(DatabaseCompleter))]
        public string BackupDatabase { get; set; } = "*";

        /// <summary>Health endpoints polled after the restore: each must answer 2xx with {"ok":true} (and "db":"up" if it reports db).</summary>
        [Parameter]
        public Uri[] HealthUri { get; set; } = new Uri[0];

        [Parameter]
        public TimeSpan HealthTimeout { get; set; } = TimeSpan.FromSeconds(60);

        /// <summary>Keep the scratch database for a look afterwards.</summary>
        [Parameter]
        public SwitchParameter Keep { get; set; }

        /// <summary>A file, or a folder for drill_&lt;db&gt;_&lt;timestamp&gt;.html; earlier reports there make the history chart.</summary>
        [Parameter]
        public string? ReportPath { get; set; }

        [Parameter]
        public DrillReportFormat ReportFormat { get; set; } = DrillReportFormat.Html;

        [Parameter]
        public TimeSpan RtoTarget { get; set; } = TimeSpan.FromMinutes(60);

        [Parameter]
        public TimeSpan RpoTarget { get; set; } = TimeSpan.FromHours(24);

        /// <summary>As Restore-B1Database -KeepDefiners: keep the backup's definers in the scratch database.</summary>
        [Parameter]
        public SwitchParameter KeepDefiners { get; set; }

        /// <summary>As Restore-B1Database -TrustStoredCode: create stored code that names other databases or runs dynamic SQL.</summary>
        [Parameter]
        public SwitchParameter TrustStoredCode { get; set; }

        [Parameter]
        public string? StorageConnectionString { get; set; }

        [Parameter]
        public string? StorageAccountKey { get; set; }

        [Parameter]
        public string? Endpoint { get; set; }

        [Parameter]
        [Credential]
        public PSCredential? StorageCredential { get; set; }

        protected override void ProcessRecord()
        {
            string location = ParameterSetName == "Path" ? Path : BackupRoot;
            StoredBackups? store = null;
            string? key = null;
            BackupInfo? backup;
            if (IsStore(location))
            {
                backup = FindStored(location, out store, out key);
            }
            else
            {
                backup = ParameterSetName == "Path" ? Describe(ToFileSystemPath(Path)) : Newest();
            }

            if (backup == null)
            {
                return;
            }

            var settings = ResolveConnection();
            var options = new DrillOptions
            {
                HealthUris = HealthUri,
                HealthTimeout = HealthTimeout,
                Keep = Keep,
                RtoTarget = RtoTarget,
                RpoTarget = RpoTarget,
                SigningKey = ReadSigningKey(),
                EncryptionKey = ReadEncryptionKey(),
                Restore = new B1Backup.Core.Restore.RestoreOptions { KeepDefiners = KeepDefiners, TrustStoredCode = TrustStoredCode },
            };
            WriteProgress(new ProgressRecord(4, "Invoke-B1RestoreDrill", $"Drilling {backup.Name} on {settings.Server}"));
            DrillResult result;
            try
            {
                result = store != null ? RestoreDrill.RunFromStore(store, key!, settings, options, Log, StopToken) : RestoreDrill.Run(backup, settings, options, Log, StopToken);
            }
            catch (B1BackupException e) when (store != null)
            {
                // The copy out of the store failed (unreachable, changed): nothing was restored.
                WriteEngineError(e, backup.FullName);
                return;
            }
            finally
            {
                WriteProgress(new ProgressRecord(4, "Invoke-B1RestoreDrill", "Done") { RecordType = ProgressRecordType.Completed });
            }

            if (ReportPath != null)
            {
                WriteVerbose($"Report: {DrillReport.Attach(result, ToFileSystemPath(ReportPath), ReportFormat)}");
            }

            WriteObject(result);
            if (!result.Passed)
            {
                WriteEngineError(new B1BackupException("RestoreDrillFailed", FailureKind.InvalidData,
                    $"The drill of {backup.Name} failed: {string.Join("; ", result.Checks.Where(c => !c.Passed).Select(c => c.Phase + " " + c.Name + ": " + c.Message))}"), result);
            }
        }

        private BackupInfo? Describe(string path)
        {
            try
            {
                return BackupStore.Describe(path, DateTime.Now);
            }
            catch (B1BackupException e)
            {
                WriteEngineError(e, path);
                return null;
            }
        }

        /// <summary>The backup -Path names in a store, or the newest matching one under -BackupRoot in a store.</summary>
        private BackupInfo? FindStored(string location, out StoredBackups? store, out string? key)
        {
            store = null;
            key = null;
            try
            {
                var credentials = Access(StorageConnectionString, StorageAccountKey, Endpoint, StorageCredential);
                if (ParameterSetName == "Path")
                {
                    (store, key) = BackupLocations.OpenBackup(location, credentials);
                    return store.Describe(key, DateTime.Now, StopToken);
                }

                store = new StoredBackups(BackupLocations.OpenRoot(location, credentials));
                var newest = new BackupFilter(new[] { Environment }, new[] { BackupDatabase }).Apply(store.List(DateTime.Now, StopToken)).FirstOrDefault();
                if (newest == null)
                {
                    WriteEngineError(new B1BackupException("NoBackupToDrill", FailureKind.NotFound,
                        $"No backup of environment '{Environment}' and database '{BackupDatabase}' under '{location}'. List them with Get-B1Backup."), location);
                    return null;
                }

                key = StoredBackups.KeyOf(newest.Environment, newest.Name);
                return newest;
            }
            catch (B1BackupException e)
            {
                WriteEngineError(e, location);
                return null;
            }
        }

        private BackupInfo? Newest()
        {
            var newest = new BackupFilter(new[] { Environment }, new[] { BackupDatabase })
                .Apply(BackupStore.List(ToFileSystemPath(BackupRoot), DateTime.Now))
                .FirstOrDefault();
            if (newest == null)
            {
                WriteEngineError(new B1BackupException("NoBackupToDrill", FailureKind.NotFound,
                    $"No backup of environment '{Environment}' and database '{BackupDatabase}' under '{BackupRoot}'. List them with Get-B1Backup."), BackupRoot);
            }

            return newest;
        }
    }
}
