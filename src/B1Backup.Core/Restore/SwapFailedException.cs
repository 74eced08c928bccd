using System;

namespace B1Backup.Core.Restore
{
    /// <summary>Putting the restored tables in place failed; RolledBack says whether the target is as it was before.</summary>
    public sealed class SwapFailedException : B1BackupException
    {
        public SwapFailedException(bool rolledBack, string message, Exception inner)
            : base(rolledBack ? "RestoreSwapFailed" : "RestoreSwapRollbackFailed", FailureKind.InvalidData, message, inner)
        {
            RolledBack = rolledBack;
        }

        /// <summary>True: the target has its previous tables again. False: the staging database may hold the only whole copy.</summary>
        public bool RolledBack { get; }
    }
}
