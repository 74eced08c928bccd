using System;
using System.Collections.Generic;
using System.Management.Automation;
using B1Backup.Core;
using B1Backup.Core.Engine;
using B1Backup.Core.Remote;
using B1Backup.Core.Store;

namespace B1Backup.Commands
{
    /// <summary>
    /// Backs up databases into &lt;Path&gt;/&lt;env&gt;/backup_&lt;env&gt;_&lt;yyyyMMdd_HHmmss&gt;.sql.gz with .sha256 and
    /// manifest sidecars: the connection's database, or those named by -Database (several, wildcards, or from the pipeline).
    /// </summary>
    [Cmdlet(VerbsData.Backup, "B1Database", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(BackupResult))]
    public sealed class BackupB1DatabaseCommand : ConnectionCmdlet
    {
        protected override bool MovesData => true;

        private readonly List<string> requested = new List<string>();

        /// <summary>
        /// The databases to back up: names or wildcards (* is every database the user can see but the server's own),
        /// also from the pipeline. Default: the database of the connection (DATABASE_URL).
        /// </summary>
        [Parameter(ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ServerDatabaseCompleter))]
        public string[]? Database { get; set; }

        /// <summary>Default: $env:ENV_NAME, else development.</summary>
        [Parameter]
        [ValidatePattern("^[A-Za-z0-9_-]{1,64}$")]
        [ArgumentCompleter(typeof(EnvironmentCompleter))]
        public string? Environment { get; set; }

        /// <summary>The backup root; the file goes into its &lt;Environment&gt; folder.</summary>
        [Parameter(Position = 0)]
        [Alias("BackupRoot")]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = "./backups";

        [Parameter]
        public string? StorageConnectionString { get; set; }

        [Parameter]
        public string? StorageAccountKey { get; set; }

        [Parameter]
        public string? Endpoint { get; set; }

        [Parameter]
        [Credential]
        public PSCredential? StorageCredential { get; set; }

        [Parameter]
        public CompressionKind Compression { get; set; } = CompressionKind.Gzip;

        /// <summary>Reader connections sharing one snapshot (each also compresses). Default: the number of cores, at least 2, at most 8.</summary>
        [Parameter]
        [ValidateRange(1, 64)]
        public int Parallel { get; set; } = BackupRequest.DefaultReaders;

        /// <summary>Resolved per database: the connection itself names none beyond the URL's.</summary>
        protected override string? DatabaseParameter => null;

        protected override void ProcessRecord()
        {
            if (Database != null)
            {
                requested.AddRange(Database);
            }
        }

        protected override void EndProcessing()
        {
            var settings = ResolveConnection();
            string environment = Environment ?? Environments.FromVariable() ?? "development";
            IReadOnlyList<string> databases;
            try
            {
                databases = requested.Count == 0
                    ? new[] { settings.Database ?? throw new B1BackupException("MissingDatabase", FailureKind.InvalidArgument,
                        "No database to back up: name one in the connection (DATABASE_URL .../<database>) or with -Database (several, or * for every database).") }
                    : DatabaseSelection.Expand(settings, requested);
            }
            catch (B1BackupException e)
            {
                throw TerminatingError(e);
            }

            StoredBackups? store = null;
            if (IsStore(Path))
            {
                try
                {
                    store = new StoredBackups(BackupLocations.OpenRoot(Path, Access(StorageConnectionString, StorageAccountKey, Endpoint, StorageCredential)));
                }
                catch (B1BackupException e)
                {
                    throw TerminatingError(e, Path);
                }
            }

            bool several = databases.Count > 1;
            foreach (string database in databases)
            {
                if (StopToken.IsCancellationRequested)
                {
                    break;
                }

                var request = new BackupRequest(settings.WithDatabase(database), store == null ? ToFileSystemPath(Path) : System.IO.Path.GetTempPath(), environment)
                {
                    Compression = Compression,
                    Readers = Parallel,
                    SigningKey = ReadSigningKey(),
                    EncryptionKey = ReadEncryptionKey(),
                };
                string leaf = $"backup_{environment}_<yyyyMMdd_HHmmss>{BackupName.Extension(Compression)}";
                string file = store != null ? store.Store.Describe(environment + "/" + leaf) : System.IO.Path.Combine(request.Root, environment, leaf);
                if (!ShouldProcess($"database {database} on {settings.Server}", $"Back up to {file}"))
                {
                    continue;
                }

                try
                {
                    BackUp(request, store);
                }
                catch (B1BackupException e) when (several)
                {
                    // One database failing does not stop the others; each failure is its own error record.
                    WriteEngineError(e, database);
                }
                catch (B1BackupException e)
                {
                    ThrowEngineError(e);
                }
            }
        }

        private void BackUp(BackupRequest request, StoredBackups? store)
        {
            ProgressReporter<BackupProgress>? progress = null;
            progress = new ProgressReporter<BackupProgress>(this, 1, "Backup-B1Database", (p, record) =>
            {
                double seconds = Math.Max(0.001, progress!.Elapsed.TotalSeconds);
                record.Activity = p.Activity;
                record.StatusDescription = p.Table != null
                    ? $"Table {p.TablesDone + 1} of {p.TablesTotal}: {p.Table}; {p.Rows:N0} rows, {p.BytesWritten / 1048576.0:N1} MB written, {p.BytesWritten / 1048576.0 / seconds:N1} MB/s"
                    : p.Activity;
                record.PercentComplete = p.RowsEstimated > 0 ? (int)Math.Min(99, p.Rows * 100 / p.RowsEstimated)
                    : p.TablesTotal > 0 ? Math.Min(99, p.TablesDone * 100 / p.TablesTotal) : -1;
                record.SecondsRemaining = progress.SecondsLeft(p.Rows, p.RowsEstimated);

                // Large tables get a bar of their own.
                if (p.Table != null && p.TableRowsEstimated > 100000)
                {
                    progress.Child(p.Table, $"{p.TableRows:N0} of about {p.TableRowsEstimated:N0} rows", (int)Math.Min(99, p.TableRows * 100 / p.TableRowsEstimated));
                }

                return true;
            });
            try
            {
                var result = store == null ? BackupEngine.Run(request, progress, Log, StopToken) : StoreBackup.Run(request, store, progress, Log, StopToken);
                foreach (string missing in result.Incomplete)
                {
                    WriteWarning($"The backup {result.Name} may lack {missing}.");
                }

                WriteObject(result);
            }
            catch (OperationCanceledException)
            {
                throw new B1BackupException("BackupStopped", FailureKind.OperationStopped,
                    "The backup was stopped; the partial file was removed and older backups are untouched.");
            }
            finally
            {
                // Every bar is completed, also on an error or Ctrl+C.
                progress.Child(null, string.Empty, 100);
                progress.Dispose();
            }
        }
    }
}
