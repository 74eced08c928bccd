using System;
using System.Globalization;
using System.IO;
using B1Backup.Core.Store;
using Xunit;

namespace B1Backup.Core.Tests
{
    /// <summary>The rule every deletion follows, and the environment names it and the production prompt depend on.</summary>
    [Trait("Category", "Unit")]
    public sealed class RetentionRuleTests : IDisposable
    {
        private readonly string root = TestScripts.NewBackupRoot();

        public void Dispose()
        {
            if (Directory.Exists(root))
            {
                Directory.Delete(root, true);
            }
        }

        private BackupInfo Write(string environment, int daysAgo, string database, bool good = true)
        {
            string folder = Path.Combine(root, environment);
            Directory.CreateDirectory(folder);
            string name = $"backup_{environment}_{DateTime.Now.AddDays(-daysAgo).ToString("yyyyMMdd_HHmmss", CultureInfo.InvariantCulture)}.sql.gz";
            string path = Path.Combine(folder, name);
            File.WriteAllText(path, "checksummed content of " + name);
            File.WriteAllText(BackupManifest.PathFor(path), $"{{\"Database\": \"{database}\"}}");
            File.WriteAllText(ChecksumFile.PathFor(path), ChecksumFile.FormatLine(good ? ChecksumFile.ComputeSha256(path) : new string('0', 64), name));
            return BackupStore.Describe(path, DateTime.Now);
        }

        [Fact]
        public void KeepsOnlyTheNewestGoodBackupOfEachDatabase()
        {
            var oldShop = Write("production", 40, "shop");
            var newShop = Write("production", 35, "shop");
            var onlyCrm = Write("production", 50, "crm");
            var rule = new RetentionRule(DateTime.Now);
            Assert.False(rule.MustKeep(oldShop));
            Assert.True(rule.MustKeep(newShop));
            Assert.True(rule.MustKeep(onlyCrm));
        }

        [Fact]
        public void ANewerBackupThatFailsItsChecksumDoesNotTakeTheProtection()
        {
            var good = Write("staging", 10, "shop");
            var broken = Write("staging", 9, "shop", good: false);
            var rule = new RetentionRule(DateTime.Now);
            Assert.True(rule.MustKeep(good));
            Assert.False(rule.MustKeep(broken));
        }

        [Fact]
        public void APlantedBackupDatedInTheFutureDoesNotTakeTheProtection()
        {
            var real = Write("production", 31, "shop");
            var planted = Write("production", -3650, "shop");
            var rule = new RetentionRule(DateTime.Now);
            Assert.True(rule.MustKeep(real));
            Assert.False(rule.MustKeep(planted));
        }

        [Fact]
        public void EachEnvironmentKeepsItsOwnNewestGoodBackup()
        {
            var production = Write("production", 40, "shop");
            var staging = Write("staging", 20, "shop");
            var rule = new RetentionRule(DateTime.Now);
            Assert.True(rule.MustKeep(production));
            Assert.True(rule.MustKeep(staging));
            Assert.Contains("'production'", RetentionRule.KeptBecause(production));
            Assert.Contains("'shop'", RetentionRule.KeptBecause(production));
        }

        [Theory]
        [InlineData("production", true)]
        [InlineData("PROD", true)]
        [InlineData("Production", true)]
        [InlineData("production2", false)]
        [InlineData("preprod", false)]
        [InlineData("staging", false)]
        [InlineData("", false)]
        [InlineData(null, false)]
        public void OnlyProductionAndProdAreProduction(string? environment, bool production) =>
            Assert.Equal(production, Environments.IsProduction(environment));

        [Theory]
        [InlineData("production", 30)]
        [InlineData("Prod", 30)]
        [InlineData("staging", 7)]
        [InlineData("development", 3)]
        [InlineData("DEV", 3)]
        [InlineData("qa", 7)]
        public void RetentionDaysFollowTheProcedure(string environment, int days) =>
            Assert.Equal(days, Environments.DefaultRetentionDays(environment));
    }
}
