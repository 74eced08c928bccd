using System;
using System.Linq;
using B1Backup.Core.Connection;
using B1Backup.Core.Engine;
using Xunit;

namespace B1Backup.Core.Tests
{
    /// <summary>The per-server plan, for version strings as each server reports them.</summary>
    [Trait("Category", "Unit")]
    public class ServerFlavorTests
    {
        [Theory]
        [InlineData("10.11.19-MariaDB-0+deb12u1", null, ServerKind.MariaDb, "10.11.19")]
        [InlineData("5.5.5-10.6.16-MariaDB-log", null, ServerKind.MariaDb, "10.6.16")]
        [InlineData("11.4.2-MariaDB", "mariadb.org binary distribution", ServerKind.MariaDb, "11.4.2")]
        [InlineData("8.0.36", "MySQL Community Server - GPL", ServerKind.MySql, "8.0.36")]
        [InlineData("8.4.0-commercial", "MySQL Enterprise Server", ServerKind.MySql, "8.4.0")]
        [InlineData("8.0.11-TiDB-v7.5.1", "TiDB Server (Apache License 2.0) Community Edition", ServerKind.TiDb, "7.5.1")]
        [InlineData("8.0.11-TiDB-v6.1.0-serverless", null, ServerKind.TiDb, "6.1.0")]
        [InlineData("5.7.25-TiDB-v5.4.3", null, ServerKind.TiDb, "5.4.3")]
        public void RecognisesServerAndVersion(string version, string? comment, ServerKind kind, string expected)
        {
            var flavor = ServerFlavor.FromVersion(version, comment);
            Assert.Equal(kind, flavor.Kind);
            Assert.Equal(Version.Parse(expected), flavor.Version);
        }

        [Fact]
        public void OneReaderIsOneConsistentSnapshotTransaction()
        {
            var plan = ServerFlavor.FromVersion("10.11.6-MariaDB").PlanSnapshot(1, mayLock: true);
            Assert.Equal(SnapshotMethod.SingleTransaction, plan.Method);
            Assert.Empty(plan.HoldStatements);
            Assert.Contains("START TRANSACTION WITH CONSISTENT SNAPSHOT", plan.ReaderStatements);
        }

        [Fact]
        public void MariaDbReadersShareASnapshotUnderBackupStage()
        {
            var plan = ServerFlavor.FromVersion("10.11.6-MariaDB").PlanSnapshot(4, mayLock: true);
            Assert.Equal(SnapshotMethod.MariaDbBackupStage, plan.Method);
            Assert.Equal(4, plan.Readers);
            Assert.Equal(new[] { "SET SESSION lock_wait_timeout = 10", "BACKUP STAGE START", "BACKUP STAGE BLOCK_COMMIT" }, plan.HoldStatements);
            Assert.Equal(new[] { "BACKUP STAGE END" }, plan.ReleaseStatements);
        }

        [Fact]
        public void OldMariaDbAndMySqlUseABriefGlobalReadLock()
        {
            foreach (string version in new[] { "10.3.39-MariaDB", "8.0.36" })
            {
                var plan = ServerFlavor.FromVersion(version).PlanSnapshot(2, mayLock: true);
                Assert.Equal(SnapshotMethod.FlushTablesWithReadLock, plan.Method);
                Assert.Equal(new[] { "SET SESSION lock_wait_timeout = 10", "FLUSH TABLES WITH READ LOCK" }, plan.HoldStatements);
                Assert.Equal(new[] { "UNLOCK TABLES" }, plan.ReleaseStatements);
            }
        }

        [Fact]
        public void WithoutLockPrivilegesParallelFallsBackToOneReader()
        {
            var plan = ServerFlavor.FromVersion("8.0.36").PlanSnapshot(4, mayLock: false);
            Assert.Equal(SnapshotMethod.SingleTransaction, plan.Method);
            Assert.Equal(1, plan.Readers);
        }

        [Theory]
        [InlineData("8.0.11-TiDB-v6.1.0", 1)]
        [InlineData("8.0.11-TiDB-v7.5.1", 4)]
        public void TidbUsesATsoAndNoLockOrSavepoint(string version, int readers)
        {
            var flavor = ServerFlavor.FromVersion(version);
            var plan = flavor.PlanSnapshot(readers, mayLock: true);
            Assert.Equal(SnapshotMethod.TidbSnapshot, plan.Method);
            Assert.Equal(readers, plan.Readers);
            Assert.Empty(plan.HoldStatements);
            Assert.Equal("SHOW MASTER STATUS", plan.TsoQuery);
            Assert.Contains("SET SESSION tidb_snapshot = '{tso}'", plan.ReaderStatements);
            Assert.NotNull(plan.GcLifetimeQuery);
            var all = string.Join(";", plan.HoldStatements) + string.Join(";", plan.ReaderStatements) + string.Join(";", plan.ReleaseStatements);
            Assert.DoesNotContain("GLOBAL", all);
            Assert.DoesNotContain("SAVEPOINT", all);
            Assert.DoesNotContain("LOCK TABLES", all);
            Assert.DoesNotContain("FLUSH", all);
            Assert.False(flavor.HasRoutinesTriggersEvents);
        }

        [Theory]
        [InlineData("8.0.11-TiDB-v6.1.0", false)]
        [InlineData("8.0.11-TiDB-v6.2.0", true)]
        [InlineData("10.11.6-MariaDB", true)]
        public void SavepointSupportFollowsTidbVersion(string version, bool expected) =>
            Assert.Equal(expected, ServerFlavor.FromVersion(version).SupportsSavepoint);

        [Fact]
        public void SequencesOnlyOnMariaDb()
        {
            Assert.True(ServerFlavor.FromVersion("10.11.6-MariaDB").HasSequences);
            Assert.False(ServerFlavor.FromVersion("8.0.36").HasSequences);
        }

        [Theory]
        [InlineData("8.0.11-TiDB-v5.4.0", new[] { "SET SESSION allow_auto_random_explicit_insert = 1" })]
        [InlineData("8.0.11-TiDB-v6.5.3", new[] { "SET SESSION allow_auto_random_explicit_insert = 1", "SET SESSION tidb_placement_mode = 'IGNORE'" })]
        [InlineData("8.0.11-TiDB-v8.1.0", new[] { "SET SESSION allow_auto_random_explicit_insert = 1", "SET SESSION tidb_placement_mode = 'IGNORE'" })]
        [InlineData("10.11.6-MariaDB", new[] { "SET SESSION sql_mode = 'NO_AUTO_VALUE_ON_ZERO,ALLOW_INVALID_DATES,IGNORE_BAD_TABLE_OPTIONS'", "SET SESSION unique_checks = 1" })]
        [InlineData("10.5.27-MariaDB", new[] { "SET SESSION sql_mode = 'NO_AUTO_VALUE_ON_ZERO,ALLOW_INVALID_DATES,IGNORE_BAD_TABLE_OPTIONS'" })]
        [InlineData("8.0.36", new string[0])]
        [InlineData("8.4.0", new string[0])]
        public void RestoreSessionsAllowAutoRandomValuesAndIgnoreMissingPlacementPoliciesOnTidb(string version, string[] expected) =>
            Assert.Equal(expected, ServerFlavor.FromVersion(version).RestoreSessionStatements);

        [Theory]
        [InlineData("5.7.44", new string[0])]
        [InlineData("8.0.29", new[] { "SET SESSION information_schema_stats_expiry = 0" })]
        [InlineData("8.0.36", new[] { "SET SESSION information_schema_stats_expiry = 0", "SET SESSION show_gipk_in_create_table_and_information_schema = ON" })]
        [InlineData("8.4.0", new[] { "SET SESSION information_schema_stats_expiry = 0", "SET SESSION show_gipk_in_create_table_and_information_schema = ON" })]
        [InlineData("10.11.6-MariaDB", new[] { "SET SESSION sql_mode = 'IGNORE_BAD_TABLE_OPTIONS'" })]
        [InlineData("8.0.11-TiDB-v7.5.1", new string[0])]
        public void MySqlReadersSeeFreshStatisticsAndTheInvisiblePrimaryKey(string version, string[] expected)
        {
            var flavor = ServerFlavor.FromVersion(version);
            Assert.Equal(expected, flavor.ReaderSessionStatements);
            foreach (int readers in new[] { 1, 4 })
            {
                var plan = flavor.PlanSnapshot(readers, mayLock: true);
                Assert.Equal(expected, plan.ReaderStatements.Take(expected.Length));
            }
        }

        [Theory]
        [InlineData(true, false, false, true, true)]
        [InlineData(true, true, false, true, false)]
        [InlineData(true, false, true, true, false)]
        [InlineData(false, false, false, true, false)]
        [InlineData(true, false, false, false, false)]
        public void StoredCodeTheBinaryLogWouldRefuseIsToldBeforeLoading(bool logBin, bool trust, bool super, bool creates, bool blocked)
        {
            string? problem = ServerFlavor.StoredCodeBlockedByBinlog(logBin, trust, super, creates);
            Assert.Equal(blocked, problem != null);
            if (blocked)
            {
                Assert.Contains("log_bin_trust_function_creators = 1", problem);
            }
        }

        [Theory]
        [InlineData("8.0.11-TiDB-v6.1.0", 32L << 20)]
        [InlineData("8.0.11-TiDB-v8.1.0", 32L << 20)]
        [InlineData("10.11.6-MariaDB", null)]
        [InlineData("8.0.36", null)]
        public void RestoresCommitInPiecesOnlyWhereTheServerBoundsTransactions(string version, long? bytes) =>
            Assert.Equal(bytes, ServerFlavor.FromVersion(version).RestoreTransactionBytes);

        [Theory]
        // An integer first key column splits on every server.
        [InlineData("10.11.6-MariaDB", "id", "id", null, "id")]
        [InlineData("8.0.11-TiDB-v7.5.1", "id", "id", "CLUSTERED", "id")]
        // A text key, or none: only TiDB has a hidden row id, and only without a clustered key.
        [InlineData("10.11.6-MariaDB", "k", "k", null, null)]
        [InlineData("8.0.36", "k", null, null, null)]
        [InlineData("8.0.11-TiDB-v7.5.1", "k", "k", "NONCLUSTERED", "_tidb_rowid")]
        [InlineData("8.0.11-TiDB-v7.5.1", "k", null, "NONCLUSTERED", "_tidb_rowid")]
        [InlineData("8.0.11-TiDB-v7.5.1", "k", "k", "CLUSTERED", null)]
        [InlineData("8.0.11-TiDB-v6.5.0", "k", "k", null, null)]
        public void LargeTablesSplitOnAnIntegerKeyOrTidbsHiddenRowId(string version, string column, string? firstKeyColumn, string? keyType, string? expected)
        {
            var flavor = ServerFlavor.FromVersion(version);
            var columns = new[]
            {
                new ColumnInfo(column, column == "id" ? "bigint" : "varchar", column == "id" ? "bigint(20)" : "varchar(40)", false, false),
                new ColumnInfo("v", "int", "int(11)", false, false),
            };
            var table = new TableInfo("t", "CREATE TABLE t (...)", columns);
            Assert.Equal(expected, ChunkPlanner.SplitColumn(table, firstKeyColumn, keyType, flavor));
        }

        [Fact]
        public void OnlyTidb5AndLaterAreAskedForTheirKeyType()
        {
            Assert.Equal("TIDB_PK_TYPE", ServerFlavor.FromVersion("8.0.11-TiDB-v5.0.0").PrimaryKeyTypeColumn);
            Assert.Null(ServerFlavor.FromVersion("5.7.25-TiDB-v4.0.16").PrimaryKeyTypeColumn);
            Assert.Null(ServerFlavor.FromVersion("10.11.6-MariaDB").PrimaryKeyTypeColumn);
            Assert.Null(ServerFlavor.FromVersion("8.4.0").PrimaryKeyTypeColumn);
        }
    }
}
