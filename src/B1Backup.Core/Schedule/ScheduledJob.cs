using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading;
using B1Backup.Core.Archive;
using B1Backup.Core.Connection;
using B1Backup.Core.Drill;
using B1Backup.Core.Engine;
using B1Backup.Core.Store;

namespace B1Backup.Core.Schedule
{
    /// <summary>
    /// What a registered schedule runs, saved beside its log so the job needs nothing but this file and
    /// DATABASE_URL (from its environment file): never a password.
    /// </summary>
    public sealed class ScheduleDefinition
    {
        private static readonly JsonSerializerOptions Options = new JsonSerializerOptions
        {
            WriteIndented = true,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            Converters = { new JsonStringEnumConverter() },
        };

        public string Name { get; set; } = string.Empty;

        public string Environment { get; set; } = "development";

        /// <summary>Absolute.</summary>
        public string BackupRoot { get; set; } = string.Empty;

        /// <summary>Names or wildcards as Backup-B1Database -Database takes them; empty: the connection's database.</summary>
        public string[] Databases { get; set; } = Array.Empty<string>();

        public TimeSpan At { get; set; } = new TimeSpan(2, 0, 0);

        public int RetentionDays { get; set; }

        /// <summary>A drill of the newest backup every this many days (0: never).</summary>
        public int DrillEveryDays { get; set; }

        /// <summary>Run by bash (cmd on Windows) when the job fails, with B1BACKUP_SCHEDULE and B1BACKUP_ERROR set.</summary>
        public string? NotifyCommand { get; set; }

        public string? EnvironmentFile { get; set; }

        public SchedulePlatform Platform { get; set; }

        /// <summary>The module manifest the job imports, by absolute path (cron's PATH and PSModulePath are not the user's).</summary>
        public string ModulePath { get; set; } = string.Empty;

        /// <summary>The PowerShell the job starts: an executable, and for a dotnet-tool pwsh the pwsh.dll it runs.</summary>
        public string[] Shell { get; set; } = { "pwsh" };

        /// <summary>Where the job writes one line per run.</summary>
        public string LogPath { get; set; } = string.Empty;

        /// <summary>Where this definition lives (set when read or saved, not stored).</summary>
        [JsonIgnore]
        public string DefinitionPath { get; set; } = string.Empty;

        public int EffectiveRetentionDays => RetentionDays > 0 ? RetentionDays : ScheduleRequest.DefaultRetentionDays(Environment);

        public string ToJson() => JsonSerializer.Serialize(this, Options);

        public static ScheduleDefinition Read(string path)
        {
            try
            {
                var definition = JsonSerializer.Deserialize<ScheduleDefinition>(File.ReadAllText(path), Options)
                    ?? throw new JsonException("empty");
                definition.DefinitionPath = path;
                return definition;
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is JsonException)
            {
                throw new B1BackupException("ScheduleDefinitionUnreadable", FailureKind.NotFound,
                    $"The schedule definition '{path}' cannot be read ({e.Message}). Register the schedule again with Register-B1BackupSchedule.", e) { Target = path };
            }
        }
    }

    /// <summary>Reads DATABASE_URL from a schedule's environment file, so a run by hand connects as the scheduled one does.</summary>
    public static class EnvironmentFile
    {
        /// <summary>The value of a DATABASE_URL=... line (also with export, and in single or double quotes); null when there is none.</summary>
        public static string? ReadDatabaseUrl(string path)
        {
            foreach (string raw in File.ReadAllLines(path))
            {
                string line = raw.Trim();
                if (line.StartsWith("export ", StringComparison.Ordinal))
                {
                    line = line.Substring(7).TrimStart();
                }

                if (!line.StartsWith("DATABASE_URL=", StringComparison.Ordinal))
                {
                    continue;
                }

                string value = line.Substring("DATABASE_URL=".Length);
                if (value.Length >= 2 && (value[0] == '\'' || value[0] == '"') && value[value.Length - 1] == value[0])
                {
                    value = value.Substring(1, value.Length - 2);
                }

                return value;
            }

            return null;
        }
    }

    /// <summary>Where schedules keep their definitions and logs: one folder per user, documented in the README.</summary>
    public static class ScheduleStore
    {
        /// <summary>$B1BACKUP_HOME, else %LOCALAPPDATA%\B1Backup on Windows, else $XDG_STATE_HOME/b1backup or ~/.local/state/b1backup.</summary>
        public static string Home()
        {
            string? explicitHome = System.Environment.GetEnvironmentVariable("B1BACKUP_HOME");
            if (!string.IsNullOrEmpty(explicitHome))
            {
                return explicitHome!;
            }

            if (System.Runtime.InteropServices.RuntimeInformation.IsOSPlatform(System.Runtime.InteropServices.OSPlatform.Windows))
            {
                return Path.Combine(System.Environment.GetFolderPath(System.Environment.SpecialFolder.LocalApplicationData), "B1Backup");
            }

            string? state = System.Environment.GetEnvironmentVariable("XDG_STATE_HOME");
            string home = System.Environment.GetEnvironmentVariable("HOME") ?? System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile);
            return Path.Combine(string.IsNullOrEmpty(state) ? Path.Combine(home, ".local", "state") : state!, "b1backup");
        }

        public static string DefinitionPath(string home, string name) => Path.Combine(home, "schedules", name + ".json");

        public static string LogPath(string home, string name) => Path.Combine(home, "logs", name + ".log");

        public static void Save(ScheduleDefinition definition)
        {
            string folder = Path.GetDirectoryName(definition.DefinitionPath)!;
            Directory.CreateDirectory(folder);
            FileProtection.RestrictDirectory(folder);
            string temporary = definition.DefinitionPath + ".tmp";
            File.WriteAllText(temporary, definition.ToJson());
            FileProtection.RestrictFile(temporary);
            if (File.Exists(definition.DefinitionPath))
            {
                File.Delete(definition.DefinitionPath);
            }

            File.Move(temporary, definition.DefinitionPath);
        }

        public static IReadOnlyList<ScheduleDefinition> List(string home)
        {
            string folder = Path.Combine(home, "schedules");
            return Directory.Exists(folder)
                ? Directory.EnumerateFiles(folder, "*.json").OrderBy(f => f, StringComparer.Ordinal).Select(ScheduleDefinition.Read).ToList()
                : (IReadOnlyList<ScheduleDefinition>)Array.Empty<ScheduleDefinition>();
        }
    }

    /// <summary>The log of a schedule: one line per run, rotated at 1 MB (three old files kept).</summary>
    public static class ScheduleLog
    {
        public const long RotateAtBytes = 1 << 20;

        public const int KeepOldFiles = 3;

        public static void Append(string path, string line)
        {
            string folder = Path.GetDirectoryName(path)!;
            if (!Directory.Exists(folder))
            {
                Directory.CreateDirectory(folder);
                FileProtection.RestrictDirectory(folder);
            }

            if (File.Exists(path) && new FileInfo(path).Length >= RotateAtBytes)
            {
                Rotate(path);
            }

            bool isNew = !File.Exists(path);
            File.AppendAllText(path, line.Replace('\r', ' ').Replace('\n', ' ') + "\n");
            if (isNew)
            {
                FileProtection.RestrictFile(path);
            }
        }

        public static string Line(DateTimeOffset at, bool succeeded, string text) =>
            at.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture) + (succeeded ? " OK " : " FAILED ") + text;

        /// <summary>The last line written, or null when the job has not run.</summary>
        public static string? LastLine(string path)
        {
            if (!File.Exists(path))
            {
                return null;
            }

            return File.ReadLines(path).LastOrDefault(l => l.Length > 0);
        }

        private static void Rotate(string path)
        {
            string Old(int n) => path + "." + n.ToString(CultureInfo.InvariantCulture);
            if (File.Exists(Old(KeepOldFiles)))
            {
                File.Delete(Old(KeepOldFiles));
            }

            for (int n = KeepOldFiles - 1; n >= 1; n--)
            {
                if (File.Exists(Old(n)))
                {
                    File.Move(Old(n), Old(n + 1));
                }
            }

            File.Move(path, Old(1));
        }
    }

    /// <summary>What one run of a schedule did.</summary>
    public sealed class JobOutcome
    {
        public string Schedule { get; set; } = string.Empty;

        public bool Succeeded { get; set; }

        public DateTimeOffset StartedAt { get; set; }

        public TimeSpan Duration { get; set; }

        public List<BackupResult> Backups { get; } = new List<BackupResult>();

        public int Removed { get; set; }

        public DrillResult? Drill { get; set; }

        public string? Error { get; set; }

        public string LogPath { get; set; } = string.Empty;

        /// <summary>The log line's text: each backup's database, file, size; what retention removed; the drill; or the error.</summary>
        public string Summary()
        {
            var parts = Backups.Select(b => $"{b.Database} {b.Name} {b.Size / 1048576.0:0.0} MB").ToList();
            parts.Add($"removed {Removed}");
            if (Drill != null)
            {
                parts.Add("drill " + (Drill.Passed ? "passed" : "FAILED") + " RTO " + RestoreDrill.Format(Drill.Rto));
            }

            parts.Add($"in {RestoreDrill.Format(Duration)}");
            return (Error != null ? Error + " | " : string.Empty) + string.Join(", ", parts);
        }
    }

    /// <summary>One run of a registered schedule: the backups, retention, a drill when one is due, and one log line.</summary>
    public static class ScheduledJob
    {
        public static JobOutcome Run(ScheduleDefinition definition, ConnectionSettings settings, Action<string> log, CancellationToken cancel)
        {
            var outcome = new JobOutcome { Schedule = definition.Name, StartedAt = DateTimeOffset.Now, LogPath = definition.LogPath };
            var started = System.Diagnostics.Stopwatch.StartNew();
            try
            {
                foreach (string database in Databases(definition, settings))
                {
                    var request = new BackupRequest(settings.WithDatabase(database), definition.BackupRoot, definition.Environment);
                    outcome.Backups.Add(BackupEngine.Run(request, null, log, cancel));
                }

                outcome.Removed = ApplyRetention(definition, log);
                if (DrillIsDue(definition, DateTimeOffset.Now))
                {
                    var newest = BackupStore.Describe(outcome.Backups[0].FullName, DateTime.Now);
                    outcome.Drill = RestoreDrill.Run(newest, settings.WithDatabase(null), new DrillOptions(), log, cancel);
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
                    $"The job cannot write to '{definition.BackupRoot}': {e.Message} Give the job's user write access, or choose another -Path.", e) { Target = definition.BackupRoot };
            }

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
            var keep = new Dictionary<string, string?>(StringComparer.Ordinal);
            foreach (var backup in BackupStore.List(definition.BackupRoot, now).Where(b => b.Environment == definition.Environment && b.Age > TimeSpan.FromDays(definition.EffectiveRetentionDays)))
            {
                string folder = Path.GetDirectoryName(backup.FullName)!;
                string key = backup.Database ?? string.Empty;
                if (!keep.TryGetValue(key, out string? newestGood))
                {
                    newestGood = keep[key] = BackupStore.NewestGoodBackup(folder, backup.Environment, backup.Database, now);
                }

                if (string.Equals(newestGood, backup.FullName, StringComparison.Ordinal))
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

namespace B1Backup.Core.Schedule
{
    /// <summary>A registered schedule as Get-B1BackupSchedule shows it: what it does, whether the scheduler has it, and its last run.</summary>
    public sealed class ScheduleInfo
    {
        public string Name { get; set; } = string.Empty;

        public string Environment { get; set; } = string.Empty;

        public string[] Databases { get; set; } = Array.Empty<string>();

        public string BackupRoot { get; set; } = string.Empty;

        public TimeSpan At { get; set; }

        public int RetentionDays { get; set; }

        public int DrillEveryDays { get; set; }

        public SchedulePlatform Platform { get; set; }

        /// <summary>Whether the crontab (or task scheduler) still holds the job.</summary>
        public bool Registered { get; set; }

        public DateTimeOffset? LastRun { get; set; }

        /// <summary>OK, FAILED, or null before the first run.</summary>
        public string? LastResult { get; set; }

        public string? LastMessage { get; set; }

        public string LogPath { get; set; } = string.Empty;

        public string DefinitionPath { get; set; } = string.Empty;

        public static ScheduleInfo From(ScheduleDefinition definition, bool registered)
        {
            var info = new ScheduleInfo
            {
                Name = definition.Name,
                Environment = definition.Environment,
                Databases = definition.Databases,
                BackupRoot = definition.BackupRoot,
                At = definition.At,
                RetentionDays = definition.EffectiveRetentionDays,
                DrillEveryDays = definition.DrillEveryDays,
                Platform = definition.Platform,
                Registered = registered,
                LogPath = definition.LogPath,
                DefinitionPath = definition.DefinitionPath,
            };
            string? last = ScheduleLog.LastLine(definition.LogPath);
            var parts = last?.Split(new[] { ' ' }, 3);
            if (parts != null && parts.Length >= 2 && DateTimeOffset.TryParse(parts[0], System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var at))
            {
                info.LastRun = at;
                info.LastResult = parts[1];
                info.LastMessage = parts.Length > 2 ? parts[2] : string.Empty;
            }

            return info;
        }
    }
}
