using System;
using System.IO;
using B1Backup.Core.Restore;
using MySqlConnector;
using Xunit;

namespace B1Backup.Core.Tests
{
    /// <summary>Backups that said Verified and could not be restored: each now round-trips exactly, or fails when it is made.</summary>
    public sealed class RestorableBackupTests : IDisposable
    {
        private readonly string source = TestServer.CreateDatabase("b1restorable");
        private readonly string restored;
        private readonly string root = TestScripts.NewBackupRoot();

        public RestorableBackupTests()
        {
            restored = source + "_r";
        }

        public void Dispose()
        {
            TestServer.DropDatabase(source);
            TestServer.DropDatabase(restored);
            if (Directory.Exists(root))
            {
                Directory.Delete(root, true);
            }
        }

        [Fact]
        public void EnumAndSetColumnsOfTheBinaryCharacterSetRoundTrip()
        {
            TestServer.Execute("CREATE TABLE flags (id INT PRIMARY KEY, e ENUM('a','b') CHARACTER SET binary, s SET('x','y') CHARACTER SET binary);" +
                "INSERT INTO flags VALUES (1, 'a', 'x,y'), (2, 'b', 'y'), (3, NULL, '')", source);
            var backup = TestScripts.Backup(source, root);
            Assert.True(TestScripts.Restore(backup.FullName, restored).Verified);
            DatabaseComparer.AssertSame(source, restored);
        }

        [Fact]
        public void ARoutineWhoseBodyEndsInACommentRoundTrips()
        {
            TestServer.Execute("CREATE PROCEDURE trailing_note() SELECT 1 AS one -- the note ends the body", source);
            TestServer.Execute("CREATE FUNCTION hashed() RETURNS INT DETERMINISTIC RETURN 7 # a hash comment too", source);
            var backup = TestScripts.Backup(source, root);
            Assert.True(TestScripts.Restore(backup.FullName, restored).Verified);
            DatabaseComparer.AssertSame(source, restored);
            Assert.Equal(7, Convert.ToInt32(TestServer.Scalar("SELECT hashed()", restored)));
        }

        [Fact]
        public void OracleModePackagesAreRefusedWhenTheBackupIsMadeNamingThem()
        {
            using (var connection = TestServer.Open(source))
            {
                new MySqlCommand("SET SESSION sql_mode = 'ORACLE'", connection).ExecuteNonQuery();
                new MySqlCommand("CREATE PACKAGE pkg AS PROCEDURE p1; END", connection).ExecuteNonQuery();
            }

            var e = Assert.Throws<B1BackupException>(() => TestScripts.Backup(source, root));
            Assert.Equal("BackupNotRestorable", e.ErrorId);
            Assert.Contains("pkg", e.Message);
            Assert.Contains("Oracle-mode", e.Message);
            Assert.Empty(Directory.GetFiles(Path.Combine(root, "test")));
        }
    }
}
