using System.Collections.Generic;

namespace B1Backup.Core.Engine
{
    /// <summary>The statements of one snapshot plan, in the order they run.</summary>
    public sealed class SnapshotPlan
    {
        public SnapshotPlan(SnapshotMethod method, int readers)
        {
            Method = method;
            Readers = readers;
        }

        public SnapshotMethod Method { get; }

        public int Readers { get; }

        /// <summary>Run once on a coordinating connection before the readers open their snapshots.</summary>
        public List<string> HoldStatements { get; } = new List<string>();

        /// <summary>Run on every reader connection; "{tso}" stands for the TiDB timestamp read by <see cref="TsoQuery"/>.</summary>
        public List<string> ReaderStatements { get; } = new List<string>();

        /// <summary>Run on the coordinator once every reader holds its snapshot.</summary>
        public List<string> ReleaseStatements { get; } = new List<string>();

        public string? TsoQuery { get; set; }

        /// <summary>TiDB: reads the GC life time, which bounds how long the snapshot's versions are kept.</summary>
        public string? GcLifetimeQuery { get; set; }

        public string Describe() => Method switch
        {
            SnapshotMethod.SingleTransaction => "one reader in START TRANSACTION WITH CONSISTENT SNAPSHOT",
            SnapshotMethod.MariaDbBackupStage => $"{Readers} readers, snapshots opened under BACKUP STAGE BLOCK_COMMIT",
            SnapshotMethod.FlushTablesWithReadLock => $"{Readers} readers, snapshots opened under a brief FLUSH TABLES WITH READ LOCK",
            _ => $"{Readers} readers at one TiDB TSO (@@tidb_snapshot)",
        };
    }
}
