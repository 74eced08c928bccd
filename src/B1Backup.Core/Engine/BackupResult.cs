using System;
using B1Backup.Core.Store;

namespace B1Backup.Core.Engine
{
    /// <summary>What Backup-B1Database returns: the backup it made, as listing describes it, and what the run did. Never credentials.</summary>
    public sealed class BackupResult : BackupInfo
    {
        public string Sha256 { get; set; } = string.Empty;

        public int Objects { get; set; }

        public string Consistency { get; set; } = string.Empty;

        public TimeSpan Duration { get; set; }

        public bool Verified { get; set; }

        /// <summary>How many reader connections shared the snapshot.</summary>
        public int Readers { get; set; }

        /// <summary>What this backup may lack because the backup user could not see it (triggers without TRIGGER, events without EVENT).</summary>
        public string[] Incomplete { get; set; } = Array.Empty<string>();
    }
}
