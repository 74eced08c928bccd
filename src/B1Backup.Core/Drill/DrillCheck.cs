namespace B1Backup.Core.Drill
{
    public sealed class DrillCheck
    {
        public string Phase { get; set; } = string.Empty;

        public string Name { get; set; } = string.Empty;

        public bool Passed { get; set; }

        public string Message { get; set; } = string.Empty;

        public override string ToString() => (Passed ? "ok   " : "FAIL ") + Phase + "/" + Name + ": " + Message;
    }
}
