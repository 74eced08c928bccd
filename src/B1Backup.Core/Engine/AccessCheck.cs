using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using B1Backup.Core.Connection;
using B1Backup.Core.Restore;
using MySqlConnector;

namespace B1Backup.Core.Engine
{
    /// <summary>
    /// Tells an admin, before the 2 a.m. job, what a backup, a staged or in-place restore and a drill
    /// of a database will be refused on this server with this user. Privileges are probed the way the
    /// jobs use them (a scratch database is created and dropped), not guessed from grant text, so roles
    /// and wildcard grants count as they do for the real job. Nothing of the database is changed.
    /// </summary>
    public static class AccessCheck
    {
        public static List<AccessCheckResult> Run(ConnectionSettings settings, string database, CancellationToken cancel = default)
        {
            var results = new List<AccessCheckResult>();
            MySqlConnection connection;
            try
            {
                connection = DatabaseConnector.Open(settings.WithDatabase(null), cancel);
            }
            catch (B1BackupException e)
            {
                results.Add(Result("Connection", "Connect", AccessStatus.Failed, e.Message));
                return results;
            }

            using (connection)
            {
                var flavor = SnapshotSession.DetectFlavor(connection);
                results.Add(Result("Connection", "Connect", AccessStatus.Passed, $"{flavor.Kind} {flavor.VersionString} at {settings.Server}, TLS {settings.TlsMode}."));
                CheckBackup(connection, settings, database, flavor, results);
                CheckRestore(connection, settings, database, flavor, results);
            }

            return results;
        }

        private static void CheckBackup(MySqlConnection connection, ConnectionSettings settings, string database, ServerFlavor flavor, List<AccessCheckResult> results)
        {
            try
            {
                using var reader = DatabaseConnector.Open(settings.WithDatabase(database));
                var catalog = CatalogReader.Read(reader, database, flavor);
                results.Add(Result("Backup", "ReadCatalog", AccessStatus.Passed, $"{catalog.Tables.Count} tables, {catalog.Views.Count} views and their definitions can be read."));
                if (flavor.HasRoutinesTriggersEvents)
                {
                    var missing = ObjectVisibility.MayBeMissing(reader, database);
                    results.Add(missing.Count == 0
                        ? Result("Backup", "TriggersAndEvents", AccessStatus.Passed, "The user sees every trigger and event.")
                        : Result("Backup", "TriggersAndEvents", AccessStatus.Warning, "A backup may lack " + string.Join("; and ", missing) + "."));
                }
            }
            catch (Exception e) when (e is MySqlException || e is B1BackupException)
            {
                results.Add(Result("Backup", "ReadCatalog", AccessStatus.Failed, $"The database cannot be read: {settings.Scrub(e.Message)} Grant SELECT, SHOW VIEW, TRIGGER and EVENT on {Sql.Identifier(database)}.*."));
                return;
            }

            try
            {
                using var session = SnapshotSession.Open(settings.WithDatabase(database), 2, _ => { });
                results.Add(session.Readers.Count > 1
                    ? Result("Backup", "ParallelSnapshot", AccessStatus.Passed, $"Readers share one snapshot ({session.Plan.Describe()}).")
                    : Result("Backup", "ParallelSnapshot", AccessStatus.Warning, "Only one reader can hold the snapshot (no RELOAD / BACKUP_ADMIN privilege, or the lock was not granted in time): backups are consistent but slower."));
            }
            catch (Exception e) when (e is MySqlException || e is B1BackupException)
            {
                results.Add(Result("Backup", "ParallelSnapshot", AccessStatus.Failed, "No consistent snapshot can be opened: " + settings.Scrub(e.Message)));
            }
        }

        private static void CheckRestore(MySqlConnection connection, ConnectionSettings settings, string database, ServerFlavor flavor, List<AccessCheckResult> results)
        {
            // The staged restore creates <db>__b1new_*, swaps tables with <db>__b1old_* and drops both:
            // the same is tried on two scratch databases of those names.
            string probeNew = StagingNames.For(database, "new");
            string probeOld = StagingNames.For(database, "old");
            results.Add(Probe(connection, settings, "Restore", "StagingDatabase", probeNew, probeOld,
                $"A staged restore needs CREATE, DROP, ALTER, INSERT and CREATE VIEW on databases named {Sql.Identifier(database + StagingNames.Marker)}% (GRANT ALL ON `{database.Replace("_", "\\_")}\\_\\_b1%`.* TO ...), or use -InPlace."));
            results.Add(Probe(connection, settings, "Drill", "ScratchDatabase", "b1drill_probe_" + Guid.NewGuid().ToString("N").Substring(0, 6), null,
                "A drill needs CREATE and DROP on databases named b1drill_% (GRANT ALL ON `b1drill\\_%`.* TO ...)."));
            results.Add(InPlace(connection, settings, database));

            using (var command = new MySqlCommand("SELECT @@max_allowed_packet", connection))
            {
                long packet = Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
                results.Add(Result("Restore", "MaxAllowedPacket", packet >= 16L << 20 ? AccessStatus.Passed : AccessStatus.Warning,
                    $"max_allowed_packet is {packet / 1024:N0} KB" + (packet >= 16L << 20 ? "." : ": values or statements larger than that are refused (raise it to 16 MB or more).")));
            }

            if (flavor.HasRoutinesTriggersEvents)
            {
                using var command = new MySqlCommand("SELECT @@log_bin, @@log_bin_trust_function_creators", connection);
                using var reader = command.ExecuteReader();
                reader.Read();
                bool logBin = Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture) != 0;
                bool trust = Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture) != 0;
                results.Add(logBin && !trust
                    ? Result("Restore", "StoredFunctionsAndTriggers", AccessStatus.Warning, "The binary log is on and log_bin_trust_function_creators is off: without SUPER, a backup with stored functions or triggers is refused (set log_bin_trust_function_creators = 1).")
                    : Result("Restore", "StoredFunctionsAndTriggers", AccessStatus.Passed, "Stored functions and triggers can be created."));
            }
        }

        /// <summary>-InPlace drops and creates the target itself: probed on the database only when it does not exist yet, never on a real one.</summary>
        private static AccessCheckResult InPlace(MySqlConnection connection, ConnectionSettings settings, string database)
        {
            using (var command = new MySqlCommand("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = @db", connection))
            {
                command.Parameters.AddWithValue("@db", database);
                if (Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture) > 0)
                {
                    return Result("InPlaceRestore", "TargetDatabase", AccessStatus.Passed, $"{Sql.Identifier(database)} exists; an in-place restore drops and creates it (needs DROP and CREATE on it), which is not tried here.");
                }
            }

            return Probe(connection, settings, "InPlaceRestore", "TargetDatabase", database, null, $"An in-place restore needs CREATE and DROP on {Sql.Identifier(database)}.");
        }

        /// <summary>Creates a scratch database (and table, view, cross-database RENAME when a second is named), then drops them.</summary>
        private static AccessCheckResult Probe(MySqlConnection connection, ConnectionSettings settings, string job, string check, string name, string? second, string advice)
        {
            var created = new List<string>();
            try
            {
                foreach (string db in second == null ? new[] { name } : new[] { name, second })
                {
                    SnapshotSession.Execute(connection, "CREATE DATABASE " + Sql.Identifier(db));
                    created.Add(db);
                }

                SnapshotSession.Execute(connection, $"CREATE TABLE {Sql.Identifier(name)}.probe (id INT PRIMARY KEY)");
                SnapshotSession.Execute(connection, $"INSERT INTO {Sql.Identifier(name)}.probe VALUES (1)");
                SnapshotSession.Execute(connection, $"CREATE VIEW {Sql.Identifier(name)}.probe_view AS SELECT id FROM {Sql.Identifier(name)}.probe");
                if (second != null)
                {
                    SnapshotSession.Execute(connection, $"RENAME TABLE {Sql.Identifier(name)}.probe TO {Sql.Identifier(second)}.probe");
                }

                while (created.Count > 0)
                {
                    SnapshotSession.Execute(connection, "DROP DATABASE " + Sql.Identifier(created[0]));
                    created.RemoveAt(0);
                }

                return Result(job, check, AccessStatus.Passed, $"Creating, filling{(second != null ? ", swapping" : string.Empty)} and dropping {Sql.Identifier(name)} works.");
            }
            catch (MySqlException e)
            {
                return Result(job, check, AccessStatus.Failed, $"{settings.Scrub(e.Message)} {advice}");
            }
            finally
            {
                foreach (string db in created)
                {
                    try
                    {
                        SnapshotSession.Execute(connection, "DROP DATABASE IF EXISTS " + Sql.Identifier(db));
                    }
                    catch (MySqlException)
                    {
                        // DROP is what is missing: the check already failed and says what to grant.
                    }
                }
            }
        }

        private static AccessCheckResult Result(string job, string check, AccessStatus status, string message) =>
            new AccessCheckResult { Job = job, Check = check, Status = status, Message = message };
    }
}
