namespace B1Backup.Core.Restore
{
    /// <summary>How a restore reaches its target.</summary>
    public enum RestoreMode
    {
        /// <summary>Load a staging database, verify it, then swap its tables in with one atomic RENAME TABLE.</summary>
        Staged,

        /// <summary>Drop the target and load it directly: needs no extra privileges, but a failure leaves it partly restored.</summary>
        InPlace,
    }
}
