using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using B1Backup.Core.Archive;
using B1Backup.Core.Connection;
using B1Backup.Core.Store;
using MySqlConnector;

namespace B1Backup.Core.Engine
{
    public sealed class BackupRequest
    {
        public BackupRequest(ConnectionSettings connection, string root, string environment)
        {
            Connection = connection;
            Root = root;
            Environment = environment;
        }

        public ConnectionSettings Connection { get; }

        /// <summary>The backup root; the file goes to &lt;Root&gt;/&lt;Environment&gt;/.</summary>
        public string Root { get; }

        public string Environment { get; }

        public CompressionKind Compression { get; set; } = CompressionKind.Gzip;

        public int Readers { get; set; } = 1;
    }

    public sealed class BackupProgress
    {
        public string Activity { get; set; } = string.Empty;

        public int TablesDone { get; set; }

        public int TablesTotal { get; set; }

        public string? Table { get; set; }

        public long Rows { get; set; }

        public long BytesWritten { get; set; }
    }

    /// <summary>What Backup-B1Database returns: where the backup is and what it holds. Never credentials.</summary>
    public sealed class BackupResult
    {
        public string Path { get; set; } = string.Empty;

        public string Name { get; set; } = string.Empty;

        public string Environment { get; set; } = string.Empty;

        public string Database { get; set; } = string.Empty;

        public string Server { get; set; } = string.Empty;

        public string ServerVersion { get; set; } = string.Empty;

        public DateTime Timestamp { get; set; }

        public long Size { get; set; }

        public long UncompressedSize { get; set; }

        public string Sha256 { get; set; } = string.Empty;

        public string ChecksumPath { get; set; } = string.Empty;

        public string ManifestPath { get; set; } = string.Empty;

        public int Tables { get; set; }

        public long Rows { get; set; }

        public int Objects { get; set; }

        public string Consistency { get; set; } = string.Empty;

        public TimeSpan Duration { get; set; }

        public bool Verified { get; set; }

        public override string ToString() => Path;
    }

    /// <summary>Takes one consistent logical backup of one database into the backup folder.</summary>
    public static class BackupEngine
    {
        public static string ToolVersion => typeof(BackupEngine).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

        public static BackupResult Run(BackupRequest request, IProgress<BackupProgress>? progress, Action<string> log, CancellationToken cancel)
        {
            BackupName.ValidateEnvironment(request.Environment);
            var settings = request.Connection;
            string database = settings.Database
                ?? throw new B1BackupException("MissingDatabase", FailureKind.InvalidArgument,
                    "No database to back up: put it in the URL path (mysql://user@host/shop) or pass -Database.");
            var stopwatch = Stopwatch.StartNew();
            string folder = PrepareFolder(request.Root, request.Environment);
            var timestamp = DateTime.Now;
            string path = System.IO.Path.Combine(folder, BackupName.Format(request.Environment, timestamp, request.Compression));
            log($"Environment: {request.Environment}");
            log($"Database: {database}");
            log($"Host: {settings.Server}");
            log($"Output file: {path}");

            var startedUtc = DateTimeOffset.UtcNow;
            var manifest = new BackupManifest
            {
                ToolVersion = ToolVersion,
                Environment = request.Environment,
                Database = database,
                Server = settings.Server,
                Compression = request.Compression.ToString(),
                StartedUtc = startedUtc,
            };

            ArchiveResult archiveResult;
            using (var session = SnapshotSession.Open(settings, request.Readers, log))
            {
                manifest.ServerVersion = session.Flavor.VersionString;
                manifest.ServerKind = session.Flavor.Kind.ToString();
                manifest.Consistency = session.Plan.Describe();
                var reader = session.Readers[0];
                var catalog = CatalogReader.Read(reader, database, session.Flavor);
                manifest.CharacterSet = catalog.CharacterSet;
                manifest.Collation = catalog.Collation;
                using var archive = ArchiveWriter.Create(path, request.Compression);
                try
                {
                    WriteDump(archive, catalog, reader, session, manifest, progress, cancel);
                    archiveResult = archive.Complete();
                }
                catch (Exception e) when (e is MySqlException || e is ServerReadException)
                {
                    throw new B1BackupException("BackupReadFailed", FailureKind.ConnectionError,
                        $"Reading from {settings.Server} failed during the backup (connection lost or server stopped?): {settings.Scrub(e.Message)} The partial file was removed; older backups are untouched. Check the server and run the backup again.", e) { Target = database };
                }
                catch (IOException e)
                {
                    throw new B1BackupException("BackupWriteFailed", FailureKind.WriteError,
                        $"Writing '{path}' failed: {e.Message} (a full disk?). The partial file was removed; older backups are untouched.", e) { Target = path };
                }
            }

            manifest.FinishedUtc = DateTimeOffset.UtcNow;
            manifest.DurationSeconds = stopwatch.Elapsed.TotalSeconds;
            manifest.Size = archiveResult.Size;
            manifest.UncompressedSize = archiveResult.UncompressedSize;
            manifest.Sha256 = archiveResult.Sha256;
            string manifestPath = BackupManifest.PathFor(path);
            string checksumPath = ChecksumFile.PathFor(path);
            try
            {
                ArchiveWriter.WriteSidecar(manifestPath, manifest.ToJson());
                ArchiveWriter.WriteSidecar(checksumPath, ChecksumFile.FormatLine(archiveResult.Sha256, System.IO.Path.GetFileName(path)));
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                // A backup without its checksum cannot be trusted later: take it all back.
                foreach (string written in new[] { checksumPath, manifestPath, path })
                {
                    File.Delete(written);
                }

                throw new B1BackupException("BackupWriteFailed", FailureKind.WriteError,
                    $"Writing the checksum and manifest of '{path}' failed: {e.Message} (a full disk?). The backup was removed; older backups are untouched.", e) { Target = path };
            }

            log($"Backup size: {archiveResult.Size:N0} bytes ({archiveResult.UncompressedSize:N0} bytes of SQL)");
            log($"SHA-256: {archiveResult.Sha256} -> {checksumPath}");

            progress?.Report(new BackupProgress { Activity = "Verifying the backup", TablesDone = manifest.Tables.Count, TablesTotal = manifest.Tables.Count });
            var check = ArchiveReader.Check(path);
            bool verified = check.Sha256 == archiveResult.Sha256 && check.HasEndMarker && check.UncompressedSize == archiveResult.UncompressedSize;
            stopwatch.Stop();
            log(verified
                ? "Verification: the file re-reads with the same SHA-256 and ends with its end marker."
                : $"Verification FAILED: {check.Problem ?? "the file re-reads with a different SHA-256"}.");
            log($"Duration: {stopwatch.Elapsed.TotalSeconds:N1} s");
            if (!verified)
            {
                throw new B1BackupException("BackupVerificationFailed", FailureKind.InvalidData,
                    $"The backup '{path}' does not read back as written ({check.Problem ?? "SHA-256 differs"}). Check the disk, and do not rely on this file.") { Target = path };
            }

            return new BackupResult
            {
                Path = path,
                Name = System.IO.Path.GetFileName(path),
                Environment = request.Environment,
                Database = database,
                Server = settings.Server,
                ServerVersion = manifest.ServerVersion ?? string.Empty,
                Timestamp = timestamp,
                Size = archiveResult.Size,
                UncompressedSize = archiveResult.UncompressedSize,
                Sha256 = archiveResult.Sha256,
                ChecksumPath = checksumPath,
                ManifestPath = manifestPath,
                Tables = manifest.Tables.Count,
                Rows = manifest.Tables.Sum(t => t.Rows),
                Objects = manifest.Objects.Count,
                Consistency = manifest.Consistency ?? string.Empty,
                Duration = stopwatch.Elapsed,
                Verified = verified,
            };
        }

        private static void WriteDump(ArchiveWriter archive, DatabaseCatalog catalog, MySqlConnection reader, SnapshotSession session,
            BackupManifest manifest, IProgress<BackupProgress>? progress, CancellationToken cancel)
        {
            var writer = new DumpWriter(archive.Text);
            writer.WriteHeader(catalog.Name, manifest.Server ?? string.Empty, session.Flavor, ToolVersion, manifest.StartedUtc, manifest.Consistency ?? string.Empty);
            foreach (var sequence in catalog.Sequences)
            {
                writer.WriteSequence(sequence);
                manifest.Objects.Add(new ManifestObject { Kind = "SEQUENCE", Name = sequence.Name });
            }

            var status = new BackupProgress { Activity = "Backing up " + catalog.Name, TablesTotal = catalog.Tables.Count };
            long totalRows = 0;
            foreach (var table in catalog.Tables)
            {
                cancel.ThrowIfCancellationRequested();
                status.Table = table.Name;
                progress?.Report(status);
                writer.WriteTableSchema(table);
                long before = archive.UncompressedPosition;
                long rows = writer.WriteTableData(reader, table, written =>
                {
                    cancel.ThrowIfCancellationRequested();
                    status.Rows = totalRows + written;
                    status.BytesWritten = archive.UncompressedPosition;
                    progress?.Report(status);
                });
                totalRows += rows;
                manifest.Tables.Add(new ManifestTable { Name = table.Name, Rows = rows, DataBytes = archive.UncompressedPosition - before });
                status.TablesDone++;
            }

            foreach (var routine in catalog.Routines)
            {
                writer.WriteRoutine(routine);
                manifest.Objects.Add(new ManifestObject { Kind = routine.Kind, Name = routine.Name });
            }

            foreach (var view in catalog.Views)
            {
                writer.WriteView(view);
                manifest.Objects.Add(new ManifestObject { Kind = "VIEW", Name = view.Name });
            }

            foreach (var trigger in catalog.Triggers)
            {
                writer.WriteTrigger(trigger);
                manifest.Objects.Add(new ManifestObject { Kind = "TRIGGER", Name = trigger.Name });
            }

            foreach (var evt in catalog.Events)
            {
                writer.WriteEvent(evt);
                manifest.Objects.Add(new ManifestObject { Kind = "EVENT", Name = evt.Name });
            }

            writer.WriteFooter(catalog.Tables.Count, totalRows);
            manifest.EndMarker = DumpWriter.EndMarkerPrefix;
        }

        /// <summary>Creates the environment folder and proves it is writable before the database is touched.</summary>
        private static string PrepareFolder(string root, string environment)
        {
            string folder = System.IO.Path.Combine(root, environment);
            try
            {
                Directory.CreateDirectory(folder);
                string probe = System.IO.Path.Combine(folder, ".b1backup-write-test-" + Guid.NewGuid().ToString("N").Substring(0, 8));
                using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
                {
                }
            }
            catch (Exception e) when (e is UnauthorizedAccessException || e is IOException)
            {
                throw new B1BackupException("BackupFolderNotWritable", FailureKind.PermissionDenied,
                    $"The backup folder '{folder}' cannot be written: {e.Message} Choose another -Path or fix the folder's permissions. Nothing was read from the database.", e) { Target = folder };
            }

            return folder;
        }
    }
}
