namespace B1Backup.Core.Engine
{
    /// <summary>One pre-flight check: what a job needs, and whether this user on this server has it.</summary>
    public sealed class AccessCheckResult
    {
        /// <summary>Backup, Restore, InPlaceRestore, Drill or Connection: the job the check is for.</summary>
        public string Job { get; set; } = string.Empty;

        public string Check { get; set; } = string.Empty;

        public AccessStatus Status { get; set; }

        public bool Passed => Status != AccessStatus.Failed;

        public string Message { get; set; } = string.Empty;

        public override string ToString() => $"{Job}/{Check}: {Status} {Message}";
    }
}
