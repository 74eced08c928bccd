using System;

namespace B1Backup.Core.Schedule
{
    /// <summary>A registered schedule as Get-B1BackupSchedule shows it: what it does, whether the scheduler has it, and its last run.</summary>
    public sealed class ScheduleInfo
    {
        private static readonly char[] Space = { ' ' };

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
            var parts = last?.Split(Space, 3);
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
