using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using B1Backup.Core.Connection;
using MySqlConnector;

namespace B1Backup.Core.Engine
{
    /// <summary>
    /// Reader connections that all see the database at one point in time, opened by the plan
    /// <see cref="ServerFlavor.PlanSnapshot"/> chose. Needs no SAVEPOINT and no LOCK TABLES.
    /// </summary>
    public sealed class SnapshotSession : IDisposable
    {
        private readonly List<MySqlConnection> readers = new List<MySqlConnection>();
        private readonly Action<string> log;

        private SnapshotSession(ServerFlavor flavor, SnapshotPlan plan, Action<string> log)
        {
            Flavor = flavor;
            Plan = plan;
            this.log = log;
        }

        public ServerFlavor Flavor { get; }

        public SnapshotPlan Plan { get; }

        public IReadOnlyList<MySqlConnection> Readers => readers;

        /// <summary>The server's kind and version, read on an open connection.</summary>
        public static ServerFlavor DetectFlavor(MySqlConnection connection)
        {
            using var command = new MySqlCommand("SELECT VERSION(), @@version_comment", connection);
            using var reader = command.ExecuteReader();
            reader.Read();
            return ServerFlavor.FromVersion(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1));
        }

        public static SnapshotSession Open(ConnectionSettings settings, int readers, Action<string> log, CancellationToken cancel = default)
        {
            var coordinator = DatabaseConnector.Open(settings, cancel);
            SnapshotSession? session = null;
            try
            {
                var flavor = DetectFlavor(coordinator);
                var plan = flavor.PlanSnapshot(readers, mayLock: true);
                session = new SnapshotSession(flavor, plan, log);
                try
                {
                    session.OpenReaders(settings, coordinator);
                }
                catch (MySqlException e) when (plan.Method != SnapshotMethod.SingleTransaction && plan.Method != SnapshotMethod.TidbSnapshot && (IsPrivilegeError(e) || e.Number == 1205))
                {
                    // Without RELOAD there is no lock to share a snapshot, and behind a long query the lock
                    // would stall every writer: one reader in one transaction is still consistent.
                    log(e.Number == 1205
                        ? $"The lock for {plan.Method} was not granted within {ServerFlavor.LockWaitSeconds} s (a long query holds tables); using one reader in one transaction instead."
                        : $"No privilege for {plan.Method} ({settings.Scrub(e.Message)}); using one reader in one transaction instead.");
                    session.Dispose();
                    session = new SnapshotSession(flavor, flavor.PlanSnapshot(1, mayLock: false), log);
                    session.OpenReaders(settings, coordinator);
                }

                return session;
            }
            catch
            {
                session?.Dispose();
                throw;
            }
            finally
            {
                coordinator.Dispose();
            }
        }

        private void OpenReaders(ConnectionSettings settings, MySqlConnection coordinator)
        {
            string? tso = null;
            if (Plan.Method == SnapshotMethod.TidbSnapshot)
            {
                tso = ReadTso(coordinator, Plan.TsoQuery!);
                WarnAboutGc(coordinator);
            }

            foreach (string statement in Plan.HoldStatements)
            {
                Execute(coordinator, statement);
            }

            try
            {
                for (int i = 0; i < Plan.Readers; i++)
                {
                    var reader = DatabaseConnector.Open(settings);
                    readers.Add(reader);
                    PrepareSession(reader);
                    foreach (string statement in Plan.ReaderStatements)
                    {
                        Execute(reader, tso != null ? statement.Replace("{tso}", tso) : statement);
                    }
                }
            }
            finally
            {
                foreach (string statement in Plan.ReleaseStatements)
                {
                    Execute(coordinator, statement);
                }
            }

            log("Consistency: " + Plan.Describe() + (tso != null ? $" (TSO {tso})" : string.Empty) + ".");
        }

        /// <summary>Session settings every reader needs for exact, stable output.</summary>
        private static void PrepareSession(MySqlConnection reader)
        {
            Execute(reader, "SET SESSION time_zone = '+00:00', SESSION sql_mode = '', SESSION net_write_timeout = 3600, SESSION net_read_timeout = 3600");
        }

        /// <summary>The plan's query for TiDB's current timestamp (SHOW MASTER STATUS: its Position column).</summary>
        private static string ReadTso(MySqlConnection coordinator, string query)
        {
            using var command = new MySqlCommand(query, coordinator);
            using var reader = command.ExecuteReader();
            if (!reader.Read())
            {
                throw new B1BackupException("TidbTsoUnavailable", FailureKind.ResourceUnavailable,
                    "TiDB returned no TSO from " + query + ", so no consistent snapshot can be taken.");
            }

            return Convert.ToString(reader.GetValue(1), CultureInfo.InvariantCulture) ?? string.Empty;
        }

        /// <summary>
        /// TiDB garbage-collects versions older than tidb_gc_life_time (10 minutes by default); the
        /// snapshot's versions may be gone before a longer backup ends. Changing the global is not this
        /// tool's business (privileges, other backups, a killed process): it is read and told.
        /// </summary>
        private void WarnAboutGc(MySqlConnection coordinator)
        {
            try
            {
                using var command = new MySqlCommand(Plan.GcLifetimeQuery, coordinator);
                string lifetime = Convert.ToString(command.ExecuteScalar(), CultureInfo.InvariantCulture) ?? "?";
                log($"TiDB keeps the snapshot's versions for at least tidb_gc_life_time ({lifetime}). A backup that takes longer can fail with 'GC life time is shorter than transaction duration': raise tidb_gc_life_time for the backup window if that happens.");
            }
            catch (MySqlException e)
            {
                log($"Could not read tidb_gc_life_time ({e.Message}); a backup longer than the GC life time can fail.");
            }
        }

        public void Dispose()
        {
            foreach (var reader in readers)
            {
                try
                {
                    if (Plan.Method == SnapshotMethod.TidbSnapshot)
                    {
                        Execute(reader, "SET SESSION tidb_snapshot = ''");
                    }
                    else
                    {
                        Execute(reader, "COMMIT");
                    }
                }
                catch (Exception e) when (e is MySqlException || e is InvalidOperationException)
                {
                    // The connection is going away either way.
                }

                reader.Dispose();
            }

            readers.Clear();
        }

        private static bool IsPrivilegeError(MySqlException e) =>
            e.Number == 1227 || e.Number == 1045 || e.Number == 1044;

        internal static void Execute(MySqlConnection connection, string sql)
        {
            using var command = new MySqlCommand(sql, connection);
            command.ExecuteNonQuery();
        }

        /// <summary>
        /// Tells the server to stop the command. Runs on whichever thread cancels: when the connection is already
        /// gone (the server died, which is often why the run is being cancelled), there is nothing to stop, and
        /// an exception here would end the whole process.
        /// </summary>
        private static void CancelQuietly(MySqlCommand command)
        {
            try
            {
                command.Cancel();
            }
            catch (Exception e) when (e is System.Net.Sockets.SocketException || e is MySqlException || e is InvalidOperationException || e is ObjectDisposedException || e is System.IO.IOException)
            {
                // The command ends on its own: its connection is broken.
            }
        }

        /// <summary>
        /// Runs a statement that may take long (a large INSERT, an index build): when the token is
        /// cancelled, the server is told to stop it (KILL QUERY from a second connection, which
        /// MySqlCommand.Cancel sends), so Ctrl+C takes effect in a second or two, not at the statement's end.
        /// </summary>
        internal static void Execute(MySqlConnection connection, string sql, CancellationToken cancel)
        {
            using var command = new MySqlCommand(sql, connection);
            Execute(command, cancel);
        }

        /// <summary>As above, for a command the caller keeps (a prepared one, run many times).</summary>
        internal static void Execute(MySqlCommand command, CancellationToken cancel)
        {
            cancel.ThrowIfCancellationRequested();
            using (cancel.Register(() => CancelQuietly(command)))
            {
                try
                {
                    command.ExecuteNonQuery();
                }
                catch (MySqlException) when (cancel.IsCancellationRequested)
                {
                    throw new OperationCanceledException(cancel);
                }
            }

            // A killed SLEEP or a statement cut short may end without an error: the caller still stops.
            cancel.ThrowIfCancellationRequested();
        }
    }
}
