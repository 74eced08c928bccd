using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using B1Backup.Core.Archive;
using B1Backup.Core.Connection;
using B1Backup.Core.Engine;
using B1Backup.Core.Store;
using MySqlConnector;

namespace B1Backup.Core.Restore
{
    /// <summary>
    /// Runs judged statements into a database: in the loader's session, by members in parallel (ParallelLoader)
    /// or statement by statement, and the one method that sends text that came from a backup.
    /// </summary>
    internal static class ScriptLoader
    {
        /// <summary>Loads the script into the database the settings name: by members in parallel when the manifest lists them, else statement by statement.</summary>
        internal static void Load(RestorePlan plan, StatementGuard guard, ConnectionSettings database, List<DeferredStatement> events, IProgress<RestoreProgress>? progress, Action<string> log, CancellationToken cancel)
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
        internal static void ExecuteStatement(MySqlConnection connection, JudgedStatement statement, ConnectionSettings database, Action<string> log, CancellationToken cancel = default) =>
            ExecuteStatement(connection, statement, null, database, log, cancel);

        /// <summary>As above; a data INSERT's rows go by prepared INSERTs where <paramref name="prepared"/> can send them.</summary>
        internal static void ExecuteStatement(MySqlConnection connection, JudgedStatement statement, PreparedInserts? prepared, ConnectionSettings database, Action<string> log, CancellationToken cancel)
        {
            try
            {
                if (prepared != null && prepared.TryExecute(statement, cancel))
                {
                    return;
                }

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
    }
}
