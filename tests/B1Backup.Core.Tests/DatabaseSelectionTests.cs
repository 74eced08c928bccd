using B1Backup.Core.Engine;
using Xunit;

namespace B1Backup.Core.Tests
{
    /// <summary>Which databases "several" means: names kept as given, wildcards matched, the server's own never.</summary>
    [Trait("Category", "Unit")]
    public class DatabaseSelectionTests
    {
        private static readonly string[] Visible = { "crm", "shop", "shop_eu", "shop_us", "shop[old]" };

        [Theory]
        [InlineData("shop_*", "shop_eu,shop_us")]
        [InlineData("shop*", "shop,shop_eu,shop_us,shop[old]")]
        [InlineData("shop_??", "shop_eu,shop_us")]
        [InlineData("shop_[e]u", "shop_eu")]
        [InlineData("shop`[old`]", "shop[old]")]
        [InlineData("*", "crm,shop,shop_eu,shop_us,shop[old]")]
        public void WildcardsFollowPowerShellsRules(string pattern, string expected) =>
            Assert.Equal(expected.Split(','), DatabaseSelection.Expand(new[] { pattern }, Visible));

        [Fact]
        public void NamesStayInTheOrderGivenAndCountOnce()
        {
            Assert.Equal(new[] { "shop", "crm", "shop_eu", "shop_us" }, DatabaseSelection.Expand(new[] { "shop", "crm", "shop_*", "crm" }, Visible));
            // A plain name is not checked against the list: a missing one fails as its own backup, naming itself.
            Assert.Equal(new[] { "nowhere" }, DatabaseSelection.Expand(new[] { "nowhere" }, null));
        }

        [Fact]
        public void AWildcardThatMatchesNothingIsAnError()
        {
            var e = Assert.ThrowsAny<B1BackupException>(() => DatabaseSelection.Expand(new[] { "crm", "billing*" }, Visible));
            Assert.Equal("NoDatabaseMatches", e.ErrorId);
            Assert.Contains("billing*", e.Message);
        }

        [Theory]
        [InlineData("mysql")]
        [InlineData("SYS")]
        [InlineData("information_schema")]
        [InlineData("performance_schema")]
        [InlineData("METRICS_SCHEMA")]
        public void TheServersOwnDatabasesAreNeverUserDatabases(string name) => Assert.True(DatabaseSelection.IsServerDatabase(name));
    }

    /// <summary>The same selection read from the real server.</summary>
    public class DatabaseSelectionServerTests
    {
        [Fact]
        public void TheServerListsUserDatabasesOnly()
        {
            string mine = TestServer.CreateDatabase("b1sel");
            try
            {
                var names = DatabaseSelection.UserDatabases(TestServer.Settings);
                Assert.Contains(mine, names);
                Assert.DoesNotContain(names, DatabaseSelection.IsServerDatabase);
            }
            finally
            {
                TestServer.DropDatabase(mine);
            }
        }
    }
}
