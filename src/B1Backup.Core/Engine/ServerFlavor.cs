using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.RegularExpressions;
using B1Backup.Core.Connection;

namespace B1Backup.Core.Engine
{
    /// <summary>
    /// Everything that differs between MariaDB, MySQL and TiDB, in one place: what the server is,
    /// and which statements give N readers one snapshot. Nothing here talks to a server.
    /// </summary>
    public sealed class ServerFlavor
    {
        private static readonly Regex VersionNumber = new Regex(@"(\d+)\.(\d+)\.(\d+)", RegexOptions.CultureInvariant);
        private static readonly Regex TidbVersion = new Regex(@"TiDB-v?(\d+)\.(\d+)\.(\d+)", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

        public ServerFlavor(ServerKind kind, Version version, string versionString)
        {
            Kind = kind;
            Version = version;
            VersionString = versionString;
        }

        public ServerKind Kind { get; }

        /// <summary>The product's own version: 10.11.6 for MariaDB, 8.0.36 for MySQL, 7.5.1 for TiDB (not its MySQL-compatible 8.0.11).</summary>
        public Version Version { get; }

        public string VersionString { get; }

        /// <summary>Reads SELECT VERSION() (and @@version_comment, which TiDB and some builds fill in).</summary>
        public static ServerFlavor FromVersion(string version, string? versionComment = null)
        {
            string text = version + " " + (versionComment ?? string.Empty);
            var tidb = TidbVersion.Match(text);
            if (tidb.Success || text.IndexOf("TiDB", StringComparison.OrdinalIgnoreCase) >= 0)
            {
                return new ServerFlavor(ServerKind.TiDb, tidb.Success ? ToVersion(tidb) : new Version(0, 0), version);
            }

            var number = VersionNumber.Match(version);
            var parsed = number.Success ? ToVersion(number) : new Version(0, 0);
            if (text.IndexOf("MariaDB", StringComparison.OrdinalIgnoreCase) >= 0)
            {
                // MariaDB 10.x once announced itself as "5.5.5-10.x.y-MariaDB" to old clients.
                var all = VersionNumber.Matches(version);
                if (parsed.Major == 5 && parsed.Minor == 5 && all.Count > 1)
                {
                    parsed = ToVersion(all[1]);
                }

                return new ServerFlavor(ServerKind.MariaDb, parsed, version);
            }

            return new ServerFlavor(ServerKind.MySql, parsed, version);
        }

        /// <summary>
        /// TiDB's hidden row id (a BIGINT): tables without a clustered primary key can be read in ranges of it,
        /// as Dumpling does. Null on servers without one.
        /// </summary>
        public string? HiddenRowIdColumn => Kind == ServerKind.TiDb ? "_tidb_rowid" : null;

        /// <summary>The information_schema.TABLES column that says whether the hidden row id exists (TiDB 5.0+: NONCLUSTERED).</summary>
        public string? PrimaryKeyTypeColumn => Kind == ServerKind.TiDb && Version >= new Version(5, 0) ? "TIDB_PK_TYPE" : null;

        /// <summary>Can this server make N readers share a snapshot? Otherwise a backup uses one reader.</summary>
        public SnapshotMethod ParallelSnapshotMethod => Kind switch
        {
            ServerKind.TiDb => SnapshotMethod.TidbSnapshot,
            ServerKind.MariaDb when Version >= new Version(10, 4, 1) => SnapshotMethod.MariaDbBackupStage,
            _ => SnapshotMethod.FlushTablesWithReadLock,
        };

        /// <summary>TiDB before 6.2 rejects SAVEPOINT; LOCK TABLES needs a TiDB option. B1Backup needs neither anywhere.</summary>
        /// <summary>MariaDB 10.11+: history rows of system-versioned tables can be written back (system_versioning_insert_history).</summary>
        public bool InsertsVersionHistory => Kind == ServerKind.MariaDb && Version >= new Version(10, 11);

        /// <summary>ALTER TABLE ... ADD KEY a, ADD KEY b: TiDB before 6.2 takes one change per statement (8200).</summary>
        public bool AddsSeveralKeysInOneAlter => Kind != ServerKind.TiDb || Version >= new Version(6, 2);

        public bool SupportsSavepoint => Kind != ServerKind.TiDb || Version >= new Version(6, 2);

        public bool HasSequences => SequencePositionQuery("s") != null;

        /// <summary>
        /// Reads where a sequence stands: MariaDB's sequence row, TiDB's SHOW TABLE ... NEXT_ROW_ID (the row whose
        /// ID_TYPE is SEQUENCE, as Dumpling reads it). Null where the server has no sequences (MySQL).
        /// </summary>
        public string? SequencePositionQuery(string sequence) => Kind switch
        {
            ServerKind.MariaDb when Version >= new Version(10, 3) => "SELECT next_not_cached_value FROM " + Sql.Identifier(sequence),
            ServerKind.TiDb when Version >= new Version(4, 0) => "SHOW TABLE " + Sql.Identifier(sequence) + " NEXT_ROW_ID",
            _ => null,
        };

        /// <summary>
        /// Puts a sequence back where it stood. MariaDB: SETVAL(s, n, 0) makes n the next value exactly. TiDB's
        /// SETVAL takes two arguments and marks n as used, so the next value is one step on: a gap, never a repeat.
        /// </summary>
        public string SequencePositionStatement(string sequence, string nextValue) => Kind == ServerKind.TiDb
            ? "SELECT SETVAL(" + Sql.Identifier(sequence) + ", " + nextValue + ")"
            : "DO SETVAL(" + Sql.Identifier(sequence) + ", " + nextValue + ", 0)";

        /// <summary>TiDB has no stored routines, triggers or events: a dump of it never needs them, a restore into it cannot take them.</summary>
        public bool HasRoutinesTriggersEvents => Kind != ServerKind.TiDb;

        /// <summary>
        /// Session settings each restore connection needs on this server, after the loader's own:
        /// TiDB refuses explicit values for AUTO_RANDOM columns (error 8216) unless allowed, and a
        /// placement policy the target cluster lacks would fail the CREATE TABLE (6.0+ can ignore it).
        /// </summary>
        /// <summary>The restore's sql_mode on MariaDB: the dump's own, and unknown table options accepted as the source had them.</summary>
        public const string MariaDbRestoreSqlMode = "SET SESSION sql_mode = '" + DumpWriter.SessionSqlMode + ",IGNORE_BAD_TABLE_OPTIONS'";

        /// <summary>
        /// Keeps InnoDB off its bulk-insert path (MariaDB 10.6+, MDEV-24818): with unique_checks = 0 the
        /// first transaction into an empty table locks the whole table and buffers its rows to sort them at
        /// commit. Each table's first data part (up to 32 MB) loaded that way cost the server about 70% more
        /// CPU than plain inserts in key order, and held the table's other parts waiting on its lock
        /// (bench/README.md). Otherwise unique_checks = 0 only lets the change buffer skip checks of unique
        /// secondary keys, and 10.6+ buffers no changes by default: the load checks what it checked before.
        /// </summary>
        public const string MariaDbNoBulkInsert = "SET SESSION unique_checks = 1";

        public IReadOnlyList<string> RestoreSessionStatements
        {
            get
            {
                var statements = new List<string>();
                if (Kind == ServerKind.MariaDb)
                {
                    // Table options an engine does not know (kept under IGNORE_BAD_TABLE_OPTIONS) are created as they were.
                    statements.Add(MariaDbRestoreSqlMode);
                }

                if (Kind == ServerKind.MariaDb && Version >= new Version(10, 6))
                {
                    statements.Add(MariaDbNoBulkInsert);
                }

                if (Kind == ServerKind.TiDb)
                {
                    statements.Add("SET SESSION allow_auto_random_explicit_insert = 1");
                    if (Version >= new Version(6, 0))
                    {
                        statements.Add("SET SESSION tidb_placement_mode = 'IGNORE'");
                    }
                }

                return statements;
            }
        }

        /// <summary>
        /// Whether a restore sends data rows as server-side prepared INSERTs (binary values, no literal parsing).
        /// Measured and tested on MariaDB only; MySQL and TiDB keep the text INSERTs that have run there.
        /// </summary>
        public bool LoadsRowsByPreparedInserts => Kind == ServerKind.MariaDb;

        /// <summary>
        /// The most a restore puts in one transaction on this server, in bytes of statements; null: a
        /// whole data part. TiDB refuses transactions over 100 MB before 6.5 (error 8004) and counts
        /// them against tidb_mem_quota_query after, so a large part commits in pieces there.
        /// </summary>
        public long? RestoreTransactionBytes => Kind == ServerKind.TiDb ? 32L << 20 : (long?)null;

        /// <summary>
        /// Session settings each backup reader needs on this server: MySQL 8 caches table statistics
        /// for a day unless told not to (chunk planning reads them), and hides a generated invisible
        /// primary key from SHOW CREATE TABLE unless told to show it (8.0.30+).
        /// </summary>
        public IReadOnlyList<string> ReaderSessionStatements
        {
            get
            {
                var statements = new List<string>();
                if (Kind == ServerKind.MariaDb)
                {
                    // Otherwise SHOW CREATE TABLE writes unknown table options as a comment, and they are lost.
                    statements.Add("SET SESSION sql_mode = 'IGNORE_BAD_TABLE_OPTIONS'");
                }

                if (Kind == ServerKind.MySql && Version >= new Version(8, 0, 3))
                {
                    statements.Add("SET SESSION information_schema_stats_expiry = 0");
                }

                if (Kind == ServerKind.MySql && Version >= new Version(8, 0, 30))
                {
                    statements.Add("SET SESSION show_gipk_in_create_table_and_information_schema = ON");
                }

                return statements;
            }
        }

        /// <summary>The statements that open one reader's snapshot, given the plan's method.</summary>
        public SnapshotPlan PlanSnapshot(int readers, bool mayLock)
        {
            if (readers < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(readers));
            }

            var method = Kind == ServerKind.TiDb
                ? SnapshotMethod.TidbSnapshot
                : readers == 1 || !mayLock ? SnapshotMethod.SingleTransaction : ParallelSnapshotMethod;
            int effectiveReaders = method == SnapshotMethod.SingleTransaction ? 1 : readers;
            var plan = new SnapshotPlan(method, effectiveReaders);
            plan.ReaderStatements.AddRange(ReaderSessionStatements);
            const string Snapshot = "START TRANSACTION WITH CONSISTENT SNAPSHOT";
            switch (method)
            {
                case SnapshotMethod.SingleTransaction:
                    plan.ReaderStatements.Add("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ");
                    plan.ReaderStatements.Add(Snapshot);
                    break;
                case SnapshotMethod.MariaDbBackupStage:
                    plan.HoldStatements.Add("SET SESSION lock_wait_timeout = " + LockWaitSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    plan.HoldStatements.Add("BACKUP STAGE START");
                    plan.HoldStatements.Add("BACKUP STAGE BLOCK_COMMIT");
                    plan.ReaderStatements.Add("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ");
                    plan.ReaderStatements.Add(Snapshot);
                    plan.ReleaseStatements.Add("BACKUP STAGE END");
                    break;
                case SnapshotMethod.FlushTablesWithReadLock:
                    // Behind a long query FLUSH TABLES WITH READ LOCK would wait (and stall every writer
                    // behind it) for the default lock_wait_timeout of a year: give up soon and use one reader.
                    plan.HoldStatements.Add("SET SESSION lock_wait_timeout = " + LockWaitSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    plan.HoldStatements.Add("FLUSH TABLES WITH READ LOCK");
                    plan.ReaderStatements.Add("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ");
                    plan.ReaderStatements.Add(Snapshot);
                    plan.ReleaseStatements.Add("UNLOCK TABLES");
                    break;
                case SnapshotMethod.TidbSnapshot:
                    // The coordinator reads the current TSO; each reader then sets @@tidb_snapshot to it
                    // outside any transaction. No global setting is changed (TiDB Cloud grants none, and a
                    // second backup or a killed process would leave it changed): the GC life time is read
                    // so a backup that may outlive it is warned about.
                    plan.TsoQuery = "SHOW MASTER STATUS";
                    plan.ReaderStatements.Add("SET SESSION tidb_snapshot = '{tso}'");
                    plan.GcLifetimeQuery = "SELECT @@GLOBAL.tidb_gc_life_time";
                    break;
            }

            return plan;
        }

        /// <summary>
        /// With binary logging on (MySQL 8's default, every managed MySQL, MariaDB with log_bin), creating
        /// a stored function or trigger needs SUPER (error 1419) unless log_bin_trust_function_creators
        /// is on, and a function must be declared DETERMINISTIC, NO SQL or READS SQL DATA (error 1418).
        /// Told before anything loads, not found at the end. Null when nothing stands in the way.
        /// </summary>
        public static string? StoredCodeBlockedByBinlog(bool logBin, bool trustFunctionCreators, bool hasSuper, bool createsFunctionsOrTriggers)
        {
            if (!createsFunctionsOrTriggers || !logBin || trustFunctionCreators || hasSuper)
            {
                return null;
            }

            return "The backup creates stored functions or triggers, and this server writes a binary log: without the SUPER privilege that needs " +
                "log_bin_trust_function_creators = 1 (SET GLOBAL log_bin_trust_function_creators = 1, or the parameter group of a managed server). Nothing was changed.";
        }

        /// <summary>How long taking the shared snapshot's lock may wait before the backup falls back to one reader.</summary>
        public const int LockWaitSeconds = 10;

        public override string ToString() => $"{Kind} {Version}";

        private static Version ToVersion(Match m) =>
            new Version(int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture));
    }
}
