using System;
using B1Backup.Core.Connection;
using B1Backup.Core.Store;

namespace B1Backup.Core.Engine
{
    public sealed class BackupRequest
    {
        public BackupRequest(ConnectionSettings connection, string root, string environment)
        {
            Connection = connection;
            Root = root;
            Environment = environment;
        }

        public ConnectionSettings Connection { get; }

        /// <summary>The backup root; the file goes to &lt;Root&gt;/&lt;Environment&gt;/.</summary>
        public string Root { get; }

        public string Environment { get; }

        public CompressionKind Compression { get; set; } = CompressionKind.Gzip;

        /// <summary>Reader connections sharing one snapshot; each also compresses what it reads.</summary>
        public int Readers { get; set; } = DefaultReaders;

        /// <summary>Tables larger than this (InnoDB data length) are read in several primary-key ranges.</summary>
        public long ChunkBytes { get; set; } = ChunkPlanner.DefaultChunkBytes;

        /// <summary>SQL per data member before the part is cut (smaller in tests, to cut small tables).</summary>
        internal long MemberBytes { get; set; } = MemberPipeline.DefaultMemberBytes;

        /// <summary>When set, a .sig sidecar (HMAC-SHA-256 with this key) lets restores and checks detect tampering.</summary>
        public byte[]? SigningKey { get; set; }

        /// <summary>When set, every member is encrypted (AES-256-GCM, key derived from these bytes) and the file ends in .enc.</summary>
        public byte[]? EncryptionKey { get; set; }

        /// <summary>
        /// For a backup into a store: opens the upload for a backup's key (<c>env/name</c>). The archive then
        /// streams into it and keeps only its definition parts on disk; the upload is committed after the checks.
        /// </summary>
        internal Func<string, Remote.IStagedUpload>? OpenUpload { get; set; }

        /// <summary>The same request into another backup root.</summary>
        public BackupRequest WithRoot(string root) => new BackupRequest(Connection, root, Environment)
        {
            Compression = Compression,
            Readers = Readers,
            ChunkBytes = ChunkBytes,
            MemberBytes = MemberBytes,
            SigningKey = SigningKey,
            EncryptionKey = EncryptionKey,
        };

        public static int DefaultReaders => Math.Max(2, Math.Min(8, System.Environment.ProcessorCount));
    }
}
