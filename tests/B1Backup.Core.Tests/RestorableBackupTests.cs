using System;
using System.IO;
using System.Linq;
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
        public void SystemVersionedTablesComeBackWithTheirHistoryRowsExactly()
        {
            TestServer.Execute(
                "CREATE TABLE prices (id INT PRIMARY KEY, p INT) WITH SYSTEM VERSIONING;" +
                "CREATE TABLE rates (id INT PRIMARY KEY, r DECIMAL(5,2), valid_from TIMESTAMP(6) GENERATED ALWAYS AS ROW START INVISIBLE, " +
                "valid_to TIMESTAMP(6) GENERATED ALWAYS AS ROW END INVISIBLE, PERIOD FOR SYSTEM_TIME (valid_from, valid_to)) WITH SYSTEM VERSIONING;" +
                "INSERT INTO prices SELECT seq, seq FROM seq_1_to_3000; UPDATE prices SET p = p + 1 WHERE id <= 100; DELETE FROM prices WHERE id > 2990;" +
                "INSERT INTO rates VALUES (1, 1.5), (2, 2.5); UPDATE rates SET r = 1.75 WHERE id = 1; DELETE FROM rates WHERE id = 2", source);
            var backup = Engine.BackupEngine.Run(
                new Engine.BackupRequest(TestServer.Settings.WithDatabase(source), root, "test") { Readers = 2, ChunkBytes = 16 * 1024, MemberBytes = 16 * 1024 }, null, _ => { }, default);
            Assert.DoesNotContain(backup.Incomplete, m => m.Contains("history"));
            var manifest = Store.BackupManifest.TryRead(backup.FullName)!;
            Assert.Equal(3000 + 100, manifest.Tables.Single(t => t.Name == "prices").Rows);
            Assert.Equal(3, manifest.Tables.Single(t => t.Name == "rates").Rows);

            var restored1 = TestScripts.Restore(backup.FullName, restored);
            Assert.True(restored1.Verified, string.Join("\n", restored1.Checks.Select(c => c.ToString())));
            // CHECKSUM TABLE covers the history rows and their row_start/row_end.
            DatabaseComparer.AssertSame(source, restored);
            string History(string database) => Convert.ToString(TestServer.Scalar(
                "SELECT GROUP_CONCAT(CONCAT_WS('/', id, r, valid_from, valid_to) ORDER BY id, valid_from) FROM rates FOR SYSTEM_TIME ALL", database))!;
            Assert.Equal(History(source), History(restored));
            Assert.Equal(2990L, Convert.ToInt64(TestServer.Scalar("SELECT COUNT(*) FROM prices", restored)));
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

namespace B1Backup.Core.Tests
{
    /// <summary>Every place a name is written: newlines, comment markers, backticks and quotes never become SQL, for our restore or the mariadb client.</summary>
    public sealed class NameInjectionTests : IDisposable
    {
        private readonly string source = TestServer.CreateDatabase("b1names");
        private readonly string victim = TestServer.CreateDatabase("b1victim");
        private readonly string root = TestScripts.NewBackupRoot();

        public NameInjectionTests() => TestServer.Execute("CREATE TABLE t1 (id INT); INSERT INTO t1 VALUES (1)", victim);

        public void Dispose()
        {
            foreach (string db in new[] { source, victim, source + "_r", source + "_c" })
            {
                TestServer.DropDatabase(db);
            }

            if (Directory.Exists(root))
            {
                Directory.Delete(root, true);
            }
        }

        private static string Q(string name) => "`" + name.Replace("`", "``") + "`";

        [Fact]
        public void EvilNamesRoundTripThroughOurRestoreAndTheMariadbClient()
        {
            string drop = $"DROP DATABASE {Q(victim)}";
            string[] names =
            {
                $"t\n{drop}; -- x",
                $"u*/ {drop}; /*",
                "v`q'\"w",
                $"w\n#\n{drop};",
            };
            foreach (string name in names)
            {
                TestServer.Execute($"CREATE TABLE {Q(name)} (id INT PRIMARY KEY); INSERT INTO {Q(name)} VALUES (7)", source);
            }

            TestServer.Execute($"CREATE VIEW {Q("view\n" + drop + "; --")} AS SELECT id FROM {Q(names[2])};" +
                $"CREATE PROCEDURE {Q("proc\n" + drop + "; #")}() SELECT 1;" +
                $"CREATE FUNCTION {Q("func */ " + drop + " /*")}() RETURNS INT DETERMINISTIC RETURN 1;" +
                $"CREATE TRIGGER {Q("trg\n" + drop + "; --x")} BEFORE INSERT ON {Q(names[0])} FOR EACH ROW SET NEW.id = NEW.id;" +
                $"CREATE EVENT {Q("evt\n" + drop + ";")} ON SCHEDULE EVERY 1 DAY DISABLE DO SELECT 1;" +
                $"CREATE SEQUENCE {Q("seq\n" + drop + "; --")}", source);

            var backup = TestScripts.Backup(source, root);
            Assert.True(TestScripts.Restore(backup.FullName, source + "_r").Verified);
            DatabaseComparer.AssertSame(source, source + "_r");

            // The documented other way: gunzip -c <file> | mariadb <database>.
            TestServer.Execute($"CREATE DATABASE {Q(source + "_c")}");
            TestScripts.RunWithClient("gunzip -c \"$5\" | mariadb --no-defaults --host=\"$1\" --port=\"$2\" --user=\"$3\" --ssl-ca=\"$4\" \"$6\"", backup.FullName, source + "_c");
            DatabaseComparer.AssertSame(source, source + "_c");
            Assert.Equal(1L, Convert.ToInt64(TestServer.Scalar($"SELECT COUNT(*) FROM {Q(victim)}.t1")));
        }
    }
}
