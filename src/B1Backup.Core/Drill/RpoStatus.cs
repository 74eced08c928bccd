using System;

namespace B1Backup.Core.Drill
{
    /// <summary>Whether an environment and database have a good backup young enough for the RPO target.</summary>
    public sealed class RpoStatus
    {
        public string Environment { get; set; } = string.Empty;

        public string? Database { get; set; }

        public bool Passed { get; set; }

        /// <summary>The newest backup that passes its checksum, or null.</summary>
        public string? NewestGoodBackup { get; set; }

        public DateTime? Timestamp { get; set; }

        public TimeSpan? Age { get; set; }

        public TimeSpan MaxAge { get; set; }

        public string Message { get; set; } = string.Empty;

        public override string ToString() => $"{Environment}/{Database}: {(Passed ? "OK" : "FAILED")} {Message}";
    }
}
