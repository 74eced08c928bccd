using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using B1Backup.Core.Connection;
using B1Backup.Core.Drill;
using B1Backup.Core.Engine;
using B1Backup.Core.Remote;
using B1Backup.Core.Store;

namespace B1Backup.Core.Schedule
{
    /// <summary>One run of a registered schedule: the backups, retention, a drill when one is due, and one log line.</summary>
    public static class ScheduledJob
    {
        public static JobOutcome Run(ScheduleDefinition definition, ConnectionSettings settings, Action<string> log, CancellationToken cancel)
        {
            var outcome = new JobOutcome { Schedule = definition.Name, StartedAt = DateTimeOffset.Now, LogPath = definition.LogPath };
            var started = System.Diagnostics.Stopwatch.StartNew();
            try
            {
                // A store's credentials come from the job's environment (its environment file, a managed identity).
                var store = StoreOf(definition);
                foreach (string database in Databases(definition, settings))
                {
                    var request = new BackupRequest(settings.WithDatabase(database), store == null ? definition.BackupRoot : Path.GetTempPath(), definition.Environment);
                    outcome.Backups.Add(store == null ? BackupEngine.Run(request, null, log, cancel) : StoreBackup.Run(request, store, null, log, cancel));
                }

                outcome.Removed = store == null ? ApplyRetention(definition, log) : ApplyRetention(definition, store, log, cancel);
                if (DrillIsDue(definition, DateTimeOffset.Now))
                {
                    var newBackup = outcome.Backups[0];
                    outcome.Drill = store == null
                        ? RestoreDrill.Run(BackupStore.Describe(newBackup.FullName, DateTime.Now), settings.WithDatabase(null), new DrillOptions(), log, cancel)
                        : RestoreDrill.RunFromStore(store, StoredBackups.KeyOf(newBackup.Environment, newBackup.Name), settings.WithDatabase(null), new DrillOptions(), log, cancel);
                    if (!outcome.Drill.Passed)
                    {
                        throw new B1BackupException("ScheduledDrillFailed", FailureKind.InvalidData,
                            "The restore drill of the new backup failed: " + string.Join("; ", outcome.Drill.Checks.Where(c => !c.Passed).Select(c => c.Message)));
                    }

                    Directory.CreateDirectory(Path.GetDirectoryName(definition.LogPath)!);
                    File.WriteAllText(DrillStampPath(definition), DateTimeOffset.Now.ToString("o", CultureInfo.InvariantCulture));
                }

                outcome.Succeeded = true;
            }
            catch (B1BackupException e)
            {
                outcome.Error = e.ErrorId + ": " + settings.Scrub(e.Message);
            }
            catch (OperationCanceledException)
            {
                outcome.Error = "Stopped before it finished.";
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is InvalidOperationException || e is MySqlConnector.MySqlException)
            {
                // Whatever went wrong, the run is logged: an unlogged failure is the one nobody sees.
                outcome.Error = e.GetType().Name + ": " + settings.Scrub(e.Message);
            }

            outcome.Duration = started.Elapsed;
            ScheduleLog.Append(definition.LogPath, ScheduleLog.Line(outcome.StartedAt, outcome.Succeeded, outcome.Summary()));
            return outcome;
        }

        /// <summary>
        /// What registration proves before it registers, run as the job will run: the backup folder can be
        /// written, and every database can be connected to and its definitions read with DATABASE_URL.
        /// </summary>
        public static IReadOnlyList<string> DryRun(ScheduleDefinition definition, ConnectionSettings settings)
        {
            var store = StoreOf(definition);
            if (store != null)
            {
                string key = ".b1backup-dry-run-" + Guid.NewGuid().ToString("N").Substring(0, 8);
                store.Store.WriteText(key, "probe", default);
                store.Store.Delete(key, default);
                return CheckDatabases(definition, settings);
            }

            string probe = Path.Combine(definition.BackupRoot, ".b1backup-dry-run-" + Guid.NewGuid().ToString("N").Substring(0, 8));
            try
            {
                Directory.CreateDirectory(definition.BackupRoot);
                File.WriteAllText(probe, "probe");
                File.Delete(probe);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                throw new B1BackupException("BackupFolderNotWritable", FailureKind.WriteError,
                    $"The job cannot write to '{definition.BackupRoot}': {e.Message} Give the job's user write access, or choose another -Path.", e)
                { Target = definition.BackupRoot };
            }

            return CheckDatabases(definition, settings);
        }

        private static IReadOnlyList<string> CheckDatabases(ScheduleDefinition definition, ConnectionSettings settings)
        {
            var databases = Databases(definition, settings);
            foreach (string database in databases)
            {
                using var connection = DatabaseConnector.Open(settings.WithDatabase(database));
                CatalogReader.Read(connection, database, SnapshotSession.DetectFlavor(connection));
            }

            return databases;
        }

        private static IReadOnlyList<string> Databases(ScheduleDefinition definition, ConnectionSettings settings) =>
            definition.Databases.Length == 0
                ? new[] { settings.Database ?? throw new B1BackupException("MissingDatabase", FailureKind.InvalidArgument,
                    "DATABASE_URL names no database and the schedule names none: put the database in the URL (.../<database>) or register with -Database.") }
                : DatabaseSelection.Expand(settings, definition.Databases);

        /// <summary>Backups of the schedule's environment older than its retention, except the newest good one of each database.</summary>
        private static int ApplyRetention(ScheduleDefinition definition, Action<string> log)
        {
            var now = DateTime.Now;
            int removed = 0;
            var rule = new RetentionRule(now);
            foreach (var backup in BackupStore.List(definition.BackupRoot, now).Where(b => b.Environment == definition.Environment && b.Age > TimeSpan.FromDays(definition.EffectiveRetentionDays)))
            {
                if (rule.MustKeep(backup))
                {
                    log($"Kept {backup.Name}: the newest good backup of {backup.Database}.");
                    continue;
                }

                BackupStore.Delete(backup);
                log($"Removed {backup.Name} (older than {definition.EffectiveRetentionDays} days).");
                removed++;
            }

            return removed;
        }

        /// <summary>As above, in a store: deleted data first; a locked backup is kept and logged, not an error.</summary>
        private static int ApplyRetention(ScheduleDefinition definition, StoredBackups store, Action<string> log, CancellationToken cancel)
        {
            var now = DateTime.Now;
            int removed = 0;
            var rule = new RetentionRule(b => b.Environment + "/" + (b.Database ?? string.Empty), b => store.NewestGood(b.Environment, b.Database, now, cancel));
            foreach (var backup in store.List(now, cancel).Where(b => b.Environment == definition.Environment && b.Age > TimeSpan.FromDays(definition.EffectiveRetentionDays)))
            {
                if (backup.LockedBecause != null || rule.MustKeep(backup))
                {
                    log($"Kept {backup.Name}: {backup.LockedBecause ?? "the newest good backup of " + backup.Database}.");
                    continue;
                }

                try
                {
                    store.Delete(StoredBackups.KeyOf(backup.Environment, backup.Name), cancel);
                }
                catch (ObjectLockedException e)
                {
                    log(e.Message);
                    continue;
                }

                log($"Removed {backup.Name} (older than {definition.EffectiveRetentionDays} days).");
                removed++;
            }

            return removed;
        }

        private static StoredBackups? StoreOf(ScheduleDefinition definition) =>
            BackupLocations.IsRemote(definition.BackupRoot)
                ? new StoredBackups(BackupLocations.OpenRoot(definition.BackupRoot, StoreAccess.FromEnvironment()))
                : null;

        private static string DrillStampPath(ScheduleDefinition definition) => Path.ChangeExtension(definition.LogPath, ".last-drill");

        private static bool DrillIsDue(ScheduleDefinition definition, DateTimeOffset now)
        {
            if (definition.DrillEveryDays <= 0)
            {
                return false;
            }

            string stamp = DrillStampPath(definition);
            return !File.Exists(stamp)
                || !DateTimeOffset.TryParse(File.ReadAllText(stamp), CultureInfo.InvariantCulture, DateTimeStyles.None, out var last)
                || now - last >= TimeSpan.FromDays(definition.DrillEveryDays) - TimeSpan.FromHours(1);
        }
    }
}
