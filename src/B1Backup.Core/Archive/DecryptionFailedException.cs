using System;

namespace B1Backup.Core.Archive
{
    /// <summary>A part of an encrypted backup does not decrypt: it was altered or damaged (the key itself was checked before).</summary>
    public sealed class DecryptionFailedException : B1BackupException
    {
        public DecryptionFailedException(string message, Exception? inner)
            : base("DecryptionFailed", FailureKind.InvalidData, message, inner)
        {
        }
    }
}
