namespace B1Backup.Core.Archive
{
    /// <summary>What a finished archive is: its final path, size, SHA-256 and uncompressed size.</summary>
    public sealed class ArchiveResult
    {
        public string Path { get; set; } = string.Empty;

        public long Size { get; set; }

        public long UncompressedSize { get; set; }

        public string Sha256 { get; set; } = string.Empty;
    }
}
