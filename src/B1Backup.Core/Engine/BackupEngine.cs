using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using B1Backup.Core.Archive;
using B1Backup.Core.Store;
using MySqlConnector;

namespace B1Backup.Core.Engine
{
    /// <summary>
    /// Takes one consistent logical backup of one database into the backup folder. Readers that share
    /// one snapshot each take the next piece of work (a table's CREATE, a range of its rows), write it
    /// as SQL and compress it as an independent gzip member; the calling thread writes the members in
    /// order, hashing them as they go to disk, and reports progress.
    /// </summary>
    public static class BackupEngine
    {
        public static string ToolVersion => typeof(BackupEngine).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

        public static BackupResult Run(BackupRequest request, IProgress<BackupProgress>? progress, Action<string> log, CancellationToken cancel)
        {
            BackupName.ValidateEnvironment(request.Environment);
            if (request.SigningKey != null)
            {
                BackupSignature.ValidateKey(request.SigningKey);
            }

            var settings = request.Connection;
            string database = settings.Database
                ?? throw new B1BackupException("MissingDatabase", FailureKind.InvalidArgument,
                    "No database to back up: put it in the URL path (mysql://user@host/shop) or pass -Database.");
            var stopwatch = Stopwatch.StartNew();
            string folder = PrepareFolder(request.Root, request.Environment);
            string path = FreeName(folder, request, cancel, out DateTime timestamp);
            // Uncommitted when this method leaves by an exception: nothing is then visible in the store.
            using var upload = request.OpenUpload?.Invoke(request.Environment + "/" + System.IO.Path.GetFileName(path));
            log($"Environment: {request.Environment}");
            log($"Database: {database}");
            log($"Host: {settings.Server}");
            log($"Output file: {path}");

            var manifest = new BackupManifest
            {
                ToolVersion = ToolVersion,
                Environment = request.Environment,
                Database = database,
                Server = settings.Server,
                Compression = request.Compression.ToString(),
                StartedUtc = DateTimeOffset.UtcNow,
            };
            MemberCipher? cipher = null;
            if (request.EncryptionKey != null)
            {
                manifest.Encryption = new ManifestEncryption();
                cipher = MemberCipher.Create(request.EncryptionKey, manifest.Encryption);
            }

            ArchiveResult archiveResult;
            int readers;
            using (var session = SnapshotSession.Open(settings, Math.Max(1, request.Readers), log, cancel))
            {
                readers = session.Readers.Count;
                manifest.ServerVersion = session.Flavor.VersionString;
                manifest.ServerKind = session.Flavor.Kind.ToString();
                manifest.Consistency = session.Plan.Describe();
                try
                {
                    var catalog = CatalogReader.Read(session.Readers[0], database, session.Flavor);
                    foreach (string versioned in catalog.VersionedTables)
                    {
                        string lack = $"the history rows of the system-versioned table {Sql.Identifier(versioned)}: only its current rows are backed up, and a restore gives them new row_start times";
                        manifest.Incomplete.Add(lack);
                        log("WARNING: this backup lacks " + lack + ".");
                    }

                    if (session.Flavor.HasRoutinesTriggersEvents)
                    {
                        foreach (string missing in ObjectVisibility.MayBeMissing(session.Readers[0], database))
                        {
                            manifest.Incomplete.Add(missing);
                            log("WARNING: this backup may lack " + missing + ".");
                        }
                    }

                    manifest.CharacterSet = catalog.CharacterSet;
                    manifest.Collation = catalog.Collation;
                    var work = PlanWork(catalog, session, manifest, request.ChunkBytes);
                    log($"{catalog.Tables.Count} tables in {work.Count(w => w.Chunk != null)} pieces, read by {readers} connection(s).");
                    using var archive = ArchiveWriter.Create(path, upload);
                    try
                    {
                        new MemberPipeline(work, session.Readers, request.Compression, archive, manifest, progress, cancel) { Cipher = cipher, MemberBytes = request.MemberBytes }.Run();
                        archiveResult = archive.Complete();
                        upload?.Finish();
                    }
                    catch (IOException e) when (!(e.InnerException is MySqlException))
                    {
                        throw new B1BackupException("BackupWriteFailed", FailureKind.WriteError,
                            $"Writing '{path}' failed: {e.Message} (a full disk?). The partial file was removed; older backups are untouched.", e)
                        { Target = path };
                    }
                }
                catch (Exception e) when (e is MySqlException || e is ServerReadException)
                {
                    throw new B1BackupException("BackupReadFailed", FailureKind.ConnectionError,
                        $"Reading from {settings.Server} failed during the backup (connection lost or server stopped?): {settings.Scrub(e.Message)} The partial file was removed; older backups are untouched. Check the server and run the backup again.", e)
                    { Target = database };
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
                if (request.SigningKey != null)
                {
                    ArchiveWriter.WriteSidecar(BackupSignature.PathFor(path), BackupSignature.Create(request.SigningKey, path, archiveResult.Sha256));
                }

                ArchiveWriter.WriteSidecar(checksumPath, ChecksumFile.FormatLine(archiveResult.Sha256, System.IO.Path.GetFileName(path)));
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                // A backup without its checksum cannot be trusted later: take it all back.
                foreach (string written in new[] { checksumPath, BackupSignature.PathFor(path), manifestPath, path })
                {
                    File.Delete(written);
                }

                throw new B1BackupException("BackupWriteFailed", FailureKind.WriteError,
                    $"Writing the checksum and manifest of '{path}' failed: {e.Message} (a full disk?). The backup was removed; older backups are untouched.", e)
                { Target = path };
            }

            log($"Backup size: {archiveResult.Size:N0} bytes ({archiveResult.UncompressedSize:N0} bytes of SQL)");
            log($"SHA-256: {archiveResult.Sha256} -> {checksumPath}");
            progress?.Report(new BackupProgress { Activity = "Verifying the backup", TablesDone = manifest.Tables.Count, TablesTotal = manifest.Tables.Count });
            string? problem = VerifyWritten(path, archiveResult, manifest, cipher, streamed: upload != null);
            string? unrestorable = problem == null ? Restore.RestorePreparation.CheckRestorable(path, manifest, cipher, database) : null;
            if (unrestorable != null)
            {
                // A backup that says it is good and cannot be restored is the worst a backup tool can make.
                foreach (string written in new[] { checksumPath, BackupSignature.PathFor(path), manifestPath, path })
                {
                    TryDelete(written);
                }

                throw new B1BackupException("BackupNotRestorable", FailureKind.InvalidData,
                    $"The backup of {Sql.Identifier(database)} was written, but a restore could not read it back, so it was removed: {unrestorable} Report this with the object named above; a backup made with mariadb-dump restores through the mariadb client meanwhile.")
                { Target = path };
            }

            stopwatch.Stop();
            log(problem == null
                ? upload != null
                    ? "Verification: the store checked every block's MD5 as it arrived, the script ends with its end marker, and every definition reads as a restore would read it."
                    : "Verification: the file re-reads with the same SHA-256 and ends with its end marker."
                : $"Verification FAILED: {problem}.");
            log($"Duration: {stopwatch.Elapsed.TotalSeconds:N1} s");
            if (problem != null)
            {
                throw new B1BackupException("BackupVerificationFailed", FailureKind.InvalidData,
                    $"The backup '{path}' does not read back as written ({problem}). Check the disk, and do not rely on this file.")
                { Target = path };
            }

            // Streamed into a store: visible there only now, every check passed (If-None-Match: a name taken meanwhile fails here).
            upload?.Commit();
            return new BackupResult
            {
                FullName = path,
                Name = System.IO.Path.GetFileName(path),
                Environment = request.Environment,
                Database = database,
                Server = settings.Server,
                ServerVersion = manifest.ServerVersion ?? string.Empty,
                Timestamp = timestamp,
                Age = DateTime.Now - timestamp,
                Compression = request.Compression,
                Producer = manifest.Tool,
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
                Verified = true,
                Readers = readers,
                Incomplete = manifest.Incomplete.ToArray(),
            };
        }

        /// <summary>
        /// backup_&lt;env&gt;_&lt;now&gt;: names have one-second resolution, so a second backup in the same second (another
        /// database, one loop after another) takes the next second instead of failing. A name is never reused.
        /// </summary>
        private static string FreeName(string folder, BackupRequest request, CancellationToken cancel, out DateTime timestamp)
        {
            string suffix = request.EncryptionKey != null ? MemberCipher.Suffix : string.Empty;
            timestamp = DateTime.Now;
            for (int attempt = 0; ; attempt++)
            {
                var second = new DateTime(timestamp.Year, timestamp.Month, timestamp.Day, timestamp.Hour, timestamp.Minute, timestamp.Second, timestamp.Kind);
                string path = System.IO.Path.Combine(folder, BackupName.Format(request.Environment, second, request.Compression) + suffix);
                if (!File.Exists(path) || attempt >= 5)
                {
                    // After a few seconds of taken names, the writer's own check says so.
                    return path;
                }

                var next = second.AddSeconds(1);
                cancel.WaitHandle.WaitOne(Math.Max(0, (int)Math.Ceiling((next - DateTime.Now).TotalMilliseconds)));
                cancel.ThrowIfCancellationRequested();
                timestamp = DateTime.Now > next ? DateTime.Now : next;
            }
        }

        /// <summary>The pieces of the dump, in file order: header and sequences, each table's CREATE then its row ranges, the other objects.</summary>
        private static List<WorkItem> PlanWork(DatabaseCatalog catalog, SnapshotSession session, BackupManifest manifest, long chunkBytes)
        {
            var flavor = session.Flavor;
            var items = new List<WorkItem>
            {
                WorkItem.Text(MemberKind.Header, null, writer =>
                {
                    writer.WriteHeader(catalog.Name, manifest.Server ?? string.Empty, flavor, ToolVersion, manifest.StartedUtc, manifest.Consistency ?? string.Empty);
                    foreach (var sequence in catalog.Sequences)
                    {
                        writer.WriteSequence(sequence, flavor);
                    }
                }),
            };
            manifest.Objects.AddRange(catalog.Sequences.Select(s => new ManifestObject { Kind = "SEQUENCE", Name = s.Name }));
            foreach (var table in catalog.Tables)
            {
                manifest.Tables.Add(new ManifestTable { Name = table.Name });
                items.Add(WorkItem.Text(MemberKind.Schema, table.Name, writer => writer.WriteTableSchema(table)));
                foreach (var chunk in ChunkPlanner.Plan(session.Readers[0], catalog.Name, table, chunkBytes, flavor))
                {
                    items.Add(WorkItem.Data(chunk));
                }
            }

            var objects = catalog.Routines.Concat(catalog.Views).Concat(catalog.Triggers).Concat(catalog.Events).ToList();
            manifest.Objects.AddRange(objects.Select(o => new ManifestObject { Kind = o.Kind, Name = o.Name }));
            items.Add(WorkItem.Text(MemberKind.Objects, null, writer =>
            {
                writer.DatabaseCollation = catalog.Collation;
                catalog.Routines.ForEach(writer.WriteRoutine);
                catalog.Views.ForEach(writer.WriteView);
                catalog.Triggers.ForEach(writer.WriteTrigger);
                catalog.Events.ForEach(writer.WriteEvent);
                catalog.Tables.Where(t => t.IsCached).ToList().ForEach(writer.WriteTableCaching);
            }));
            return items;
        }

        /// <summary>
        /// Re-reads the file: the same SHA-256, and a last member that ends with the end marker. A streamed
        /// archive's file holds only its definition parts (the store checked each block's MD5 as it came),
        /// so there only the end marker is read back.
        /// </summary>
        private static string? VerifyWritten(string path, ArchiveResult written, BackupManifest manifest, MemberCipher? cipher, bool streamed)
        {
            if (!streamed && ChecksumFile.ComputeSha256(path) != written.Sha256)
            {
                return "the file re-reads with a different SHA-256";
            }

            return ArchiveReader.EndsWithEndMarker(ArchiveReader.ReadMemberText(path, manifest, manifest.Members.Count - 1, cipher))
                ? null
                : "its last member does not end with the end marker";
        }

        private static void TryDelete(string path)
        {
            try
            {
                File.Delete(path);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                // Best effort: the error that follows says the backup is not to be used.
            }
        }

        /// <summary>Creates the environment folder and proves it is writable before the database is touched.</summary>
        private static string PrepareFolder(string root, string environment)
        {
            string folder = System.IO.Path.Combine(root, environment);
            try
            {
                bool rootIsNew = !Directory.Exists(root);
                bool folderIsNew = !Directory.Exists(folder);
                Directory.CreateDirectory(folder);

                // Folders B1Backup creates are private to their owner; an existing folder keeps the rights its admin gave it.
                if (rootIsNew)
                {
                    FileProtection.RestrictDirectory(root);
                }

                if (folderIsNew)
                {
                    FileProtection.RestrictDirectory(folder);
                }

                string probe = System.IO.Path.Combine(folder, ".b1backup-write-test-" + Guid.NewGuid().ToString("N").Substring(0, 8));
                using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
                {
                }
            }
            catch (Exception e) when (e is UnauthorizedAccessException || e is IOException)
            {
                throw new B1BackupException("BackupFolderNotWritable", FailureKind.PermissionDenied,
                    $"The backup folder '{folder}' cannot be written: {e.Message} Choose another -Path or fix the folder's permissions. Nothing was read from the database.", e)
                { Target = folder };
            }

            return folder;
        }
    }
}
