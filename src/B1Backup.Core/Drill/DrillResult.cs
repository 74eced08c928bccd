using System;

namespace B1Backup.Core.Drill
{
    /// <summary>What a restore drill proved: each phase's time, the recovery time they add up to, and the backup's age.</summary>
    public sealed class DrillResult
    {
        public string Backup { get; set; } = string.Empty;

        public string BackupName { get; set; } = string.Empty;

        public string? Environment { get; set; }

        public string? Database { get; set; }

        public string Server { get; set; } = string.Empty;

        public string ScratchDatabase { get; set; } = string.Empty;

        public bool ScratchKept { get; set; }

        public bool Passed { get; set; }

        public DateTimeOffset StartedAt { get; set; }

        /// <summary>Copying the backup out of its store to a private temporary file (zero for a local backup); part of the RTO.</summary>
        public TimeSpan DownloadDuration { get; set; }

        public TimeSpan ChecksumDuration { get; set; }

        public TimeSpan RestoreDuration { get; set; }

        public TimeSpan VerifyDuration { get; set; }

        public TimeSpan HealthDuration { get; set; }

        /// <summary>Whether health endpoints were polled (-HealthUri); a drill without them skips that phase.</summary>
        public bool HealthChecked { get; set; }

        /// <summary>The health phase as people read it: its duration, or "skipped".</summary>
        public string HealthPhase => HealthChecked ? RestoreDrill.Format(HealthDuration) : "skipped";

        /// <summary>From "decide to restore" to "healthy": the sum of the phases.</summary>
        public TimeSpan Rto { get; set; }

        /// <summary>How old the backup is now: the data a restore from it would lose.</summary>
        public TimeSpan BackupAge { get; set; }

        public TimeSpan RtoTarget { get; set; }

        public TimeSpan RpoTarget { get; set; }

        public bool RtoMet => Rto <= RtoTarget;

        public bool RpoMet => BackupAge <= RpoTarget;

        public int Tables { get; set; }

        public long Rows { get; set; }

        public DrillCheck[] Checks { get; set; } = Array.Empty<DrillCheck>();

        public override string ToString() => $"{BackupName}: {(Passed ? "passed" : "FAILED")}, RTO {Rto}";
    }
}
