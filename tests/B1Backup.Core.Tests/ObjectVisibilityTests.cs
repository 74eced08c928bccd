using System;
using System.IO;
using B1Backup.Core.Connection;
using B1Backup.Core.Engine;
using B1Backup.Core.Store;
using Xunit;

namespace B1Backup.Core.Tests
{
    /// <summary>A backup user who cannot see triggers or events is told so, and the manifest records it.</summary>
    public sealed class ObjectVisibilityTests : IDisposable
    {
        private readonly string database = TestServer.CreateDatabase("b1visible");
        private readonly string root = TestScripts.NewBackupRoot();
        private readonly string user = "b1lim_" + Guid.NewGuid().ToString("N").Substring(0, 6);

        public ObjectVisibilityTests()
        {
            TestServer.Execute("CREATE TABLE t (id INT PRIMARY KEY); CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW SET NEW.id = NEW.id;" +
                "CREATE EVENT ev ON SCHEDULE EVERY 1 DAY DISABLE DO DELETE FROM t", database);
            TestServer.Execute($"CREATE USER '{user}'@'%' IDENTIFIED BY 'Lim1ted-pw'; GRANT SELECT, SHOW VIEW, LOCK TABLES ON `{database}`.* TO '{user}'@'%'");
        }

        public void Dispose()
        {
            TestServer.Execute($"DROP USER IF EXISTS '{user}'@'%'");
            TestServer.DropDatabase(database);
            if (Directory.Exists(root))
            {
                Directory.Delete(root, true);
            }
        }

        private ConnectionSettings As(string name, string password)
        {
            var url = new UriBuilder(TestServer.Url) { UserName = name, Password = password, Path = "/" + database };
            return ConnectionParser.Resolve(new ConnectionRequest { ConnectionString = url.Uri.AbsoluteUri });
        }

        [Fact]
        public void ABackupUserWithoutTriggerAndEventIsWarnedAndTheManifestSaysSo()
        {
            var result = BackupEngine.Run(new BackupRequest(As(user, "Lim1ted-pw"), root, "vis") { Readers = 1 }, null, _ => { }, default);
            Assert.Equal(2, result.Incomplete.Length);
            Assert.Contains(result.Incomplete, m => m.StartsWith("triggers", StringComparison.Ordinal) && m.Contains("GRANT TRIGGER"));
            Assert.Contains(result.Incomplete, m => m.StartsWith("events", StringComparison.Ordinal));
            Assert.Equal(result.Incomplete, BackupManifest.TryRead(result.FullName)!.Incomplete);

            TestServer.Execute($"GRANT TRIGGER, EVENT ON `{database}`.* TO '{user}'@'%'");
            System.Threading.Thread.Sleep(1100);
            var full = BackupEngine.Run(new BackupRequest(As(user, "Lim1ted-pw"), root, "vis") { Readers = 1 }, null, _ => { }, default);
            Assert.Empty(full.Incomplete);
            Assert.Contains(BackupManifest.TryRead(full.FullName)!.Objects, o => o.Kind == "TRIGGER");
            Assert.Contains(BackupManifest.TryRead(full.FullName)!.Objects, o => o.Kind == "EVENT");
        }
    }
}
