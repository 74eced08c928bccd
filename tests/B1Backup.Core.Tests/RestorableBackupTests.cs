using System;
using System.Globalization;
using System.IO;
using System.Linq;
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
            Assert.Equal(7, Convert.ToInt32(TestServer.Scalar("SELECT hashed()", restored), CultureInfo.InvariantCulture));
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
                "SELECT GROUP_CONCAT(CONCAT_WS('/', id, r, valid_from, valid_to) ORDER BY id, valid_from) FROM rates FOR SYSTEM_TIME ALL", database), CultureInfo.InvariantCulture)!;
            Assert.Equal(History(source), History(restored));
            Assert.Equal(2990L, Convert.ToInt64(TestServer.Scalar("SELECT COUNT(*) FROM prices", restored), CultureInfo.InvariantCulture));
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void ObjectsKeepTheCollationTheyWereCreatedUnder(bool fromMariadbDump)
        {
            using (var connection = TestServer.Open(source))
            {
                new MySqlCommand("CREATE TABLE t (a VARCHAR(10) CHARACTER SET utf8mb4)", connection).ExecuteNonQuery();
                new MySqlCommand("SET NAMES utf8mb3 COLLATE utf8mb3_unicode_ci", connection).ExecuteNonQuery();
                new MySqlCommand("CREATE VIEW v3 AS SELECT a, 'x' = 'X' AS same FROM t", connection).ExecuteNonQuery();
                new MySqlCommand("CREATE PROCEDURE p3() SELECT 'a' = 'A'", connection).ExecuteNonQuery();
                new MySqlCommand("CREATE TRIGGER tr3 BEFORE INSERT ON t FOR EACH ROW SET NEW.a = LOWER(NEW.a)", connection).ExecuteNonQuery();
                new MySqlCommand("CREATE EVENT e3 ON SCHEDULE EVERY 1 DAY DISABLE DO DELETE FROM t WHERE a = 'gone'", connection).ExecuteNonQuery();
                new MySqlCommand("SET NAMES latin1 COLLATE latin1_bin", connection).ExecuteNonQuery();
                // Under latin1_bin 'a' and 'A' differ; under the loader's utf8mb4 default they would be equal.
                new MySqlCommand("CREATE FUNCTION f1() RETURNS INT DETERMINISTIC RETURN 'a' = 'A'", connection).ExecuteNonQuery();
                // A routine made while the database had another default: its parameter takes that default (latin1 here).
                new MySqlCommand("SET NAMES utf8mb4", connection).ExecuteNonQuery();
                new MySqlCommand($"ALTER DATABASE `{source}` COLLATE latin1_swedish_ci", connection).ExecuteNonQuery();
                new MySqlCommand("CREATE FUNCTION cs(x VARCHAR(5)) RETURNS VARCHAR(20) DETERMINISTIC RETURN CHARSET(x)", connection).ExecuteNonQuery();
                new MySqlCommand($"ALTER DATABASE `{source}` COLLATE utf8mb4_general_ci", connection).ExecuteNonQuery();
            }

            string path;
            if (fromMariadbDump)
            {
                Directory.CreateDirectory(root);
                path = Path.Combine(root, "mdump_" + Guid.NewGuid().ToString("N").Substring(0, 6) + ".sql.gz");
                TestScripts.RunWithClient("mariadb-dump --no-defaults --host=\"$1\" --port=\"$2\" --user=\"$3\" --ssl-ca=\"$4\" --routines --events --triggers \"$6\" | gzip > \"$5\" && cd \"$(dirname \"$5\")\" && sha256sum \"$(basename \"$5\")\" > \"$(basename \"$5\").sha256\"", path, source);
            }
            else
            {
                path = TestScripts.Backup(source, root).FullName;
            }

            var result = TestScripts.Restore(path, restored);
            Assert.True(result.Verified);
            string Charsets(string database) => Convert.ToString(TestServer.Scalar(
                "SELECT CONCAT_WS(' | '," +
                "(SELECT GROUP_CONCAT(CONCAT(TABLE_NAME, ':', CHARACTER_SET_CLIENT, '/', COLLATION_CONNECTION)) FROM information_schema.VIEWS WHERE TABLE_SCHEMA = DATABASE())," +
                "(SELECT GROUP_CONCAT(CONCAT(ROUTINE_NAME, ':', CHARACTER_SET_CLIENT, '/', COLLATION_CONNECTION) ORDER BY ROUTINE_NAME) FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = DATABASE())," +
                "(SELECT GROUP_CONCAT(CONCAT(TRIGGER_NAME, ':', CHARACTER_SET_CLIENT, '/', COLLATION_CONNECTION)) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE())," +
                "(SELECT GROUP_CONCAT(CONCAT(EVENT_NAME, ':', CHARACTER_SET_CLIENT, '/', COLLATION_CONNECTION)) FROM information_schema.EVENTS WHERE EVENT_SCHEMA = DATABASE()))", database), CultureInfo.InvariantCulture)!;
            // UTF-8 client character sets and every collation come back; a latin1 client is read as utf8mb4 (the text is UTF-8).
            Assert.Equal(
                "v3:utf8mb3/utf8mb3_unicode_ci | cs:utf8mb4/utf8mb4_general_ci,f1:utf8mb4/latin1_bin,p3:utf8mb3/utf8mb3_unicode_ci | tr3:utf8mb3/utf8mb3_unicode_ci | e3:utf8mb3/utf8mb3_unicode_ci",
                Charsets(restored));
            Assert.Equal(Charsets(source).Replace("f1:latin1/", "f1:utf8mb4/"), Charsets(restored));
            string DatabaseCollations(string database) => Convert.ToString(TestServer.Scalar(
                "SELECT GROUP_CONCAT(CONCAT(ROUTINE_NAME, ':', DATABASE_COLLATION) ORDER BY ROUTINE_NAME) FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = DATABASE()", database), CultureInfo.InvariantCulture)!;
            Assert.Equal("cs:latin1_swedish_ci,f1:utf8mb4_general_ci,p3:utf8mb4_general_ci", DatabaseCollations(source));
            Assert.Equal(DatabaseCollations(source), DatabaseCollations(restored));
            Assert.Equal("latin1", TestServer.Scalar("SELECT cs('x')", restored));
            Assert.Equal("utf8mb4_general_ci", TestServer.Scalar($"SELECT DEFAULT_COLLATION_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '{restored}'"));
            Assert.Equal(0, Convert.ToInt32(TestServer.Scalar("SELECT f1()", source), CultureInfo.InvariantCulture));
            Assert.Equal(0, Convert.ToInt32(TestServer.Scalar("SELECT f1()", restored), CultureInfo.InvariantCulture));
            // The loader's own connection went back to utf8mb4: data loaded after the objects keeps 4-byte characters.
            Assert.Equal(Convert.ToString(TestServer.Scalar("SELECT COUNT(*) FROM t", source), CultureInfo.InvariantCulture), Convert.ToString(TestServer.Scalar("SELECT COUNT(*) FROM t", restored), CultureInfo.InvariantCulture));
        }

        [Fact]
        public void TableOptionsTheEngineDoesNotKnowComeBack()
        {
            // Kept under sql_mode IGNORE_BAD_TABLE_OPTIONS (an engine's options, a plugin not loaded here); SHOW CREATE
            // TABLE writes them as a comment unless the reader's session has that mode too.
            using (var connection = TestServer.Open(source))
            {
                new MySqlCommand("SET SESSION sql_mode = 'IGNORE_BAD_TABLE_OPTIONS'", connection).ExecuteNonQuery();
                new MySqlCommand("CREATE TABLE opts (a INT PRIMARY KEY, b INT, KEY kb (b)) ENGINE=InnoDB shard_key=a `zone`='eu'", connection).ExecuteNonQuery();
                new MySqlCommand("INSERT INTO opts VALUES (1, 2)", connection).ExecuteNonQuery();
            }

            string Options(string database)
            {
                using var connection = TestServer.Open(database);
                new MySqlCommand("SET SESSION sql_mode = 'IGNORE_BAD_TABLE_OPTIONS'", connection).ExecuteNonQuery();
                using var reader = new MySqlCommand("SHOW CREATE TABLE opts", connection).ExecuteReader();
                reader.Read();
                string create = reader.GetString(1);
                return create.Substring(create.LastIndexOf(')') + 1);
            }

            var backup = TestScripts.Backup(source, root);
            Assert.True(TestScripts.Restore(backup.FullName, restored).Verified);
            Assert.Contains("`shard_key`=a", Options(restored).Replace("'", string.Empty));
            Assert.Equal(Options(source), Options(restored));

            // The documented other way, the mariadb client, reads the same file the same way.
            TestServer.DropDatabase(restored);
            TestServer.Execute($"CREATE DATABASE `{restored}` CHARACTER SET utf8mb4");
            TestScripts.RunWithClient("gunzip -c \"$5\" | mariadb --no-defaults --host=\"$1\" --port=\"$2\" --user=\"$3\" --ssl-ca=\"$4\" \"$6\"", backup.FullName, restored);
            Assert.Equal(Options(source), Options(restored));
        }

        [Fact]
        public void OracleModePackagesAreRefusedWhenTheBackupIsMadeNamingThem()
        {
            using (var connection = TestServer.Open(source))
            {
                new MySqlCommand("SET SESSION sql_mode = 'ORACLE'", connection).ExecuteNonQuery();
                new MySqlCommand("CREATE PACKAGE pkg AS PROCEDURE p1; END", connection).ExecuteNonQuery();
            }

            var e = Assert.ThrowsAny<B1BackupException>(() => TestScripts.Backup(source, root));
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
            Assert.Equal(1L, Convert.ToInt64(TestServer.Scalar($"SELECT COUNT(*) FROM {Q(victim)}.t1"), CultureInfo.InvariantCulture));
        }
    }
}
