using System;

namespace B1Backup.Core.Drill
{
    /// <summary>One earlier drill, as its report recorded it.</summary>
    public sealed class DrillHistoryPoint
    {
        public DateTimeOffset StartedAt { get; set; }

        public double RtoSeconds { get; set; }

        public bool Passed { get; set; }

        public string? Database { get; set; }
    }
}
