namespace B1Backup.Core.Restore
{
    /// <summary>What the loader does with one statement of a script.</summary>
    public enum StatementAction
    {
        Execute,

        /// <summary>USE, CREATE/DROP/ALTER DATABASE: the script names its source; the restore picks the target.</summary>
        SkipDatabaseSwitch,

        /// <summary>LOCK/UNLOCK TABLES: only a speed-up in dumps, and TiDB rejects them.</summary>
        SkipTableLocks,

        /// <summary>SET NAMES / character_set_client: the loader's connection always speaks utf8mb4.</summary>
        SkipCharacterSet,

        /// <summary>Replication and binary-log state a dump carries (SQL_LOG_BIN, GTID_PURGED): never the restore's business.</summary>
        SkipServerState,

        /// <summary>START TRANSACTION / COMMIT: the loader decides where transactions begin and end.</summary>
        SkipTransaction,

        /// <summary>A TiDB-only table attribute (ALTER TABLE ... CACHE) on a server that has no such thing.</summary>
        SkipServerFeature,

        /// <summary>Only comments, or an executable comment this server skips: nothing to send.</summary>
        SkipNothing,
    }
}
