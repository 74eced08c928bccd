using System;

namespace B1Backup.Core.Engine
{
    /// <summary>What Backup-B1Database returns: where the backup is and what it holds. Never credentials.</summary>
    public sealed class BackupResult
    {
        /// <summary>The backup file's full path. Named as on FileInfo, not "Path": an object with a Path property binds
        /// Remove-Item's and Copy-Item's wildcard -Path, while FullName lets PSPath bind -LiteralPath.</summary>
        public string FullName { get; set; } = string.Empty;

        public string Name { get; set; } = string.Empty;

        public string Environment { get; set; } = string.Empty;

        public string Database { get; set; } = string.Empty;

        public string Server { get; set; } = string.Empty;

        public string ServerVersion { get; set; } = string.Empty;

        public DateTime Timestamp { get; set; }

        public long Size { get; set; }

        public long UncompressedSize { get; set; }

        public string Sha256 { get; set; } = string.Empty;

        public string ChecksumPath { get; set; } = string.Empty;

        public string ManifestPath { get; set; } = string.Empty;

        public int Tables { get; set; }

        public long Rows { get; set; }

        public int Objects { get; set; }

        public string Consistency { get; set; } = string.Empty;

        public TimeSpan Duration { get; set; }

        public bool Verified { get; set; }

        /// <summary>How many reader connections shared the snapshot.</summary>
        public int Readers { get; set; }

        /// <summary>What this backup may lack because the backup user could not see it (triggers without TRIGGER, events without EVENT).</summary>
        public string[] Incomplete { get; set; } = Array.Empty<string>();

        public override string ToString() => FullName;
    }
}
