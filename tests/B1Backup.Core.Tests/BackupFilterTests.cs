using System;
using System.Linq;
using B1Backup.Core.Store;
using Xunit;

namespace B1Backup.Core.Tests
{
    /// <summary>The one filter behind -Environment and -Database in Get-B1Backup, Test-B1Rpo and the drill.</summary>
    [Trait("Category", "Unit")]
    public sealed class BackupFilterTests
    {
        private static BackupInfo Backup(string environment, string? database, int hoursAgo) => new BackupInfo
        {
            Environment = environment,
            Database = database,
            Timestamp = DateTime.Now.AddHours(-hoursAgo),
            FullName = $"/b/{environment}/{database}-{hoursAgo}",
        };

        private static readonly BackupInfo[] NewestFirst =
        {
            Backup("production", "shop", 1), Backup("staging", "shop", 2), Backup("production", "crm", 3),
            Backup("production", "shop", 4), Backup("prod[1]", "shop", 5), Backup("development", null, 6),
        };

        private static string[] Names(BackupFilter filter) => filter.Apply(NewestFirst).Select(b => b.FullName).ToArray();

        [Fact]
        public void NoPatternMatchesEverythingAndKeepsTheOrder() =>
            Assert.Equal(NewestFirst.Select(b => b.FullName), Names(new BackupFilter(null, null)));

        [Fact]
        public void WildcardsAreCaseInsensitiveAndAnyOfSeveralMatches()
        {
            Assert.Equal(new[] { "/b/production/shop-1", "/b/production/crm-3", "/b/production/shop-4" }, Names(new BackupFilter(new[] { "PRODUCTION" }, null)));
            Assert.Equal(new[] { "/b/production/shop-1", "/b/staging/shop-2", "/b/production/shop-4" }, Names(new BackupFilter(new[] { "p*n", "stag?ng" }, new[] { "Shop" })));
            Assert.Equal(new[] { "/b/production/crm-3" }, Names(new BackupFilter(null, new[] { "[a-d]*" })));
        }

        [Fact]
        public void APatternIsAnchoredAndItsRegexCharactersAreLiteral()
        {
            Assert.Empty(Names(new BackupFilter(new[] { "prod" }, null)));
            Assert.Empty(Names(new BackupFilter(null, new[] { "sho.*" })));
            // A bracket is a set unless escaped with a backtick, as in PowerShell.
            Assert.Equal(new[] { "/b/prod[1]/shop-5" }, Names(new BackupFilter(new[] { "prod`[1`]" }, null)));
        }

        [Fact]
        public void ABackupWithoutADatabaseMatchesOnlyStar()
        {
            Assert.Contains("/b/development/-6", Names(new BackupFilter(new[] { "development" }, new[] { "*" })));
            Assert.Empty(Names(new BackupFilter(new[] { "development" }, new[] { "?*" })));
        }

        [Fact]
        public void LatestOfEachIsTheFirstOfEveryEnvironmentAndDatabase()
        {
            var latest = BackupFilter.LatestOfEach(NewestFirst).Select(b => b.FullName).ToArray();
            Assert.Equal(new[] { "/b/production/shop-1", "/b/staging/shop-2", "/b/production/crm-3", "/b/prod[1]/shop-5", "/b/development/-6" }, latest);
        }
    }
}
