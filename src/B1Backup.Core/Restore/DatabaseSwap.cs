using System;
using System.Collections.Generic;
using System.Linq;
using B1Backup.Core.Connection;
using B1Backup.Core.Engine;
using MySqlConnector;

namespace B1Backup.Core.Restore
{
    /// <summary>
    /// Puts a verified staging database in place of the target: the tables change places in one
    /// atomic RENAME TABLE, then the views, routines, triggers and events are made anew. If any
    /// step fails, everything is put back as it was.
    /// </summary>
    internal sealed class DatabaseSwap
    {
        private readonly ConnectionSettings settings;
        private readonly string staging;
        private readonly string target;
        private readonly string retired;
        private readonly Action<string> log;

        /// <summary>Events and table caching of the backup, run in the target only after everything else is in place.</summary>
        public IReadOnlyList<DeferredStatement> DeferredStatements { get; set; } = new List<DeferredStatement>();

        /// <summary>How long the RENAME waits for sessions that hold the target's tables (lock_wait_timeout).</summary>
        public int LockWaitSeconds { get; set; } = 5;

        /// <summary>Called before each object is created in the target (RestoreOptions.BeforeSwapCreates: tests prove the rollback with it).</summary>
        internal Action<SchemaObject>? BeforeCreate { get; set; }

        public DatabaseSwap(ConnectionSettings settings, string staging, string target, Action<string> log)
        {
            this.settings = settings;
            this.staging = staging;
            this.target = target;
            // The same id as the staging copy's, so the two databases of one restore are recognisably a pair.
            retired = staging.Replace(StagingNames.Marker + "new_", StagingNames.Marker + "old_");
            this.log = log;
        }

        /// <summary>Performs the swap; on failure, rolls back and throws an error that says which state the target is in.</summary>
        public void Run(string? characterSet, string? collation)
        {
            using var admin = DatabaseConnector.Open(settings.WithDatabase(null));
            var flavor = SnapshotSession.DetectFlavor(admin);
            DatabaseCatalog incoming;
            using (var stagingConnection = DatabaseConnector.Open(settings.WithDatabase(staging)))
            {
                incoming = CatalogReader.Read(stagingConnection, staging, flavor);

                // A trigger cannot move to another database with its table: drop it here, create it anew there.
                foreach (var trigger in incoming.Triggers)
                {
                    ObjectInstaller.Drop(stagingConnection, trigger);
                }
            }

            bool targetExisted = DatabaseStatements.Exists(admin, target);
            if (!targetExisted)
            {
                SnapshotSession.Execute(admin, "CREATE DATABASE " + Sql.Identifier(target) + DatabaseStatements.CharsetClause(characterSet, collation));
            }

            using var targetConnection = DatabaseConnector.Open(settings.WithDatabase(target));
            var outgoing = targetExisted ? CatalogReader.Read(targetConnection, target, flavor) : new DatabaseCatalog { Name = target };
            string? oldCharset = targetExisted ? outgoing.CharacterSet : null;
            string? oldCollation = targetExisted ? outgoing.Collation : null;
            var outgoingTables = outgoing.Tables.Select(t => t.Name).Concat(outgoing.Sequences.Select(s => s.Name)).ToList();
            var incomingTables = incoming.Tables.Select(t => t.Name).Concat(incoming.Sequences.Select(s => s.Name)).ToList();
            var created = new List<SchemaObject>();
            var ranLater = new List<DeferredStatement>();
            // TiDB refuses to rename a cached table (8242): the outgoing ones are uncached first, and cached again on a rollback.
            var uncached = outgoing.Tables.Where(t => t.IsCached).Select(t => t.Name).ToList();
            bool tablesSwapped = false;
            bool outgoingObjectsDropped = false;
            SnapshotSession.Execute(admin, "CREATE DATABASE " + Sql.Identifier(retired));
            try
            {
                outgoingObjectsDropped = outgoing.Triggers.Count > 0;
                foreach (var trigger in outgoing.Triggers)
                {
                    ObjectInstaller.Drop(targetConnection, trigger);
                }

                foreach (string table in uncached)
                {
                    SnapshotSession.Execute(targetConnection, "ALTER TABLE " + Sql.Identifier(table) + " NOCACHE");
                }

                var renames = outgoingTables.Select(t => Move(target, retired, t)).Concat(incomingTables.Select(t => Move(staging, target, t))).ToList();
                if (renames.Count > 0)
                {
                    RenameWaitingBriefly(admin, renames);
                }

                tablesSwapped = true;
                RepointSequenceDefaults(targetConnection);
                log(outgoingTables.Count > 0
                    ? $"Swapped {incomingTables.Count} restored tables into {Sql.Identifier(target)} in one RENAME TABLE; the previous {outgoingTables.Count} are kept in {Sql.Identifier(retired)} until the swap completes."
                    : $"Moved {incomingTables.Count} restored tables into {Sql.Identifier(target)}, which had none, in one RENAME TABLE.");
                outgoingObjectsDropped = true;
                foreach (var item in ObjectInstaller.NonTableObjects(outgoing).Where(o => o.Kind != "TRIGGER").Reverse())
                {
                    ObjectInstaller.Drop(targetConnection, item);
                }

                if (characterSet != null)
                {
                    SnapshotSession.Execute(admin, "ALTER DATABASE " + Sql.Identifier(target) + DatabaseStatements.CharsetClause(characterSet, collation));
                }

                foreach (var item in ObjectInstaller.NonTableObjects(incoming))
                {
                    BeforeCreate?.Invoke(item);
                    ObjectInstaller.Create(targetConnection, item, log);
                    created.Add(item);
                }

                foreach (var item in DeferredStatements)
                {
                    BeforeCreate?.Invoke(new SchemaObject(item.IsEvent ? "EVENT" : "TABLE OPTION", item.Name, item.Sql));
                    ranLater.Add(item);
                    item.Create(targetConnection);
                }
            }
            catch (Exception e) when (e is MySqlException || e is B1BackupException)
            {
                bool rolledBack = RollBack(admin, targetConnection, outgoing, outgoingTables, incomingTables, created, ranLater, uncached, tablesSwapped, outgoingObjectsDropped, oldCharset, oldCollation, targetExisted, out string state);
                throw new SwapFailedException(rolledBack,
                    $"The restored copy could not be put in place of {Sql.Identifier(target)}: {settings.Scrub(e.Message)} {state}", e)
                { Target = target };
            }

            SnapshotSession.Execute(admin, "DROP DATABASE " + Sql.Identifier(retired));
        }

        /// <summary>
        /// A column DEFAULT nextval(seq) was stored naming the staging database (MariaDB qualifies it when the table
        /// is created), and RENAME TABLE keeps it so: it would draw from a sequence about to be dropped. It is
        /// pointed at the same sequence in the target (an instant, metadata-only change).
        /// </summary>
        private void RepointSequenceDefaults(MySqlConnection targetConnection)
        {
            string qualifier = Sql.Identifier(staging) + ".";
            var defaults = new List<(string Table, string Column, string Default)>();
            using (var command = new MySqlCommand("SELECT TABLE_NAME, COLUMN_NAME, COLUMN_DEFAULT FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = @db AND COLUMN_DEFAULT LIKE CONCAT('%', @qualifier, '%')", targetConnection))
            {
                command.Parameters.AddWithValue("@db", target);
                command.Parameters.AddWithValue("@qualifier", qualifier.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_"));
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    defaults.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
                }
            }

            foreach (var (table, column, expression) in defaults)
            {
                SnapshotSession.Execute(targetConnection, "ALTER TABLE " + Sql.Identifier(table) + " ALTER COLUMN " + Sql.Identifier(column)
                    + " SET DEFAULT (" + expression.Replace(qualifier, Sql.Identifier(target) + ".") + ")");
            }
        }

        private bool RollBack(MySqlConnection admin, MySqlConnection targetConnection, DatabaseCatalog outgoing, List<string> outgoingTables, List<string> incomingTables,
            List<SchemaObject> created, List<DeferredStatement> ranLater, List<string> uncached, bool tablesSwapped, bool outgoingObjectsDropped, string? oldCharset, string? oldCollation, bool targetExisted, out string state)
        {
            try
            {
                foreach (var item in Enumerable.Reverse(ranLater))
                {
                    item.Undo(targetConnection);
                }

                foreach (var item in Enumerable.Reverse(created))
                {
                    ObjectInstaller.Drop(targetConnection, item);
                }

                if (tablesSwapped)
                {
                    var back = incomingTables.Select(t => Move(target, staging, t)).Concat(outgoingTables.Select(t => Move(retired, target, t))).ToList();
                    if (back.Count > 0)
                    {
                        SnapshotSession.Execute(admin, "RENAME TABLE " + string.Join(", ", back));
                    }
                }

                foreach (string table in uncached)
                {
                    SnapshotSession.Execute(targetConnection, "ALTER TABLE " + Sql.Identifier(table) + " CACHE");
                }

                if (oldCharset != null)
                {
                    SnapshotSession.Execute(admin, "ALTER DATABASE " + Sql.Identifier(target) + DatabaseStatements.CharsetClause(oldCharset, oldCollation));
                }

                if (outgoingObjectsDropped)
                {
                    foreach (var item in ObjectInstaller.NonTableObjects(outgoing))
                    {
                        SnapshotSession.Execute(targetConnection, "DROP " + item.Kind + " IF EXISTS " + Sql.Identifier(item.Name));
                        ObjectInstaller.Create(targetConnection, item, log);
                    }
                }

                SnapshotSession.Execute(admin, "DROP DATABASE IF EXISTS " + Sql.Identifier(retired));
                if (!targetExisted)
                {
                    SnapshotSession.Execute(admin, "DROP DATABASE IF EXISTS " + Sql.Identifier(target));
                }

                state = $"The database {Sql.Identifier(target)} was put back as it was before the restore.";
                return true;
            }
            catch (Exception e) when (e is MySqlException || e is B1BackupException)
            {
                state = $"Putting it back failed too ({settings.Scrub(e.Message)}): the previous tables are in {Sql.Identifier(retired)} and the restored ones in {Sql.Identifier(target)} or {Sql.Identifier(staging)}. Check by hand before using {Sql.Identifier(target)}.";
                return false;
            }
        }

        /// <summary>
        /// The RENAME waits for every session reading the target's tables; with the server's default
        /// lock_wait_timeout (a year) the application would queue behind it. Wait a few seconds, then
        /// give up naming who holds the tables.
        /// </summary>
        private void RenameWaitingBriefly(MySqlConnection admin, List<string> renames)
        {
            SnapshotSession.Execute(admin, "SET SESSION lock_wait_timeout = " + Math.Max(1, LockWaitSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture));
            try
            {
                SnapshotSession.Execute(admin, "RENAME TABLE " + string.Join(", ", renames));
            }
            catch (MySqlException e) when (e.Number == 1205)
            {
                throw new B1BackupException("TargetBusy", FailureKind.ResourceUnavailable,
                    $"The tables of {Sql.Identifier(target)} stayed in use for {LockWaitSeconds} s, so they were not swapped: {BlockingSessions(admin)}. Run the restore again when they are done (or end them), or allow a longer wait with -SwapLockWaitSeconds.", e)
                { Target = target };
            }
        }

        private string BlockingSessions(MySqlConnection admin)
        {
            var sessions = new List<string>();
            using var command = new MySqlCommand("SELECT ID, USER, COMMAND, TIME, LEFT(COALESCE(INFO, ''), 80) FROM information_schema.PROCESSLIST WHERE DB = @db AND ID <> CONNECTION_ID() ORDER BY TIME DESC LIMIT 5", admin);
            command.Parameters.AddWithValue("@db", target);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                sessions.Add($"session {reader.GetValue(0)} of {reader.GetString(1)} ({reader.GetString(2)} for {reader.GetValue(3)} s{(reader.GetString(4).Length > 0 ? ": " + reader.GetString(4) : string.Empty)})");
            }

            return sessions.Count > 0 ? "held by " + string.Join("; ", sessions) : "the session holding them is not in this user's process list";
        }

        private static string Move(string fromDatabase, string toDatabase, string table) =>
            Sql.Identifier(fromDatabase) + "." + Sql.Identifier(table) + " TO " + Sql.Identifier(toDatabase) + "." + Sql.Identifier(table);
    }
}
