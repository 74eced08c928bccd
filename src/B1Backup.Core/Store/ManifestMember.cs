namespace B1Backup.Core.Store
{
    /// <summary>One independently compressed part of the file.</summary>
    public sealed class ManifestMember
    {
        /// <summary>One of <see cref="MemberKind"/>.</summary>
        public string Kind { get; set; } = string.Empty;

        public string? Table { get; set; }

        public long Offset { get; set; }

        public long Length { get; set; }

        public long UncompressedLength { get; set; }

        public long Rows { get; set; }
    }
}
