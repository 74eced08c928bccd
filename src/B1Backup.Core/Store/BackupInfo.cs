using System;
using System.Linq;

namespace B1Backup.Core.Store
{
    /// <summary>
    /// One backup: what Get-B1Backup lists, and the base of what Backup-B1Database returns, so both pipe into
    /// the same cmdlets. Property names match downstream parameters (FullName, PSPath).
    /// </summary>
    public class BackupInfo
    {
        /// <summary>The backup file's full path. Named as on FileInfo, not "Path": an object with a Path property binds
        /// Remove-Item's and Copy-Item's wildcard -Path, while FullName lets PSPath bind -LiteralPath.</summary>
        public string FullName { get; set; } = string.Empty;

        public string Name { get; set; } = string.Empty;

        public string Environment { get; set; } = string.Empty;

        /// <summary>When the backup was taken, in local time (as the file name says).</summary>
        public DateTime Timestamp { get; set; }

        public TimeSpan Age { get; set; }

        public long Size { get; set; }

        public CompressionKind Compression { get; set; }

        /// <summary>The .sha256 file, or null when it is missing.</summary>
        public string? ChecksumPath { get; set; }

        public string? ManifestPath { get; set; }

        public string? Database { get; set; }

        public string? Server { get; set; }

        public string? ServerVersion { get; set; }

        public int? Tables { get; set; }

        public long? Rows { get; set; }

        public long? UncompressedSize { get; set; }

        /// <summary>"B1Backup" for this tool's backups, "mysqldump" for plain dumps found in the folder.</summary>
        public string Producer { get; set; } = "mysqldump";

        /// <summary>Why the backup's manifest could not be used (then only what its name and file tell is known); null when it could.</summary>
        public string? Problem { get; set; }

        /// <summary>In a store with retention locks: why the store will not delete it (an immutability policy, a legal hold); otherwise null.</summary>
        public string? LockedBecause { get; set; }

        public override string ToString() => FullName;

        /// <summary>Fills in what a trusted manifest records; its start time gives the age.</summary>
        internal void ApplyManifest(BackupManifest manifest, string manifestPath, DateTime now)
        {
            ManifestPath = manifestPath;
            Producer = manifest.Tool;
            Database = manifest.Database;
            Server = manifest.Server;
            ServerVersion = manifest.ServerVersion;
            Tables = manifest.Tables.Count;
            Rows = manifest.Tables.Sum(t => t.Rows);
            UncompressedSize = manifest.UncompressedSize;
            if (manifest.FinishedUtc != default)
            {
                Age = now.ToUniversalTime() - manifest.StartedUtc.UtcDateTime;
            }
        }
    }
}
