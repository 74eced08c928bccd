using System;
using System.IO;
using System.Linq;
using B1Backup.Core.Drill;
using B1Backup.Core.Engine;
using B1Backup.Core.Store;
using Xunit;

namespace B1Backup.Core.Tests
{
    /// <summary>Rules that need no server: names, sidecar parsing, the writer's choices, the drill's parsing and the RPO verdict.</summary>
    [Trait("Category", "Unit")]
    public sealed class PureRulesTests : IDisposable
    {
        private readonly string root = TestScripts.NewBackupRoot();

        public void Dispose()
        {
            if (Directory.Exists(root))
            {
                Directory.Delete(root, true);
            }
        }

        [Theory]
        [InlineData("backup_production_20261204_101500.sql.gz", "production", CompressionKind.Gzip)]
        [InlineData("backup_qa-2_20261204_101500.sql.zst", "qa-2", CompressionKind.Zstd)]
        [InlineData("backup_dev_20261204_101500.sql", "dev", CompressionKind.None)]
        [InlineData("backup_dev_20261204_101500.sql.gz.enc", "dev", CompressionKind.Gzip)]
        public void BackupNamesRoundTrip(string name, string environment, CompressionKind compression)
        {
            Assert.True(BackupName.TryParse(name, out string env, out DateTime at, out CompressionKind kind));
            Assert.Equal(environment, env);
            Assert.Equal(compression, kind);
            Assert.Equal(new DateTime(2026, 12, 4, 10, 15, 0), at);
            if (!name.EndsWith(".enc", StringComparison.Ordinal))
            {
                Assert.Equal(name, BackupName.Format(env, at, kind));
            }
        }

        [Theory]
        [InlineData("backup_production_20261204_101500.sql.gz.sha256")]
        [InlineData("backup_production_20261204_101500.sql.gz.manifest.json")]
        [InlineData("backup_production_20261204_101500.sql.gz.partial-1a2b3c4d")]
        [InlineData("backup_production_20261340_101500.sql.gz")]
        [InlineData("backup_prod/../x_20261204_101500.sql.gz")]
        [InlineData("backup_prod uction_20261204_101500.sql.gz")]
        [InlineData("xbackup_production_20261204_101500.sql.gz")]
        public void WhatIsNotABackupIsNotListedAsOne(string name) =>
            Assert.False(BackupName.TryParse(name, out _, out _, out _));

        [Theory]
        [InlineData("production", true)]
        [InlineData("a", true)]
        [InlineData("", false)]
        [InlineData("../etc", false)]
        [InlineData("prod uction", false)]
        [InlineData("производство", false)]
        public void EnvironmentNamesAreSafeFolderNames(string environment, bool valid)
        {
            Assert.Equal(valid, BackupName.IsValidEnvironment(environment));
            Assert.False(BackupName.IsValidEnvironment(new string('a', 65)));
        }

        [Fact]
        public void ChecksumFilesReadAsSha256sumWritesThem()
        {
            string hash = new string('A', 64);
            Assert.True(ChecksumFile.TryParse(ChecksumFile.FormatLine(hash, "backup_x_20261204_101500.sql.gz"), out string parsed, out string name));
            Assert.Equal(hash.ToLowerInvariant(), parsed);
            Assert.Equal("backup_x_20261204_101500.sql.gz", name);
            // sha256sum's binary-mode marker, and its escaped form for a name with a backslash.
            Assert.True(ChecksumFile.TryParse(hash + " *file.sql.gz\r\nsecond line ignored", out _, out name));
            Assert.Equal("file.sql.gz", name);
            Assert.True(ChecksumFile.TryParse("\\" + hash + "  a\\\\b.sql.gz\n", out _, out name));
            Assert.Equal("a\\b.sql.gz", name);
        }

        [Theory]
        [InlineData("")]
        [InlineData("not a checksum")]
        [InlineData("abc  file.sql.gz")]
        [InlineData("zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz  file.sql.gz")]
        public void AnythingElseIsNotAChecksumFile(string content) =>
            Assert.False(ChecksumFile.TryParse(content, out _, out _));

        [Theory]
        [InlineData("BEGIN SELECT 1; END", ";;")]
        [InlineData("BEGIN SELECT ';;'; END", "$$")]
        [InlineData("BEGIN SELECT ';;', '$$', '//'; END", ";;;;")]
        public void TheDelimiterIsOneTheBodyDoesNotHold(string body, string expected)
        {
            Assert.Equal(expected, DumpWriter.ChooseDelimiter(body));
            string all = "';;' '$$' '//' ';;;;' '$$$$' '@@@B1@@@'";
            string chosen = DumpWriter.ChooseDelimiter(all);
            Assert.DoesNotContain(chosen, all, StringComparison.Ordinal);
        }

        [Fact]
        public void ANameInACommentCannotEndTheComment()
        {
            string shown = DumpWriter.CommentName("x\nDROP DATABASE victim;\r\u2028`");
            Assert.DoesNotContain("\n", shown, StringComparison.Ordinal);
            Assert.DoesNotContain("\r", shown, StringComparison.Ordinal);
            Assert.DoesNotContain("\u2028", shown, StringComparison.Ordinal);
            Assert.StartsWith("`x?DROP", shown, StringComparison.Ordinal);
        }

        [Theory]
        [InlineData("shop", "b1drill_shop_20261204101500")]
        [InlineData("my-shop.db", "b1drill_my_shop_db_20261204101500")]
        [InlineData("`; DROP DATABASE x; --", "b1drill____DROP_DATABASE_x_____20261204101500")]
        public void ScratchNamesAreSafeAndDated(string database, string expected) =>
            Assert.Equal(expected, RestoreDrill.ScratchName(database, new DateTime(2026, 12, 4, 10, 15, 0)));

        [Fact]
        public void AScratchNameFitsTheServersLimit() =>
            Assert.Equal(64, RestoreDrill.ScratchName(new string('d', 200), DateTime.Now).Length);

        [Theory]
        [InlineData("{\"ok\": true}", true)]
        [InlineData("{\"ok\": true, \"db\": \"up\"}", true)]
        [InlineData("{\"ok\": true, \"db\": \"down\"}", false)]
        [InlineData("{\"ok\": false}", false)]
        [InlineData("{\"ok\": \"true\"}", false)]
        [InlineData("ok", false)]
        [InlineData("", false)]
        [InlineData("[true]", false)]
        public void HealthIsOkTrueAndTheDatabaseUpWhereItIsReported(string body, bool healthy) =>
            Assert.Equal(healthy, RestoreDrill.IsHealthy(body));

        private BackupInfo Backup(string environment, string database, TimeSpan age, bool good = true)
        {
            string folder = Path.Combine(root, environment);
            Directory.CreateDirectory(folder);
            string name = BackupName.Format(environment, DateTime.Now - age, CompressionKind.Gzip);
            string path = Path.Combine(folder, name);
            File.WriteAllText(path, name);
            File.WriteAllText(BackupManifest.PathFor(path), $"{{\"Database\": \"{database}\"}}");
            File.WriteAllText(ChecksumFile.PathFor(path), ChecksumFile.FormatLine(good ? ChecksumFile.ComputeSha256(path) : new string('0', 64), name));
            return BackupStore.Describe(path, DateTime.Now);
        }

        [Fact]
        public void RpoIsMetByTheNewestBackupThatPassesItsChecksumAlone()
        {
            var fresh = Backup("production", "shop", TimeSpan.FromHours(30));
            var broken = Backup("production", "shop", TimeSpan.FromHours(1), good: false);
            var other = Backup("production", "crm", TimeSpan.FromHours(2));
            var statuses = RpoCheck.Evaluate(new[] { fresh, broken, other }, TimeSpan.FromHours(24)).ToList();
            Assert.Equal(2, statuses.Count);
            var shop = statuses.Single(s => s.Database == "shop");
            Assert.False(shop.Passed);
            Assert.Equal(fresh.FullName, shop.NewestGoodBackup);
            Assert.True(statuses.Single(s => s.Database == "crm").Passed);
            Assert.True(RpoCheck.Evaluate(new[] { fresh }, TimeSpan.FromHours(31)).Single().Passed);
        }

        [Fact]
        public void NoGoodBackupFailsTheRpoWithTheReason()
        {
            var broken = Backup("staging", "shop", TimeSpan.FromHours(1), good: false);
            var status = RpoCheck.Evaluate(new[] { broken }, TimeSpan.FromHours(24)).Single();
            Assert.False(status.Passed);
            Assert.Null(status.NewestGoodBackup);
            Assert.Contains("passes its checksum", status.Message, StringComparison.Ordinal);
        }
    }
}
