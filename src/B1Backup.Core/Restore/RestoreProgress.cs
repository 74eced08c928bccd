
namespace B1Backup.Core.Restore
{
    /// <summary>How far a restore (or its check of the file) has come, for Write-Progress.</summary>
    public sealed class RestoreProgress
    {
        public string Activity { get; set; } = string.Empty;

        public long BytesRead { get; set; }

        public long BytesTotal { get; set; }

        public int Statements { get; set; }

        public int StatementsTotal { get; set; }
    }
}
