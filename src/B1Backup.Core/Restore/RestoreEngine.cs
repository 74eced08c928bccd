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
    /// <summary>What a restore learned about a backup before touching any server.</summary>
    public sealed class RestorePlan
    {
        public string Path { get; set; } = string.Empty;

        public ChecksumResult Checksum { get; set; } = new ChecksumResult();

        public BackupManifest? Manifest { get; set; }

        /// <summary>The database the backup came from (manifest, or the dump's header / CREATE DATABASE).</summary>
        public string? SourceDatabase { get; set; }

        public string? CharacterSet { get; set; }

        public string? Collation { get; set; }

        public int Statements { get; set; }

        /// <summary>Tables the script creates: checked against the restored database.</summary>
        public List<string> TableNames { get; } = new List<string>();
    }

    public sealed class RestoreProgress
    {
        public string Activity { get; set; } = string.Empty;

        public long BytesRead { get; set; }

        public long BytesTotal { get; set; }

        public int Statements { get; set; }

        public int StatementsTotal { get; set; }
    }

    /// <summary>One check made after a restore.</summary>
    public sealed class RestoreCheck
    {
        public string Name { get; set; } = string.Empty;

        public bool Passed { get; set; }

        public string? Expected { get; set; }

        public string? Actual { get; set; }

        public string Message { get; set; } = string.Empty;

        public override string ToString() => (Passed ? "ok   " : "FAIL ") + Name + ": " + Message;
    }

    public sealed class RestoreResult
    {
        public string Path { get; set; } = string.Empty;

        public string Database { get; set; } = string.Empty;

        public string Server { get; set; } = string.Empty;

        public int Tables { get; set; }

        public long Rows { get; set; }

        public TimeSpan Duration { get; set; }

        public bool ChecksumVerified { get; set; }

        public bool Verified { get; set; }

        public RestoreCheck[] Checks { get; set; } = Array.Empty<RestoreCheck>();

        public override string ToString() => Database + " <- " + Path;
    }

    /// <summary>Restores B1Backup and mysqldump/mariadb-dump scripts into one target database.</summary>
    public static class RestoreEngine
    {
        private static readonly Regex DumpHeaderDatabase = new Regex(@"Database: (?<db>\S+)", RegexOptions.CultureInvariant);

        private static readonly Regex Definer = new Regex(@"\s*DEFINER\s*=\s*(?:`[^`]*`|'[^']*'|[\w.%-]+)\s*@\s*(?:`[^`]*`|'[^']*'|[\w.%-]+)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        /// <summary>
        /// Reads the whole backup without a server: its checksum, its end marker and every statement.
        /// Any problem stops here, before a connection that writes is opened.
        /// </summary>
        public static RestorePlan Prepare(string path, IProgress<RestoreProgress>? progress = null)
        {
            var plan = new RestorePlan { Path = path };
            plan.Checksum = ChecksumVerifier.Verify(path);
            if (!plan.Checksum.Passed)
            {
                throw new B1BackupException("ChecksumFailed", FailureKind.InvalidData,
                    $"The backup '{path}' failed its checksum check ({plan.Checksum.Reason}): {plan.Checksum.Message} Nothing was changed.") { Target = path };
            }

            var content = ArchiveReader.Check(path, (read, total) => progress?.Report(new RestoreProgress { Activity = "Checking the backup", BytesRead = read, BytesTotal = total }));
            if (content.Problem != null)
            {
                throw new B1BackupException("BackupIncomplete", FailureKind.InvalidData,
                    $"The backup '{path}' is not a complete dump: {content.Problem} Nothing was changed; use another backup.") { Target = path };
            }

            plan.Manifest = BackupManifest.TryRead(path);
            plan.SourceDatabase = plan.Manifest?.Database;
            plan.CharacterSet = plan.Manifest?.CharacterSet;
            plan.Collation = plan.Manifest?.Collation;
            using (var file = ArchiveReader.OpenFile(path))
            using (var script = ArchiveReader.OpenContent(file, ArchiveReader.CompressionOf(path)))
            {
                bool first = true;
                var usedDatabases = new HashSet<string>(StringComparer.Ordinal);
                foreach (var statement in new ScriptReader(script).ReadStatements())
                {
                    if (StatementPolicy.TryReadUse(statement.Text, out string used) && usedDatabases.Add(used) && usedDatabases.Count > 1)
                    {
                        throw new B1BackupException("MultipleDatabases", FailureKind.NotSupported,
                            $"The backup '{path}' holds several databases ({string.Join(", ", usedDatabases)}), and a restore writes one. Split the dump per database (mysqldump one database at a time). Nothing was changed.") { Target = path };
                    }

                    if (first && plan.SourceDatabase == null)
                    {
                        var header = DumpHeaderDatabase.Match(statement.Text.Length > 2000 ? statement.Text.Substring(0, 2000) : statement.Text);
                        plan.SourceDatabase = header.Success ? header.Groups["db"].Value : null;
                    }

                    first = false;
                    plan.Statements++;
                    if (StatementPolicy.IsCreateTable(statement.Text))
                    {
                        plan.TableNames.Add(TableNameOf(statement.Text));
                    }
                    else if (plan.CharacterSet == null && StatementPolicy.TryReadDatabaseCharset(statement.Text, out var cs, out var co))
                    {
                        plan.CharacterSet = cs;
                        plan.Collation = co;
                    }
                }
            }

            return plan;
        }

        public static RestoreResult Execute(RestorePlan plan, ConnectionSettings settings, string targetDatabase,
            IProgress<RestoreProgress>? progress, Action<string> log, CancellationToken cancel)
        {
            var stopwatch = Stopwatch.StartNew();
            log($"Target: database {Sql.Identifier(targetDatabase)} on {settings.Server}");
            RecreateDatabase(settings, targetDatabase, plan, log);
            int executed = 0;
            var status = new RestoreProgress { Activity = $"Restoring {targetDatabase}", StatementsTotal = plan.Statements };
            using (var connection = DatabaseConnector.Open(settings.WithDatabase(targetDatabase)))
            using (var file = ArchiveReader.OpenFile(plan.Path))
            using (var script = ArchiveReader.OpenContent(file, ArchiveReader.CompressionOf(plan.Path)))
            {
                SnapshotSession.Execute(connection, "SET SESSION foreign_key_checks = 0, SESSION unique_checks = 0, SESSION time_zone = '+00:00', SESSION sql_mode = '" + DumpWriter.SessionSqlMode + "'");
                status.BytesTotal = file.Length;
                var skipped = new Dictionary<StatementAction, int>();
                foreach (var statement in new ScriptReader(script).ReadStatements())
                {
                    cancel.ThrowIfCancellationRequested();
                    var action = StatementPolicy.Classify(statement.Text);
                    if (action != StatementAction.Execute)
                    {
                        skipped[action] = skipped.TryGetValue(action, out int n) ? n + 1 : 1;
                        continue;
                    }

                    Run(connection, statement, settings, targetDatabase, log);
                    executed++;
                    if ((executed & 0x3F) == 0)
                    {
                        status.Statements = executed;
                        status.BytesRead = file.Position;
                        progress?.Report(status);
                    }
                }

                foreach (var pair in skipped)
                {
                    log($"Skipped {pair.Value} statement(s) of kind {pair.Key}: the restore writes only to {Sql.Identifier(targetDatabase)}.");
                }
            }

            log($"Ran {executed} statements in {stopwatch.Elapsed.TotalSeconds:N1} s; verifying.");
            var checks = Verify(settings.WithDatabase(targetDatabase), targetDatabase, plan, out int tables, out long rows);
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
                Checks = checks.ToArray(),
            };
        }

        private static void Run(MySqlConnection connection, ScriptStatement statement, ConnectionSettings settings, string target, Action<string> log)
        {
            try
            {
                SnapshotSession.Execute(connection, statement.Text);
            }
            catch (MySqlException e) when (e.Number == 1227 && Definer.IsMatch(statement.Text))
            {
                // Setting another account as DEFINER needs SUPER/SET USER: create the object as ourselves.
                log($"Line {statement.Line}: no privilege to keep the DEFINER; the object is created with the restoring user as its definer.");
                ExecuteOrExplain(connection, new ScriptStatement(Definer.Replace(statement.Text, " ", 1), statement.Line), settings, target);
            }
            catch (MySqlException e)
            {
                throw Explain(e, statement, settings, target);
            }
        }

        private static void ExecuteOrExplain(MySqlConnection connection, ScriptStatement statement, ConnectionSettings settings, string target)
        {
            try
            {
                SnapshotSession.Execute(connection, statement.Text);
            }
            catch (MySqlException e)
            {
                throw Explain(e, statement, settings, target);
            }
        }

        private static B1BackupException Explain(MySqlException e, ScriptStatement statement, ConnectionSettings settings, string target)
        {
            string excerpt = statement.Text.Length > 120 ? statement.Text.Substring(0, 120) + "..." : statement.Text;
            return new B1BackupException("RestoreStatementFailed", FailureKind.InvalidData,
                $"The statement on line {statement.Line} of the backup failed on {settings.Server}: {settings.Scrub(e.Message)} ({excerpt.Replace('\n', ' ')}). " +
                $"The database {Sql.Identifier(target)} is now only partly restored: fix the cause and restore again, or restore another backup.", e) { Target = target };
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

        private static List<RestoreCheck> Verify(ConnectionSettings settings, string database, RestorePlan plan, out int tableCount, out long rowCount)
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

            foreach (string table in present.OrderBy(t => t, StringComparer.Ordinal))
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

        private static string TableNameOf(string createStatement)
        {
            var match = Regex.Match(StatementPolicy.Head(createStatement), @"TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(?:`(?<q>(?:[^`]|``)+)`|(?<p>[\w$]+))", RegexOptions.IgnoreCase);
            return match.Groups["q"].Success ? match.Groups["q"].Value.Replace("``", "`") : match.Groups["p"].Value;
        }
    }
}
