using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using B1Backup.Core.Archive;
using B1Backup.Core.Connection;
using B1Backup.Core.Engine;
using B1Backup.Core.Store;
using MySqlConnector;

namespace B1Backup.Core.Restore
{
    /// <summary>Restores B1Backup and mysqldump/mariadb-dump scripts into one target database.</summary>
    public static class RestoreEngine
    {
        private static readonly Regex DumpHeaderDatabase = new Regex(@"Database: (?<db>\S+)", RegexOptions.CultureInvariant);


        /// <summary>
        /// Reads the whole backup without a server: its checksum, its end marker and every statement.
        /// Any problem stops here, before a connection that writes is opened.
        /// </summary>
        public static RestorePlan Prepare(string path, IProgress<RestoreProgress>? progress = null, byte[]? signingKey = null, byte[]? encryptionKey = null)
        {
            var plan = new RestorePlan { Path = path };
            plan.Checksum = ChecksumVerifier.Verify(path, signingKey);
            if (!plan.Checksum.Passed)
            {
                throw new B1BackupException("ChecksumFailed", FailureKind.InvalidData,
                    $"The backup '{path}' failed its checksum check ({plan.Checksum.Reason}): {plan.Checksum.Message} Nothing was changed.") { Target = path };
            }

            plan.Manifest = BackupManifest.TryRead(path);
            if (DescribesThisFile(plan.Manifest, plan.Checksum, path))
            {
                // A B1Backup file: the checksum covers every byte, the manifest lists what they hold,
                // and the last member shows the end marker. No need to read it all twice.
                if (plan.Manifest!.Encryption != null)
                {
                    plan.Cipher = MemberCipher.Open(encryptionKey, plan.Manifest.Encryption, path);
                }

                var footer = plan.Manifest.Members.Last();
                if (footer.Kind != "Footer" || !ArchiveReader.EndsWithEndMarker(ArchiveReader.ReadMemberText(path, plan.Manifest, plan.Manifest.Members.Count - 1, plan.Cipher)))
                {
                    throw new B1BackupException("BackupIncomplete", FailureKind.InvalidData,
                        $"The backup '{path}' does not end with its end-of-dump line. Nothing was changed; use another backup.") { Target = path };
                }

                plan.SourceDatabase = plan.Manifest.Database;
                plan.CharacterSet = plan.Manifest.CharacterSet;
                plan.Collation = plan.Manifest.Collation;
                plan.TableNames.AddRange(plan.Manifest.Tables.Select(t => t.Name));
                plan.Statements = plan.Manifest.Members.Count;
                return plan;
            }

            // Any other script (mysqldump, mariadb-dump): one pass over the content reads its tables,
            // judges every statement, and finds its last line.
            plan.Manifest = null;
            var guard = new StatementGuard(null, null);
            using (var file = ArchiveReader.OpenFile(path))
            using (var script = new TailCapturingStream(ArchiveReader.OpenContent(file, ArchiveReader.CompressionOf(path))))
            {
                var usedDatabases = new HashSet<string>(StringComparer.Ordinal);
                var status = new RestoreProgress { Activity = "Checking the backup", BytesTotal = file.Length };
                try
                {
                    foreach (var statement in new ScriptReader(script).ReadStatements())
                    {
                        if (StatementGuard.TryNamedDatabase(statement.Text, out string used) && usedDatabases.Add(used) && usedDatabases.Count > 1)
                        {
                            throw new B1BackupException("MultipleDatabases", FailureKind.NotSupported,
                                $"The backup '{path}' holds several databases ({string.Join(", ", usedDatabases)}), and a restore writes one. Split the dump per database (mysqldump one database at a time). Nothing was changed.") { Target = path };
                        }

                        if (plan.Statements == 0)
                        {
                            var header = DumpHeaderDatabase.Match(statement.Text.Length > 2000 ? statement.Text.Substring(0, 2000) : statement.Text);
                            plan.SourceDatabase = header.Success ? header.Groups["db"].Value : null;
                            guard.SourceDatabase = plan.SourceDatabase;
                        }

                        guard.Judge(statement);
                        plan.Statements++;
                        if (StatementPolicy.IsCreateTable(statement.Text))
                        {
                            plan.TableNames.Add(StatementPolicy.TableNameOf(statement.Text));
                        }
                        else if (plan.CharacterSet == null && StatementPolicy.TryReadDatabaseCharset(statement.Text, out var cs, out var co))
                        {
                            plan.CharacterSet = cs;
                            plan.Collation = co;
                        }

                        if ((plan.Statements & 0xFF) == 0)
                        {
                            status.BytesRead = file.Position;
                            progress?.Report(status);
                        }
                    }
                }
                catch (Exception e) when (e is InvalidDataException || e is ZstdSharp.ZstdException || e is EndOfStreamException)
                {
                    throw new B1BackupException("BackupIncomplete", FailureKind.InvalidData,
                        $"The backup '{path}' cannot be decompressed: {e.Message} Nothing was changed; use another backup.", e) { Target = path };
                }

                if (!ArchiveReader.EndsWithEndMarker(script.Tail.LastLine()))
                {
                    throw new B1BackupException("BackupIncomplete", FailureKind.InvalidData,
                        $"The backup '{path}' is not a complete dump: the script does not end with an end-of-dump line (it was cut short when written, or truncated since). Nothing was changed; use another backup.") { Target = path };
                }
            }

            plan.SourceDatabase ??= guard.SourceDatabase;
            plan.ObjectDatabaseReferences.AddRange(guard.ObjectDatabaseReferences);
            return plan;
        }

        public static RestoreResult Execute(RestorePlan plan, ConnectionSettings settings, string targetDatabase,
            IProgress<RestoreProgress>? progress, Action<string> log, CancellationToken cancel, RestoreMode mode = RestoreMode.Staged)
        {
            var stopwatch = Stopwatch.StartNew();
            log($"Target: database {Sql.Identifier(targetDatabase)} on {settings.Server} ({mode})");
            var guard = Screen(plan, targetDatabase);
            List<RestoreCheck>? stagingChecks = null;
            long stagingRows = 0;
            if (mode == RestoreMode.InPlace)
            {
                RecreateDatabase(settings, targetDatabase, plan, log);
                try
                {
                    Load(plan, guard, settings.WithDatabase(targetDatabase), progress, log, cancel);
                }
                catch (Exception e) when (e is MySqlException || e is B1BackupException || e is OperationCanceledException || e is IOException)
                {
                    throw Failed(e, settings, $"The database {Sql.Identifier(targetDatabase)} is now only partly restored (in-place restore): restore again, or restore another backup, before using it.");
                }
            }
            else
            {
                string staging = StagingNames.For(targetDatabase, "new");
                DropAbandonedStaging(settings, targetDatabase, log);
                CreateStaging(settings, staging, plan);
                try
                {
                    log($"Loading into the staging database {Sql.Identifier(staging)}; {Sql.Identifier(targetDatabase)} stays as it is until the copy is complete and verified.");
                    Load(plan, guard, settings.WithDatabase(staging), progress, log, cancel);
                    stagingChecks = Verify(settings.WithDatabase(staging), staging, plan, countRows: true, out _, out stagingRows);
                    var failed = stagingChecks.Where(c => !c.Passed).ToList();
                    if (failed.Count > 0)
                    {
                        throw new B1BackupException("RestoreVerificationFailed", FailureKind.InvalidData,
                            "The restored copy failed its checks: " + string.Join("; ", failed.Select(c => c.Message)) + ".");
                    }

                    cancel.ThrowIfCancellationRequested();
                    new DatabaseSwap(settings, staging, targetDatabase, log).Run(plan.CharacterSet, plan.Collation);
                }
                catch (B1BackupException e) when (e.ErrorId == "RestoreSwapFailed")
                {
                    // Rolled back: the restored tables went back to staging, which is no longer needed.
                    DropQuietly(settings, staging, log);
                    throw;
                }
                catch (B1BackupException e) when (e.ErrorId == "RestoreSwapRollbackFailed")
                {
                    // The staging database may hold the only whole copy of the restored tables: keep it.
                    throw;
                }
                catch (Exception e)
                {
                    DropQuietly(settings, staging, log);
                    if (e is MySqlException || e is OperationCanceledException || e is IOException || e is InvalidOperationException || e is B1BackupException)
                    {
                        throw Failed(e, settings, $"The database {Sql.Identifier(targetDatabase)} was not changed.");
                    }

                    throw;
                }

                DropQuietly(settings, staging, log);
            }

            // After a swap the tables are the verified staging tables: counting their rows again would only cost time.
            var checks = Verify(settings.WithDatabase(targetDatabase), targetDatabase, plan, countRows: stagingChecks == null, out int tables, out long rows);
            if (stagingChecks != null)
            {
                checks.AddRange(stagingChecks.Where(c => c.Name.StartsWith("Rows:", StringComparison.Ordinal)));
                rows = stagingRows;
            }

            stopwatch.Stop();
            return new RestoreResult
            {
                Path = plan.Path,
                Database = targetDatabase,
                Server = settings.Server,
                Tables = tables,
                Rows = rows,
                Duration = stopwatch.Elapsed,
                ChecksumVerified = plan.Checksum.Passed,
                Verified = checks.All(c => c.Passed),
                Mode = mode,
                Checks = checks.ToArray(),
            };
        }

        /// <summary>Loads the script into the database the settings name: by members in parallel when the manifest lists them, else statement by statement.</summary>
        private static void Load(RestorePlan plan, StatementGuard guard, ConnectionSettings database, IProgress<RestoreProgress>? progress, Action<string> log, CancellationToken cancel)
        {
            if (ParallelLoader.CanLoad(plan))
            {
                var started = Stopwatch.StartNew();
                new ParallelLoader(plan, guard, database, plan.Connections, log).Run(progress, cancel);
                log($"Loaded {plan.Manifest!.Members.Count} parts in {started.Elapsed.TotalSeconds:N1} s; verifying.");
                return;
            }

            LoadSequentially(plan, guard, database, progress, log, cancel);
        }

        private static void LoadSequentially(RestorePlan plan, StatementGuard guard, ConnectionSettings database, IProgress<RestoreProgress>? progress, Action<string> log, CancellationToken cancel)
        {
            var started = Stopwatch.StartNew();
            int executed = 0;
            var status = new RestoreProgress { Activity = $"Restoring {database.Database}", StatementsTotal = plan.Statements };
            using var connection = DatabaseConnector.Open(database);
            using var file = ArchiveReader.OpenFile(plan.Path);
            using var script = ArchiveReader.OpenContent(file, ArchiveReader.CompressionOf(plan.Path));
            SnapshotSession.Execute(connection, LoadSession);
            status.BytesTotal = file.Length;
            var skipped = new Dictionary<StatementAction, int>();
            foreach (var statement in new ScriptReader(script).ReadStatements())
            {
                cancel.ThrowIfCancellationRequested();
                var action = guard.Judge(statement);
                if (action != StatementAction.Execute)
                {
                    skipped[action] = skipped.TryGetValue(action, out int n) ? n + 1 : 1;
                    continue;
                }

                ExecuteStatement(connection, statement, database, log);

                executed++;
                status.Statements = executed;
                status.BytesRead = file.Position;
                progress?.Report(status);
            }

            foreach (var pair in skipped)
            {
                log($"Skipped {pair.Value} statement(s) of kind {pair.Key}: the restore writes only to its own database.");
            }

            log($"Ran {executed} statements in {started.Elapsed.TotalSeconds:N1} s; verifying.");
        }

        /// <summary>
        /// Judges every statement that will run, before anything is written: the whole script of a
        /// mysqldump file; the definitions of a B1Backup file (its data parts, INSERTs only, are judged
        /// strictly as they load into the staging copy).
        /// </summary>
        private static StatementGuard Screen(RestorePlan plan, string target)
        {
            var guard = new StatementGuard(plan.SourceDatabase, target);
            if (ParallelLoader.CanLoad(plan))
            {
                var members = plan.Manifest!.Members;
                for (int index = 0; index < members.Count; index++)
                {
                    if (members[index].Kind == "Data")
                    {
                        continue;
                    }

                    using var file = ArchiveReader.OpenFile(plan.Path);
                    using var content = ArchiveReader.OpenMember(file, plan.Path, plan.Manifest, index, plan.Cipher);
                    foreach (var statement in new ScriptReader(content).ReadStatements())
                    {
                        guard.Judge(statement);
                    }
                }

                return guard;
            }

            // Prepare judged every statement already; what it could not know was the target, which the
            // views, routines, triggers and events that name a database must name.
            foreach (var (database, statement) in plan.ObjectDatabaseReferences)
            {
                if (database != target)
                {
                    throw StatementGuard.Refuse(statement, $"it names the database '{database}'");
                }
            }

            return guard;
        }

        /// <summary>A manifest with members that records exactly this file's size and hash.</summary>
        private static bool DescribesThisFile(BackupManifest? manifest, ChecksumResult checksum, string path) =>
            manifest != null
            && manifest.Members.Count > 0
            && manifest.Sha256 == checksum.Actual
            && manifest.Size == new FileInfo(path).Length
            && manifest.Members.Sum(m => m.Length) == manifest.Size;

        /// <summary>The session every loading connection runs in, whatever the script sets itself.</summary>
        internal const string LoadSession = "SET SESSION foreign_key_checks = 0, SESSION unique_checks = 0, SESSION time_zone = '+00:00', SESSION sql_mode = '" + DumpWriter.SessionSqlMode + "'";

        internal static void ExecuteStatement(MySqlConnection connection, ScriptStatement statement, ConnectionSettings database, Action<string> log)
        {
            try
            {
                ObjectInstaller.ExecuteKeepingDefiner(connection, statement.Text, $"Line {statement.Line}", log);
            }
            catch (MySqlException e)
            {
                string excerpt = statement.Text.Length > 120 ? statement.Text.Substring(0, 120) + "..." : statement.Text;
                throw new B1BackupException("RestoreStatementFailed", FailureKind.InvalidData,
                    $"The statement on line {statement.Line} of the backup failed: {database.Scrub(e.Message)} ({excerpt.Replace('\n', ' ')}).", e);
            }
        }

        private static B1BackupException Failed(Exception e, ConnectionSettings settings, string state)
        {
            string what = e switch
            {
                OperationCanceledException _ => "The restore was stopped.",
                B1BackupException b => b.Message,
                _ => "The restore failed: " + settings.Scrub(e.Message),
            };
            string id = e switch
            {
                OperationCanceledException _ => "RestoreStopped",
                B1BackupException b => b.ErrorId,
                MySqlException _ => "RestoreConnectionFailed",
                _ => "RestoreFailed",
            };
            return new B1BackupException(id, e is OperationCanceledException ? FailureKind.OperationStopped : FailureKind.InvalidData, what + " " + state, e);
        }

        private static void CreateStaging(ConnectionSettings settings, string staging, RestorePlan plan)
        {
            using var connection = DatabaseConnector.Open(settings.WithDatabase(null));
            try
            {
                SnapshotSession.Execute(connection, "CREATE DATABASE " + Sql.Identifier(staging) + DatabaseSwap.CharsetClause(plan.CharacterSet, plan.Collation));
            }
            catch (MySqlException e) when (e.Number == 1044 || e.Number == 1227)
            {
                throw new B1BackupException("StagingNotAllowed", FailureKind.PermissionDenied,
                    $"A safe restore loads a staging database ({Sql.Identifier(staging)}) first, and this user may not create it: {settings.Scrub(e.Message)} " +
                    "Grant CREATE and DROP on databases named <target>__b1%, or pass -InPlace to load the target directly (a failure then leaves it partly restored). Nothing was changed.", e) { Target = staging };
            }
        }

        /// <summary>
        /// A restore killed while loading leaves its staging copy (&lt;target&gt;__b1new_*): it never holds the
        /// only copy of anything, so the next restore of the same target removes it.
        /// </summary>
        private static void DropAbandonedStaging(ConnectionSettings settings, string target, Action<string> log)
        {
            using var connection = DatabaseConnector.Open(settings.WithDatabase(null));
            var abandoned = new List<string>();
            using (var command = new MySqlCommand("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE @pattern", connection))
            {
                string prefix = StagingNames.For(target, "new");
                prefix = prefix.Substring(0, prefix.Length - 6);
                command.Parameters.AddWithValue("@pattern", prefix.Replace("\\", "\\\\").Replace("_", "\\_").Replace("%", "\\%") + "%");
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    abandoned.Add(reader.GetString(0));
                }
            }

            foreach (string name in abandoned)
            {
                log($"Dropping {Sql.Identifier(name)}, the staging copy of an earlier restore of {Sql.Identifier(target)} that did not finish.");
                SnapshotSession.Execute(connection, "DROP DATABASE " + Sql.Identifier(name));
            }
        }

        private static void DropQuietly(ConnectionSettings settings, string database, Action<string> log)
        {
            try
            {
                using var connection = DatabaseConnector.Open(settings.WithDatabase(null));
                SnapshotSession.Execute(connection, "DROP DATABASE IF EXISTS " + Sql.Identifier(database));
            }
            catch (Exception e) when (e is MySqlException || e is B1BackupException)
            {
                log($"Could not drop the staging database {Sql.Identifier(database)} ({settings.Scrub(e.Message)}); drop it by hand.");
            }
        }

        /// <summary>Drops the target (the restore overwrites it) and creates it with the source's character set.</summary>
        private static void RecreateDatabase(ConnectionSettings settings, string target, RestorePlan plan, Action<string> log)
        {
            using var connection = DatabaseConnector.Open(settings.WithDatabase(null));
            using (var exists = new MySqlCommand("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = @db", connection))
            {
                exists.Parameters.AddWithValue("@db", target);
                if (Convert.ToInt64(exists.ExecuteScalar(), CultureInfo.InvariantCulture) > 0)
                {
                    log($"Dropping the existing database {Sql.Identifier(target)}: the restore overwrites it.");
                    SnapshotSession.Execute(connection, "DROP DATABASE " + Sql.Identifier(target));
                }
            }

            string create = "CREATE DATABASE " + Sql.Identifier(target);
            if (plan.CharacterSet != null)
            {
                create += " CHARACTER SET " + plan.CharacterSet + (plan.Collation != null ? " COLLATE " + plan.Collation : string.Empty);
            }

            SnapshotSession.Execute(connection, create);
        }

        private static List<RestoreCheck> Verify(ConnectionSettings settings, string database, RestorePlan plan, bool countRows, out int tableCount, out long rowCount)
        {
            var checks = new List<RestoreCheck>();
            tableCount = 0;
            rowCount = 0;
            using var connection = DatabaseConnector.Open(settings);
            using (var ping = new MySqlCommand("SELECT 1", connection))
            {
                bool answers = Convert.ToInt32(ping.ExecuteScalar(), CultureInfo.InvariantCulture) == 1;
                checks.Add(new RestoreCheck { Name = "DatabaseAnswers", Passed = answers, Message = answers ? "The database answers queries." : "The database did not answer SELECT 1." });
            }

            var present = new HashSet<string>(StringComparer.Ordinal);
            using (var command = new MySqlCommand("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = @db AND TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED')", connection))
            {
                command.Parameters.AddWithValue("@db", database);
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    present.Add(reader.GetString(0));
                }
            }

            tableCount = present.Count;
            var expectedTables = plan.Manifest != null ? plan.Manifest.Tables.Select(t => t.Name).ToList() : plan.TableNames.Distinct().ToList();
            var missing = expectedTables.Where(t => !present.Contains(t)).ToList();
            checks.Add(new RestoreCheck
            {
                Name = "Tables",
                Passed = missing.Count == 0,
                Expected = expectedTables.Count.ToString(CultureInfo.InvariantCulture),
                Actual = present.Count.ToString(CultureInfo.InvariantCulture),
                Message = missing.Count == 0 ? $"All {expectedTables.Count} tables of the backup are there." : "Missing tables: " + string.Join(", ", missing),
            });

            foreach (string table in present.OrderBy(t => t, StringComparer.Ordinal).Where(_ => countRows))
            {
                using var count = new MySqlCommand("SELECT COUNT(*) FROM " + Sql.Identifier(table), connection);
                long actual = Convert.ToInt64(count.ExecuteScalar(), CultureInfo.InvariantCulture);
                rowCount += actual;
                var recorded = plan.Manifest?.Tables.FirstOrDefault(t => t.Name == table);
                if (recorded != null)
                {
                    bool same = recorded.Rows == actual;
                    checks.Add(new RestoreCheck
                    {
                        Name = "Rows:" + table,
                        Passed = same,
                        Expected = recorded.Rows.ToString(CultureInfo.InvariantCulture),
                        Actual = actual.ToString(CultureInfo.InvariantCulture),
                        Message = same ? $"{actual} rows, as backed up." : $"{actual} rows, but the backup recorded {recorded.Rows}.",
                    });
                }
            }

            return checks;
        }
    }
}
