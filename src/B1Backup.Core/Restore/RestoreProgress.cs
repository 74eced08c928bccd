using System;

namespace B1Backup.Core.Restore
{
    public sealed class RestoreProgress
    {
        public string Activity { get; set; } = string.Empty;

        public long BytesRead { get; set; }

        public long BytesTotal { get; set; }

        public int Statements { get; set; }

        /// <summary>For encrypted backups: the cipher opened with the right key.</summary>
        public Archive.MemberCipher? Cipher { get; set; }

        /// <summary>Connections a parallel load uses (B1Backup files with a manifest).</summary>
        public int Connections { get; set; } = DefaultConnections;

        /// <summary>Loading is bound by the server: a few more connections than cores keep it busy.</summary>
        public static int DefaultConnections => Math.Max(4, Math.Min(16, Environment.ProcessorCount * 2));

        public int StatementsTotal { get; set; }
    }
}
