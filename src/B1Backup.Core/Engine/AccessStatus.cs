namespace B1Backup.Core.Engine
{
    /// <summary>How one pre-flight check came out.</summary>
    public enum AccessStatus
    {
        Passed,

        /// <summary>The job will run, but not as well as it could (one reader, objects it cannot see).</summary>
        Warning,

        /// <summary>The job will fail.</summary>
        Failed,
    }
}
