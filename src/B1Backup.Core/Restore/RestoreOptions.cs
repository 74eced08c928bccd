using System;
using B1Backup.Core.Engine;

namespace B1Backup.Core.Restore
{
    /// <summary>What an admin lets a restore do beyond the default, which trusts a backup's stored code with nothing.</summary>
    public sealed class RestoreOptions
    {
        /// <summary>Keep the DEFINER of views, routines, triggers and events (default: the restoring user becomes the definer).</summary>
        public bool KeepDefiners { get; set; }

        /// <summary>Create stored code that names other databases, runs dynamic SQL or administers the server.</summary>
        public bool TrustStoredCode { get; set; }

        /// <summary>How long the swap waits for sessions that hold the target's tables before it gives up (lock_wait_timeout).</summary>
        public int SwapLockWaitSeconds { get; set; } = 5;

        /// <summary>Tests: commit data parts in pieces of this many bytes on any server, as TiDB needs (see ServerFlavor.RestoreTransactionBytes).</summary>
        internal long? TransactionBytes { get; set; }

        /// <summary>Tests and the bench: send data rows by prepared INSERTs (true) or as text (false) on any server; null: as the server's flavor says.</summary>
        internal bool? PreparedInserts { get; set; }

        /// <summary>Tests: rows per prepared execution (default <see cref="PreparedInserts.MaxRowsPerExecute"/>), so small tables take that path too.</summary>
        internal int? PreparedRowsPerExecute { get; set; }

        /// <summary>Tests: placeholders a loading connection may hold prepared (default <see cref="PreparedInserts.MaxPlaceholdersHeld"/>).</summary>
        internal int? PreparedPlaceholdersHeld { get; set; }

        /// <summary>Tests: called before the swap creates each object in the target, so a test can fail it there and prove the rollback.</summary>
        internal Action<SchemaObject>? BeforeSwapCreates { get; set; }
    }
}
