namespace B1Backup.Core.Archive
{
    /// <summary>What a full read of a backup found: its hash, its size unpacked, and how its script ends.</summary>
    public sealed class ContentCheck
    {
        public string Sha256 { get; set; } = string.Empty;

        public long UncompressedSize { get; set; }

        /// <summary>The last non-empty line of the script.</summary>
        public string LastLine { get; set; } = string.Empty;

        /// <summary>True when the script ends as a complete B1Backup or mysqldump/mariadb-dump script does.</summary>
        public bool HasEndMarker { get; set; }

        public string? Problem { get; set; }
    }
}
