namespace B1Backup.Core.Store
{
    public sealed class ChecksumResult
    {
        /// <summary>The backup file's full path. Named as on FileInfo, not "Path": an object with a Path property binds
        /// Remove-Item's and Copy-Item's wildcard -Path, while FullName lets PSPath bind -LiteralPath.</summary>
        public string FullName { get; set; } = string.Empty;

        public bool Passed { get; set; }

        public string? Expected { get; set; }

        public string? Actual { get; set; }

        public ChecksumReason Reason { get; set; }

        /// <summary>One sentence for an operator: what is wrong and what to do.</summary>
        public string Message { get; set; } = string.Empty;

        public string? ChecksumPath { get; set; }

        /// <summary>True when the content was decompressed and checked too (-Deep).</summary>
        public bool Deep { get; set; }

        public override string ToString() => FullName + ": " + Reason;
    }
}
