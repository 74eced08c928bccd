namespace B1Backup.Core.Remote
{
    /// <summary>The store refused to delete an object because a retention lock or legal hold protects it.</summary>
    public sealed class ObjectLockedException : B1BackupException
    {
        public ObjectLockedException(string shownKey, string why)
            : base("BackupLocked", FailureKind.PermissionDenied, $"'{shownKey}' is locked by the store ({why}) and cannot be deleted until the lock ends; it is left as it is.")
        {
            Target = shownKey;
        }
    }
}
