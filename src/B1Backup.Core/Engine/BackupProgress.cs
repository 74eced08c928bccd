namespace B1Backup.Core.Engine
{
    public sealed class BackupProgress
    {
        public string Activity { get; set; } = string.Empty;

        public int TablesDone { get; set; }

        public int TablesTotal { get; set; }

        public string? Table { get; set; }

        public long Rows { get; set; }

        /// <summary>The server's estimate of all rows (information_schema): what the percentage and time left are reckoned from.</summary>
        public long RowsEstimated { get; set; }

        /// <summary>Rows of the current table written so far, and its estimate: for a bar of its own.</summary>
        public long TableRows { get; set; }

        public long TableRowsEstimated { get; set; }

        public long BytesWritten { get; set; }
    }
}
