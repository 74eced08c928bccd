using System;
using System.IO;
using System.Text.Json;
using System.Text.Json.Serialization;
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

        public int EffectiveRetentionDays => RetentionDays > 0 ? RetentionDays : Environments.DefaultRetentionDays(Environment);

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
                    $"The schedule definition '{path}' cannot be read ({e.Message}). Register the schedule again with Register-B1BackupSchedule.", e)
                { Target = path };
            }
        }
    }
}
