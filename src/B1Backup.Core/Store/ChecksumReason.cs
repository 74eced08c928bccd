namespace B1Backup.Core.Store
{
    /// <summary>Why a backup did or did not pass verification; each failure has its own value.</summary>
    public enum ChecksumReason
    {
        OK,
        FileNotFound,
        EmptyFile,
        ChecksumFileMissing,
        ChecksumFileMalformed,
        ChecksumFileNamesOtherFile,
        ChecksumMismatch,
        Truncated,
        TrailingData,
        Unreadable,
        CorruptCompression,
        MissingEndMarker,
        ManifestMismatch,
        SignatureMissing,
        EncryptionKeyRequired,
        DecryptionFailed,
        SignatureMismatch,

        /// <summary>-Deep: a statement that a restore would refuse, or that cannot be read as the server reads it.</summary>
        NotRestorable,
    }
}
