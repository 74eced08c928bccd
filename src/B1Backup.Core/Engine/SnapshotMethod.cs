namespace B1Backup.Core.Engine
{
    /// <summary>How the reader connections of a backup come to share one point in time.</summary>
    public enum SnapshotMethod
    {
        /// <summary>One connection in one START TRANSACTION WITH CONSISTENT SNAPSHOT: consistent, not parallel.</summary>
        SingleTransaction,

        /// <summary>MariaDB 10.4+: BACKUP STAGE BLOCK_COMMIT holds commits while every worker opens its snapshot.</summary>
        MariaDbBackupStage,

        /// <summary>MySQL and older MariaDB: a brief FLUSH TABLES WITH READ LOCK while every worker opens its snapshot.</summary>
        FlushTablesWithReadLock,

        /// <summary>TiDB: every worker reads at one TSO through @@tidb_snapshot; no locks at all.</summary>
        TidbSnapshot,
    }
}
