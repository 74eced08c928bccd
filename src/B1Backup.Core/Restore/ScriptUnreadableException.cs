using System;

namespace B1Backup.Core.Restore
{
    /// <summary>The script cannot be read as statements (too large for the reader, not UTF-8, a broken DELIMITER): a restore would refuse it.</summary>
    public sealed class ScriptUnreadableException : B1BackupException
    {
        public ScriptUnreadableException(string errorId, string message, Exception? inner = null)
            : base(errorId, FailureKind.InvalidData, message, inner)
        {
        }
    }
}
