namespace B1Backup.Core.Restore
{
    /// <summary>The guard refused a statement of the backup: it would run outside the target, or is not what a backup holds.</summary>
    public sealed class StatementRefusedException : B1BackupException
    {
        public StatementRefusedException(string message)
            : base("StatementRefused", FailureKind.SecurityError, message)
        {
        }
    }
}
