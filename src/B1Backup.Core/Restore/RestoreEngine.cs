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
using B1Backup.Core.Lexing;
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
        /// Any problem stops here, before a connection that writes is opened. The file is opened once:
        /// the checksum and signature are verified on that handle, and the restore reads through it.
        /// </summary>
        public static RestorePlan Prepare(string path, IProgress<RestoreProgress>? progress = null, byte[]? signingKey = null, byte[]? encryptionKey = null)
        {
            var plan = new RestorePlan { Path = path };
            if (!File.Exists(path))
            {
                plan.Checksum = ChecksumVerifier.Verify(path, signingKey);
                throw ChecksumFailed(plan);
            }

            // The manifest is not covered by the checksum: it only says where the parts are, and every
            // part it names is hashed on its own in the same pass, so that what loads is what was verified.
            var manifest = BackupManifest.TryRead(path, out string? manifestProblem);
            if (manifestProblem != null)
            {
                throw new B1BackupException("ManifestInvalid", FailureKind.InvalidData,
                    $"The backup '{path}' cannot be restored as it stands: {manifestProblem}. Nothing was changed. Move the .manifest.json aside to restore the file as a plain script (not possible for an encrypted backup), or use another backup.")
                { Target = path };
            }

            var ranges = manifest != null && manifest.Members.Count > 0 ? manifest.Members.Select(m => (m.Offset, m.Length)).ToList() : null;
            try
            {
                plan.Source = VerifiedFile.Open(path, ranges);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                plan.Checksum = ChecksumVerifier.Verify(path, signingKey);
                throw ChecksumFailed(plan);
            }

            try
            {
                return PrepareVerified(plan, manifest, progress, signingKey, encryptionKey);
            }
            catch
            {
                plan.Dispose();
                throw;
            }
        }

        private static B1BackupException ChecksumFailed(RestorePlan plan) =>
            new B1BackupException("ChecksumFailed", FailureKind.InvalidData,
                $"The backup '{plan.Path}' failed its checksum check ({plan.Checksum.Reason}): {plan.Checksum.Message} Nothing was changed.")
            { Target = plan.Path };

        private static RestorePlan PrepareVerified(RestorePlan plan, BackupManifest? manifest, IProgress<RestoreProgress>? progress, byte[]? signingKey, byte[]? encryptionKey)
        {
            string path = plan.Path;
            plan.Checksum = ChecksumVerifier.Verify(path, signingKey, plan.Source!.Sha256);
            if (!plan.Checksum.Passed)
            {
                throw ChecksumFailed(plan);
            }

            plan.Manifest = manifest;
            if (DescribesThisFile(plan.Manifest, plan.Checksum, path))
            {
                // A B1Backup file: the checksum covers every byte, the manifest lists what they hold,
                // and the last member shows the end marker. No need to read it all twice.
                if (plan.Manifest!.Encryption != null)
                {
                    plan.Cipher = MemberCipher.Open(encryptionKey, plan.Manifest.Encryption, path);
                }

                var footer = plan.Manifest.Members.Last();
                if (footer.Kind != MemberKind.Footer || plan.Manifest.Members[0].Kind != MemberKind.Header || !ArchiveReader.EndsWithEndMarker(ReadMemberText(plan, plan.Manifest.Members.Count - 1)))
                {
                    throw new B1BackupException("BackupIncomplete", FailureKind.InvalidData,
                        $"The backup '{path}' does not end with its end-of-dump line. Nothing was changed; use another backup.")
                    { Target = path };
                }

                // The source database comes from the checksummed header, never from the manifest beside it.
                var header = B1HeaderDatabase.Match(ReadMemberText(plan, 0));
                plan.SourceDatabase = header.Success ? header.Groups["db"].Value.Replace("``", "`") : null;
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
            using (var range = plan.Source.OpenAll())
            using (var script = new TailCapturingStream(ArchiveReader.OpenContent(range, ArchiveReader.CompressionOf(path))))
            {
                var usedDatabases = new HashSet<string>(StringComparer.Ordinal);
                var status = new RestoreProgress { Activity = "Checking the backup", BytesTotal = plan.Source.Length };
                try
                {
                    foreach (var statement in new ScriptReader(script, guard.Dialect).ReadStatements())
                    {
                        if (plan.Statements == 0)
                        {
                            var dumpHeader = DumpHeaderDatabase.Match(statement.Text.Length > 2000 ? statement.Text.Substring(0, 2000) : statement.Text);
                            plan.SourceDatabase = dumpHeader.Success ? dumpHeader.Groups["db"].Value : null;
                            guard.SourceDatabase = plan.SourceDatabase;
                        }

                        var judged = guard.Judge(statement);
                        if (judged.Database != null && usedDatabases.Add(judged.Database) && usedDatabases.Count > 1)
                        {
                            throw new B1BackupException("MultipleDatabases", FailureKind.NotSupported,
                                $"The backup '{path}' holds several databases ({string.Join(", ", usedDatabases)}), and a restore writes one. Split the dump per database (mysqldump one database at a time). Nothing was changed.")
                            { Target = path };
                        }

                        plan.Statements++;
                        if (judged.Table != null)
                        {
                            plan.TableNames.Add(judged.Table);
                        }
                        else if (plan.CharacterSet == null && judged.CharacterSet != null)
                        {
                            plan.CharacterSet = judged.CharacterSet;
                            plan.Collation = judged.Collation;
                        }

                        if ((plan.Statements & 0xFF) == 0)
                        {
                            progress?.Report(status);
                        }
                    }
                }
                catch (Exception e) when (e is InvalidDataException || e is ZstdSharp.ZstdException || e is EndOfStreamException)
                {
                    throw new B1BackupException("BackupIncomplete", FailureKind.InvalidData,
                        $"The backup '{path}' cannot be decompressed: {e.Message} Nothing was changed; use another backup.", e)
                    { Target = path };
                }

                if (!ArchiveReader.EndsWithEndMarker(script.Tail.LastLine()))
                {
                    throw new B1BackupException("BackupIncomplete", FailureKind.InvalidData,
                        $"The backup '{path}' is not a complete dump: the script does not end with an end-of-dump line (it was cut short when written, or truncated since). Nothing was changed; use another backup.")
                    { Target = path };
                }
            }

            plan.SourceDatabase ??= guard.SourceDatabase;
            return plan;
        }

        /// <summary>
        /// A part that cannot be decompressed while restoring: if its bytes are no longer the verified
        /// ones, that is the error (the file changed); otherwise the backup itself is damaged.
        /// </summary>
        internal static B1BackupException Undecodable(VerifiedRange range, Exception e, string path)
        {
            range.Finish();
            return new B1BackupException("BackupIncomplete", FailureKind.InvalidData,
                $"The backup '{path}' cannot be decompressed: {e.Message} Use another backup.", e)
            { Target = path };
        }

        internal static bool IsUndecodable(Exception e) => e is InvalidDataException || e is ZstdSharp.ZstdException || e is EndOfStreamException;

        private static readonly Regex B1HeaderDatabase = new Regex(@"\A-- B1Backup \S+ dump of database `(?<db>(?:[^`]|``)+)`", RegexOptions.CultureInvariant);

        private static string ReadMemberText(RestorePlan plan, int index)
        {
            using var content = ArchiveReader.OpenMember(plan.Source!, plan.Manifest!, index, plan.Cipher, out var range);
            using var reader = new StreamReader(content, new System.Text.UTF8Encoding(false));
            string text = reader.ReadToEnd();
            range.Finish();
            return text;
        }

        /// <summary>
        /// Reads every statement of a backup's definitions (header, tables, objects) as a restore into
        /// its own database would, trusting its stored code: a backup this tool could not restore fails
        /// when it is made, never when it is needed. Returns the problem, or null. Data parts are the
        /// writer's own literal INSERTs and are not read again here.
        /// </summary>
        public static string? CheckRestorable(string path, BackupManifest manifest, MemberCipher? cipher, string database)
        {
            var ranges = manifest.Members.Select(m => (m.Offset, m.Length)).ToList();
            using var source = VerifiedFile.Open(path, ranges);
            var guard = new StatementGuard(database, database, null, new RestoreOptions { TrustStoredCode = true, KeepDefiners = true });
            try
            {
                JudgeDefinitions(source, manifest, cipher, guard);
            }
            catch (B1BackupException e)
            {
                return e.Message;
            }

            return null;
        }

        /// <summary>
        /// Judges every statement of a B1Backup file's header, table and object parts, in the sessions the
        /// loader runs them in. Data parts are judged by the data rule as they load.
        /// </summary>
        private static void JudgeDefinitions(VerifiedFile source, BackupManifest manifest, MemberCipher? cipher, StatementGuard guard)
        {
            // Exactly as ParallelLoader runs them: every header and table part on one connection, in
            // order, then every object part and the footer on another.
            var members = manifest.Members;
            var head = members.Where(m => m.Kind == MemberKind.Header || m.Kind == MemberKind.Schema).ToList();
            var tail = members.Where(m => m.Kind == MemberKind.Objects || m.Kind == MemberKind.Footer).ToList();
            foreach (var group in new[] { head, tail })
            {
                guard.BeginSession();
                foreach (var member in group)
                {
                    using var content = ArchiveReader.OpenMember(source, manifest, members.IndexOf(member), cipher, out var range);
                    var statements = guard.Reader(content).ReadStatements().GetEnumerator();
                    while (NextStatement(statements, range, source.Path))
                    {
                        guard.Judge(statements.Current);
                    }

                    range.Finish();
                }
            }
        }

        private static void JudgeDataParts(VerifiedFile source, BackupManifest manifest, MemberCipher? cipher, StatementGuard guard)
        {
            for (int index = 0; index < manifest.Members.Count; index++)
            {
                if (manifest.Members[index].Kind != MemberKind.Data)
                {
                    continue;
                }

                using var content = ArchiveReader.OpenMember(source, manifest, index, cipher, out var range);
                var statements = guard.Reader(content, dataPart: true).ReadStatements().GetEnumerator();
                while (NextStatement(statements, range, source.Path))
                {
                    StatementGuard.JudgeData(statements.Current);
                }

                range.Finish();
            }
        }

        public static RestoreResult Execute(RestorePlan plan, ConnectionSettings settings, string targetDatabase,
            IProgress<RestoreProgress>? progress, Action<string> log, CancellationToken cancel, RestoreMode mode = RestoreMode.Staged, RestoreOptions? options = null)
        {
            // The server's own databases (information_schema too: stored code may read it, a restore never writes it).
            if (StatementGuard.SystemDatabases.Contains(targetDatabase) || string.Equals(targetDatabase, "information_schema", StringComparison.OrdinalIgnoreCase)
                || targetDatabase.IndexOf(StagingNames.Marker, StringComparison.OrdinalIgnoreCase) >= 0)
            {
                throw new B1BackupException("TargetNotAllowed", FailureKind.SecurityError,
                    $"A restore never writes into {Sql.Identifier(targetDatabase)}: it is one of the server's own databases or a working copy of another restore. Name another target with -TargetDatabase. Nothing was changed.")
                { Target = targetDatabase };
            }

            if (plan.Source == null)
            {
                throw new InvalidOperationException("The plan was prepared for another restore, or already used: prepare it again.");
            }

            try
            {
                using var admin = DatabaseConnector.Open(settings.WithDatabase(null));
                using var exclusive = RestoreLock.Take(admin, targetDatabase, settings);
                StatementGuard guard;
                try
                {
                    guard = Screen(plan, targetDatabase, admin, options ?? new RestoreOptions(), log, judgeData: mode == RestoreMode.InPlace);
                }
                catch (B1BackupException e) when (e.ErrorId != "StatementRefused")
                {
                    throw new B1BackupException(e.ErrorId, e.Kind, e.Message + " Nothing was changed.", e) { Target = e.Target };
                }
                return ExecuteScreened(plan, guard, settings, targetDatabase, progress, log, mode, options ?? new RestoreOptions(), cancel);
            }
            finally
            {
                plan.Dispose();
            }
        }

        private static RestoreResult ExecuteScreened(RestorePlan plan, StatementGuard guard, ConnectionSettings settings, string targetDatabase,
            IProgress<RestoreProgress>? progress, Action<string> log, RestoreMode mode, RestoreOptions options, CancellationToken cancel)
        {
            var stopwatch = Stopwatch.StartNew();
            log($"Target: database {Sql.Identifier(targetDatabase)} on {settings.Server} ({mode})");
            var events = new List<DeferredStatement>();
            List<RestoreCheck>? stagingChecks = null;
            long stagingRows = 0;
            if (mode == RestoreMode.InPlace)
            {
                RecreateDatabase(settings, targetDatabase, plan, log);
                try
                {
                    Load(plan, guard, settings.WithDatabase(targetDatabase), events, progress, log, cancel);
                    using var connection = DatabaseConnector.Open(settings.WithDatabase(targetDatabase));
                    foreach (var item in events)
                    {
                        item.Create(connection);
                    }
                }
                catch (Exception e) when (e is MySqlException || e is B1BackupException || e is OperationCanceledException || e is IOException)
                {
                    throw Failed(e, settings, $"The database {Sql.Identifier(targetDatabase)} is now only partly restored (in-place restore): restore again, or restore another backup, before using it.");
                }
            }
            else
            {
                ForeignKeysFromOutside.Refuse(settings, targetDatabase);
                string staging = StagingNames.For(targetDatabase, "new");
                DropAbandonedStaging(settings, targetDatabase, log);
                CreateStaging(settings, staging, plan);
                try
                {
                    log($"Loading into the staging database {Sql.Identifier(staging)}; {Sql.Identifier(targetDatabase)} stays as it is until the copy is complete and verified.");
                    Load(plan, guard, settings.WithDatabase(staging), events, progress, log, cancel);
                    StagingNames.RemoveMarker(settings, staging);
                    stagingChecks = Verify(settings.WithDatabase(staging), staging, plan, countRows: true, out _, out stagingRows);
                    var failed = stagingChecks.Where(c => !c.Passed).ToList();
                    if (failed.Count > 0)
                    {
                        throw new B1BackupException("RestoreVerificationFailed", FailureKind.InvalidData,
                            "The restored copy failed its checks: " + string.Join("; ", failed.Select(c => c.Message)) + ".");
                    }

                    cancel.ThrowIfCancellationRequested();
                    new DatabaseSwap(settings, staging, targetDatabase, log) { DeferredStatements = events, LockWaitSeconds = options.SwapLockWaitSeconds }.Run(plan.CharacterSet, plan.Collation);
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
        private static void Load(RestorePlan plan, StatementGuard guard, ConnectionSettings database, List<DeferredStatement> events, IProgress<RestoreProgress>? progress, Action<string> log, CancellationToken cancel)
        {
            if (ParallelLoader.CanLoad(plan))
            {
                var started = Stopwatch.StartNew();
                new ParallelLoader(plan, guard, database, plan.Connections, events, log).Run(progress, cancel);
                int dataParts = plan.Manifest!.Members.Count(m => m.Kind == MemberKind.Data);
                log($"Loaded {dataParts} data parts and {plan.Manifest.Members.Count - dataParts} other parts in {started.Elapsed.TotalSeconds:N1} s; verifying.");
                return;
            }

            LoadSequentially(plan, guard, database, events, progress, log, cancel);
        }

        private static void LoadSequentially(RestorePlan plan, StatementGuard guard, ConnectionSettings database, List<DeferredStatement> events, IProgress<RestoreProgress>? progress, Action<string> log, CancellationToken cancel)
        {
            var started = Stopwatch.StartNew();
            int executed = 0;
            var status = new RestoreProgress { Activity = $"Restoring {database.Database}", StatementsTotal = plan.Statements };
            using var connection = OpenLoadSession(database, guard.Dialect.Server);
            using var range = plan.Source!.OpenAll();
            using var script = ArchiveReader.OpenContent(range, ArchiveReader.CompressionOf(plan.Path));
            guard.BeginSession();
            status.BytesTotal = plan.Source.Length;
            var skipped = new Dictionary<StatementAction, int>();
            var statements = guard.Reader(script).ReadStatements().GetEnumerator();
            while (NextStatement(statements, range, plan.Path))
            {
                var statement = statements.Current;
                cancel.ThrowIfCancellationRequested();
                var judged = guard.Judge(statement);
                if (judged.Action != StatementAction.Execute)
                {
                    skipped[judged.Action] = skipped.TryGetValue(judged.Action, out int n) ? n + 1 : 1;
                    continue;
                }

                if (judged.RunsAfterSwap)
                {
                    events.Add(new DeferredStatement(judged, guard));
                    continue;
                }

                if (judged.EnablesTtlAfterSwap)
                {
                    events.Add(DeferredStatement.TtlFor(judged.Table!));
                }

                ExecuteStatement(connection, judged, database, log, cancel);
                executed++;
                status.Statements = executed;
                progress?.Report(status);
            }

            range.Finish();
            foreach (var pair in skipped)
            {
                log($"Skipped {pair.Value} statement(s) of kind {pair.Key}: the restore writes only to its own database.");
            }

            log($"Ran {executed} statements in {started.Elapsed.TotalSeconds:N1} s; verifying.");
        }

        /// <summary>The next statement of a verified range; a decompression failure is told as the file changing, or as damage.</summary>
        internal static bool NextStatement(IEnumerator<ScriptStatement> statements, VerifiedRange range, string path)
        {
            try
            {
                return statements.MoveNext();
            }
            catch (Exception e) when (IsUndecodable(e))
            {
                throw Undecodable(range, e, path);
            }
        }

        /// <summary>
        /// Judges every statement that will run, before anything is written, as the server that will
        /// run it reads them: the whole script of a mysqldump file; the definitions of a B1Backup file
        /// (its data parts, INSERTs only, are judged strictly as they load into the staging copy).
        /// </summary>
        private static StatementGuard Screen(RestorePlan plan, string target, MySqlConnection admin, RestoreOptions options, Action<string> log, bool judgeData)
        {
            var flavor = SnapshotSession.DetectFlavor(admin);
            var guard = new StatementGuard(plan.SourceDatabase, target, new SqlDialect(flavor), options);
            using (var packet = new MySqlCommand("SELECT @@max_allowed_packet", admin))
            {
                guard.LimitToPacket(Convert.ToInt64(packet.ExecuteScalar(), CultureInfo.InvariantCulture));
            }

            using (var command = new MySqlCommand("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA", admin))
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    string name = reader.GetString(0);
                    if (name != target)
                    {
                        guard.OtherDatabases.Add(name);
                    }
                }
            }

            if (ParallelLoader.CanLoad(plan))
            {
                JudgeDefinitions(plan.Source!, plan.Manifest!, plan.Cipher, guard);
                if (judgeData)
                {
                    // In place there is no staging copy to absorb a refusal half-way: the data parts are read first too.
                    JudgeDataParts(plan.Source!, plan.Manifest!, plan.Cipher, guard);
                }

                RefuseStoredCodeTheBinlogBlocks(admin, guard);
                RefuseMissingCollations(admin, guard, flavor);
                return guard;
            }

            log("Checking every statement of the script as this server reads it.");
            using (var range = plan.Source!.OpenAll())
            using (var script = ArchiveReader.OpenContent(range, ArchiveReader.CompressionOf(plan.Path)))
            {
                var statements = guard.Reader(script).ReadStatements().GetEnumerator();
                while (NextStatement(statements, range, plan.Path))
                {
                    guard.Judge(statements.Current);
                }

                range.Finish();
            }

            RefuseStoredCodeTheBinlogBlocks(admin, guard);
            RefuseMissingCollations(admin, guard, flavor);
            return guard;
        }

        /// <summary>
        /// A collation the target lacks (MySQL 8's utf8mb4_0900_ai_ci on TiDB before 7.4 or older MariaDB,
        /// MariaDB's uca1400 ones on MySQL) fails CREATE TABLE half-way: it is found before anything is loaded.
        /// Mapping it to another collation would change how rows compare and which are duplicates, so it is not done silently.
        /// </summary>
        private static void RefuseMissingCollations(MySqlConnection admin, StatementGuard guard, ServerFlavor flavor)
        {
            if (guard.CollationsUsed.Count == 0)
            {
                return;
            }

            string? missing = MissingCollations(guard.CollationsUsed, name => ServerKnowsCollation(admin, name));
            if (missing != null)
            {
                throw new B1BackupException("CollationNotSupported", FailureKind.InvalidData,
                    $"The backup uses collations this server ({flavor.Kind} {flavor.Version}) does not have: {missing}. Nothing was changed. " +
                    "Restore into a server that has them (utf8mb4_0900_* collations: MySQL 8, TiDB 7.4+; uca1400 ones: MariaDB 10.10+), " +
                    "or change the source's collation before the backup; B1Backup does not map collations, because that changes how rows compare and which count as duplicates.");
            }
        }

        /// <summary>
        /// Asks the server itself, so its aliases count (utf8_general_ci for utf8mb3_general_ci, MariaDB's
        /// utf8mb4_uca1400_ai_ci, which information_schema.COLLATIONS lists only as uca1400_ai_ci).
        /// </summary>
        private static bool ServerKnowsCollation(MySqlConnection admin, string collation)
        {
            try
            {
                SnapshotSession.Execute(admin, "DO _utf8mb4'' COLLATE " + Sql.Identifier(collation));
                return true;
            }
            catch (MySqlException e) when (e.Number == 1253)
            {
                // "COLLATION x is not valid for CHARACTER SET utf8mb4": it exists, for another character set.
                return true;
            }
            catch (MySqlException e) when (e.Number == 1273)
            {
                return false;
            }
        }

        /// <summary>The collations the server lacks, each with the line of the backup that first names it; null when none is missing.</summary>
        internal static string? MissingCollations(IDictionary<string, long> used, Func<string, bool> exists)
        {
            var missing = used.Where(u => !exists(u.Key)).OrderBy(u => u.Value).Select(u => $"{u.Key} (line {u.Value})").ToList();
            return missing.Count == 0 ? null : string.Join(", ", missing);
        }

        private static void RefuseStoredCodeTheBinlogBlocks(MySqlConnection admin, StatementGuard guard)
        {
            if (!guard.CreatesFunctionsOrTriggers)
            {
                return;
            }

            bool logBin, trust, super;
            using (var command = new MySqlCommand("SELECT @@log_bin, @@log_bin_trust_function_creators, (SELECT COUNT(*) FROM information_schema.USER_PRIVILEGES WHERE PRIVILEGE_TYPE = 'SUPER' AND GRANTEE = CONCAT('''', SUBSTRING_INDEX(CURRENT_USER(), '@', 1), '''@''', SUBSTRING_INDEX(CURRENT_USER(), '@', -1), ''''))", admin))
            using (var reader = command.ExecuteReader())
            {
                reader.Read();
                logBin = Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture) != 0;
                trust = Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture) != 0;
                super = Convert.ToInt64(reader.GetValue(2), CultureInfo.InvariantCulture) != 0;
            }

            string? problem = ServerFlavor.StoredCodeBlockedByBinlog(logBin, trust, super, true);
            if (problem != null)
            {
                throw new B1BackupException("BinlogBlocksStoredCode", FailureKind.PermissionDenied, problem);
            }
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

        /// <summary>A connection in the loader's session, with what this server needs besides (see <see cref="ServerFlavor.RestoreSessionStatements"/>).</summary>
        internal static MySqlConnection OpenLoadSession(ConnectionSettings database, ServerFlavor server)
        {
            var connection = DatabaseConnector.Open(database);
            try
            {
                SnapshotSession.Execute(connection, LoadSession);
                foreach (string statement in server.RestoreSessionStatements)
                {
                    SnapshotSession.Execute(connection, statement);
                }

                return connection;
            }
            catch
            {
                connection.Dispose();
                throw;
            }
        }

        /// <summary>Sends one judged statement: the only way a restore runs text that came from a backup.</summary>
        internal static void ExecuteStatement(MySqlConnection connection, JudgedStatement statement, ConnectionSettings database, Action<string> log, CancellationToken cancel = default)
        {
            try
            {
                ObjectCharset.Run(connection, statement.ObjectCharacterSetClient, statement.ObjectCollationConnection, statement.ObjectDatabaseCollation,
                    () => ObjectInstaller.ExecuteKeepingDefiner(connection, statement.Sql, $"Line {statement.Line}", log, null, cancel));
            }
            catch (MySqlException e) when (e.Number == 1153 || e.Message.IndexOf("max_allowed_packet", StringComparison.OrdinalIgnoreCase) >= 0)
            {
                long needed = System.Text.Encoding.UTF8.GetByteCount(statement.Sql) + 1024;
                throw new B1BackupException("StatementTooLargeForServer", FailureKind.InvalidData,
                    $"The statement on line {statement.Line} of the backup is {needed / 1024:N0} KB, more than the server's max_allowed_packet accepts. Raise it to at least {needed} bytes (SET GLOBAL max_allowed_packet = {RoundUp(needed)}; then reconnect) and restore again.", e);
            }
            catch (MySqlException e)
            {
                string excerpt = statement.Sql.Length > 120 ? statement.Sql.Substring(0, 120) + "..." : statement.Sql;
                throw new B1BackupException("RestoreStatementFailed", FailureKind.InvalidData,
                    $"The statement on line {statement.Line} of the backup failed: {database.Scrub(e.Message)} ({excerpt.Replace('\n', ' ')}).", e);
            }
        }

        private static long RoundUp(long bytes) => ((bytes / (1 << 20)) + 1) * (1 << 20);

        /// <summary>The server went away (stopped, restarted, killed the session, or the network broke), as opposed to refusing a statement.</summary>
        private static bool ConnectionLost(Exception e) =>
            e is MySqlException m && (m.ErrorCode == MySqlErrorCode.UnableToConnectToHost || m.Number == 2006 || m.Number == 2013 || m.ErrorCode == MySqlErrorCode.QueryInterrupted || m.InnerException is IOException || m.InnerException is EndOfStreamException || m.InnerException is System.Net.Sockets.SocketException);

        private static B1BackupException Failed(Exception e, ConnectionSettings settings, string state)
        {
            string what = e switch
            {
                OperationCanceledException _ => "The restore was stopped.",
                B1BackupException b => b.Message,
                MySqlException _ when ConnectionLost(e) => "The server closed the connection during the restore (it stopped, restarted or ended the session): " + settings.Scrub(e.Message) + ".",
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
                    "Grant CREATE and DROP on databases named <target>__b1%, or pass -InPlace to load the target directly (a failure then leaves it partly restored). Nothing was changed.", e)
                { Target = staging };
            }

            StagingNames.CreateMarker(settings, staging);
        }

        /// <summary>
        /// A restore killed while loading leaves its staging copy (&lt;target&gt;__b1new_*, still holding the
        /// marker table): it never holds the only copy of anything, so the next restore of the same target
        /// removes it. The restore lock is held, so no other restore is loading it. A database that only
        /// looks like one (no marker) is left alone.
        /// </summary>
        private static void DropAbandonedStaging(ConnectionSettings settings, string target, Action<string> log)
        {
            using var connection = DatabaseConnector.Open(settings.WithDatabase(null));
            var abandoned = new List<string>();
            using (var command = new MySqlCommand("SELECT TABLE_SCHEMA FROM information_schema.TABLES WHERE TABLE_SCHEMA LIKE @pattern AND TABLE_NAME = @marker", connection))
            {
                string prefix = StagingNames.Prefix(target, "new");
                command.Parameters.AddWithValue("@pattern", prefix.Replace("\\", "\\\\").Replace("_", "\\_").Replace("%", "\\%") + "%");
                command.Parameters.AddWithValue("@marker", StagingNames.MarkerTable);
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
            var versioned = new HashSet<string>(StringComparer.Ordinal);
            using (var command = new MySqlCommand("SELECT TABLE_NAME, TABLE_TYPE FROM information_schema.TABLES WHERE TABLE_SCHEMA = @db AND TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED')", connection))
            {
                command.Parameters.AddWithValue("@db", database);
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    present.Add(reader.GetString(0));
                    if (reader.GetString(1) == "SYSTEM VERSIONED")
                    {
                        versioned.Add(reader.GetString(0));
                    }
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
                // A restored table has no history but what the backup held, so all its rows are what was backed up.
                using var count = new MySqlCommand(Sql.CountRows(table, versioned.Contains(table)), connection);
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
