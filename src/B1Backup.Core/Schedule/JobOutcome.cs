using System;
using System.Collections.Generic;
using System.Linq;
using B1Backup.Core.Drill;
using B1Backup.Core.Engine;

namespace B1Backup.Core.Schedule
{
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
}
