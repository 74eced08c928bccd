namespace B1Backup.Core.Restore
{
    /// <summary>One check made after a restore.</summary>
    public sealed class RestoreCheck
    {
        public string Name { get; set; } = string.Empty;

        public bool Passed { get; set; }

        public string? Expected { get; set; }

        public string? Actual { get; set; }

        public string Message { get; set; } = string.Empty;

        public override string ToString() => (Passed ? "ok   " : "FAIL ") + Name + ": " + Message;
    }
}
