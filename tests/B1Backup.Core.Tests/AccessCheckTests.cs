using System;
using System.Globalization;
using System.Linq;
using B1Backup.Core.Connection;
using B1Backup.Core.Engine;
using Xunit;

namespace B1Backup.Core.Tests
{
    /// <summary>The pre-flight tells what each job would meet, for a user with every privilege and for one with few.</summary>
    public sealed class AccessCheckTests : IDisposable
    {
        private readonly string database = TestServer.CreateDatabase("b1access");
        private readonly string user = "b1pre_" + Guid.NewGuid().ToString("N").Substring(0, 6);

        public AccessCheckTests()
        {
            TestServer.Execute("CREATE TABLE t (id INT PRIMARY KEY); CREATE VIEW v AS SELECT id FROM t", database);
            TestServer.Execute($"CREATE USER '{user}'@'%' IDENTIFIED BY 'Pre-flight-1'; GRANT SELECT, SHOW VIEW ON `{database}`.* TO '{user}'@'%'");
        }

        public void Dispose()
        {
            TestServer.Execute($"DROP USER IF EXISTS '{user}'@'%'");
            TestServer.DropDatabase(database);
        }

        [Fact]
        public void AnAdminPassesEveryCheckAndNoScratchDatabaseIsLeft()
        {
            var results = AccessCheck.Run(TestServer.Settings.WithDatabase(database), database);
            Assert.All(results, r => Assert.True(r.Status == AccessStatus.Passed, r.ToString()));
            Assert.Contains(results, r => r.Job == "Restore" && r.Check == "StagingDatabase");
            Assert.Contains(results, r => r.Job == "Drill" && r.Check == "ScratchDatabase");
            Assert.Equal(0L, Convert.ToInt64(TestServer.Scalar($"SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE '{database}\\_\\_b1%' OR SCHEMA_NAME LIKE 'b1drill\\_probe%'"), CultureInfo.InvariantCulture));
        }

        [Fact]
        public void AReadOnlyUserIsToldWhatEachJobLacks()
        {
            var url = new UriBuilder(TestServer.Url) { UserName = user, Password = "Pre-flight-1", Path = "/" + database };
            var settings = ConnectionParser.Resolve(new ConnectionRequest { ConnectionString = url.Uri.AbsoluteUri });
            var results = AccessCheck.Run(settings, database);
            Assert.Equal(AccessStatus.Passed, results.Single(r => r.Check == "ReadCatalog").Status);
            Assert.Equal(AccessStatus.Warning, results.Single(r => r.Check == "TriggersAndEvents").Status);
            Assert.Equal(AccessStatus.Warning, results.Single(r => r.Check == "ParallelSnapshot").Status);
            var staging = results.Single(r => r.Check == "StagingDatabase");
            Assert.Equal(AccessStatus.Failed, staging.Status);
            Assert.Contains("-InPlace", staging.Message);
            Assert.Equal(AccessStatus.Failed, results.Single(r => r.Check == "ScratchDatabase").Status);
            Assert.DoesNotContain("Pre-flight-1", string.Join(" ", results.Select(r => r.Message)));
        }
    }
}
