using System;
using System.Collections.Generic;
using B1Backup.Core.Store;

namespace B1Backup.Core.Restore
{
    /// <summary>What a restore learned about a backup before touching any server.</summary>
    public sealed class RestorePlan : IDisposable
    {
        /// <summary>The backup file as opened and verified once; every read of the restore goes through it.</summary>
        public Archive.VerifiedFile? Source { get; set; }

        public void Dispose()
        {
            Source?.Dispose();
            Source = null;
        }

        public string Path { get; set; } = string.Empty;

        public ChecksumResult Checksum { get; set; } = new ChecksumResult();

        public BackupManifest? Manifest { get; set; }

        /// <summary>The database the backup came from (manifest, or the dump's header / CREATE DATABASE).</summary>
        public string? SourceDatabase { get; set; }

        public string? CharacterSet { get; set; }

        public string? Collation { get; set; }

        public int Statements { get; set; }

        /// <summary>For encrypted backups: the cipher opened with the right key.</summary>
        public Archive.MemberCipher? Cipher { get; set; }

        /// <summary>Connections a parallel load uses (B1Backup files with a manifest).</summary>
        public int Connections { get; set; } = DefaultConnections;

        /// <summary>Loading is bound by the server: a few more connections than cores keep it busy.</summary>
        public static int DefaultConnections => Math.Max(4, Math.Min(16, Environment.ProcessorCount * 2));

        /// <summary>Tables the script creates: checked against the restored database.</summary>
        public List<string> TableNames { get; } = new List<string>();
    }
}
