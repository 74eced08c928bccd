using System;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using B1Backup.Core.Engine;
using B1Backup.Core.Restore;
using B1Backup.Core.Store;
using MySqlConnector;
using Xunit;

namespace B1Backup.Core.Tests
{
    /// <summary>
    /// Crafted backups with valid checksums, restored against the real server by a user with every
    /// privilege: each is refused before any statement runs, and a victim database, the server's
    /// users and its globals stay as they were. Also the file swapped during a restore, the system
    /// target, the concurrent restore, the foreign key from outside and the busy swap.
    /// </summary>
    public sealed class RestoreTrustServerTests : IDisposable
    {
        private readonly string victim = TestServer.CreateDatabase("b1victim");
        private readonly string target = TestServer.CreateDatabase("b1shop");
        private readonly string folder = TestScripts.NewBackupRoot();

        public RestoreTrustServerTests()
        {
            TestServer.Execute("CREATE TABLE t1 (id INT PRIMARY KEY, v VARCHAR(20)); INSERT INTO t1 VALUES (1, 'safe');" +
                "CREATE TABLE secrets (s VARCHAR(20)); INSERT INTO secrets VALUES ('hush')", victim);
            TestServer.Execute("CREATE TABLE orders (id INT PRIMARY KEY); INSERT INTO orders VALUES (7)", target);
            Directory.CreateDirectory(folder);
        }

        public void Dispose()
        {
            TestServer.DropDatabase(victim);
            TestServer.DropDatabase(target);
            TestServer.Execute("DROP USER IF EXISTS 'b1lim'@'%'");
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, true);
            }
        }

        /// <summary>A mysqldump-style file with a valid .sha256, as an attacker who can write the backup folder makes one.</summary>
        private string Craft(string body)
        {
            string path = Path.Combine(folder, "backup_attack_" + Guid.NewGuid().ToString("N").Substring(0, 8) + ".sql.gz");
            string script = "-- MySQL dump 10.13\n-- Host: localhost    Database: shop\n" + body.Replace("VICTIM", victim) + "\n-- Dump completed on 2026-12-04 10:00:00\n";
            using (var file = File.Create(path))
            using (var gzip = new GZipStream(file, CompressionLevel.Fastest))
            {
                byte[] bytes = Encoding.UTF8.GetBytes(script);
                gzip.Write(bytes, 0, bytes.Length);
            }

            File.WriteAllText(ChecksumFile.PathFor(path), ChecksumFile.FormatLine(ChecksumFile.ComputeSha256(path), Path.GetFileName(path)));
            return path;
        }

        private string State() =>
            string.Join("|",
                TestServer.Scalar($"SELECT GROUP_CONCAT(TABLE_NAME ORDER BY TABLE_NAME) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '{victim}'"),
                TestServer.Scalar($"SELECT GROUP_CONCAT(CONCAT(id, v)) FROM `{victim}`.t1"),
                TestServer.Scalar($"SELECT GROUP_CONCAT(id) FROM `{target}`.orders"),
                TestServer.Scalar("SELECT @@GLOBAL.max_connections"),
                TestServer.Scalar("SELECT @@GLOBAL.read_only"),
                TestServer.Scalar("SELECT @@GLOBAL.event_scheduler"),
                TestServer.Scalar("SELECT COUNT(*) FROM mysql.user WHERE User = 'b1lim'"),
                TestServer.Scalar("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE '%\\_\\_b1%'"));

        [Theory]
        [InlineData("DELIMITER //\nSELECT 1; DROP DATABASE VICTIM; GRANT ALL ON *.* TO 'b1lim'@'%' //\nDELIMITER ;")]
        [InlineData("CREATE TABLE a (i INT);\nSET sql_mode='NO_BACKSLASH_ESCAPES';\nINSERT INTO a VALUES ('x\\'); DROP DATABASE VICTIM; -- ');")]
        [InlineData("EXECUTE IMMEDIATE 'DROP DATABASE VICTIM';")]
        [InlineData("EXECUTE IMMEDIATE 'SELECT 1 INTO DUMPFILE ''/tmp/b1-pwned.txt''';")]
        [InlineData("DROP TABLE`VICTIM`.`t1`;")]
        [InlineData("DROP TABLE IF EXISTS x, VICTIM.t1;")]
        [InlineData("DROP TABLE IF EXISTS /*!1000000a, VICTIM.t1 */;")]
        [InlineData("SET sql_mode='ANSI_QUOTES';\nDROP TABLE \"VICTIM\".\"t1\";")]
        [InlineData("INSERT VICTIM.t1 VALUES(9,'pwned');")]
        [InlineData("CREATE TABLE stolen2 AS SELECT * FROM`VICTIM`.`secrets`;")]
        [InlineData("SET GLOBAL `max_connections`=7;")]
        [InlineData("SET GLOBAL `read_only`=1;")]
        [InlineData("CREATE TABLE a (i INT);\nDELIMITER ;;\nCREATE DEFINER=`root`@`localhost` PROCEDURE p() BEGIN GRANT ALL ON *.* TO 'b1lim'@'%'; END ;;\nDELIMITER ;")]
        [InlineData("CREATE DEFINER=`root`@`localhost` VIEW v AS SELECT User FROM mysql.user;")]
        [InlineData("SET GLOBAL event_scheduler = ON;\nCREATE EVENT e ON SCHEDULE AT CURRENT_TIMESTAMP + INTERVAL 3 SECOND DO DROP DATABASE VICTIM;")]
        [InlineData("CREATE TABLE f (i INT) ENGINE=FEDERATED CONNECTION='mysql://root@127.0.0.1/VICTIM/t1';")]
        [InlineData("CREATE VIEW v AS SELECT * FROM first_table, VICTIM.secrets;")]
        [InlineData("CREATE TABLE log (i INT);\nDELIMITER ;;\nCREATE TRIGGER tr AFTER INSERT ON first_table FOR EACH ROW BEGIN DELETE FROM log; DELETE FROM first_table, VICTIM.t1 USING first_table JOIN VICTIM.t1; END ;;\nDELIMITER ;")]
        public void CraftedBackupsAreRefusedBeforeAnythingRuns(string body)
        {
            string path = Craft("CREATE TABLE first_table (i INT);\nINSERT INTO first_table VALUES (1);\n" + body);
            string before = State();
            // Refused while the backup is read (no server yet), or at the latest when it is read against the server.
            var e = Assert.ThrowsAny<B1BackupException>(() => RestoreEngine.Execute(RestoreEngine.Prepare(path), TestServer.Settings, target, null, _ => { }, default));
            Assert.Equal("StatementRefused", e.ErrorId);
            Assert.Equal(before, State());
            Assert.False(File.Exists("/tmp/b1-pwned.txt"));
        }

        [Fact]
        public void TheSameBackupWithoutThePayloadRestores()
        {
            string path = Craft("CREATE TABLE first_table (i INT);\nINSERT INTO first_table VALUES (1);\nSET sql_mode='NO_BACKSLASH_ESCAPES';\nINSERT INTO first_table VALUES (2);");
            var result = RestoreEngine.Execute(RestoreEngine.Prepare(path), TestServer.Settings, target, null, _ => { }, default);
            Assert.True(result.Verified);
            Assert.Equal(2L, Convert.ToInt64(TestServer.Scalar("SELECT COUNT(*) FROM first_table", target), CultureInfo.InvariantCulture));
        }

        [Theory]
        [InlineData("CREATE TABLE m8 (a VARCHAR(5)) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci;")]
        [InlineData("CREATE TABLE m8 (a VARCHAR(5) CHARACTER SET utf8mb4 COLLATE 'utf8mb4_0900_as_cs');")]
        [InlineData("CREATE TABLE m8 (a VARCHAR(5) COLLATE = `utf8mb4_ja_0900_as_cs`);")]
        [InlineData("CREATE TABLE m8 (a VARCHAR(5));\nCREATE VIEW v8 AS SELECT a COLLATE utf8mb4_0900_bin AS a FROM m8;")]
        public void ACollationTheServerLacksIsFoundBeforeAnythingIsLoaded(string definition)
        {
            // MySQL 8's collations do not exist on MariaDB 10.11 (nor on TiDB before 7.4): CREATE TABLE would fail half-way.
            string path = Craft("CREATE TABLE first_table (i INT);\nINSERT INTO first_table VALUES (1);\n" + definition);
            string before = State();
            var e = Assert.ThrowsAny<B1BackupException>(() => RestoreEngine.Execute(RestoreEngine.Prepare(path), TestServer.Settings, target, null, _ => { }, default));
            Assert.Equal("CollationNotSupported", e.ErrorId);
            Assert.Contains("0900", e.Message);
            Assert.Contains("(line ", e.Message);
            Assert.Equal(before, State());
        }

        [Fact]
        public void CollationsTheServerKnowsByAnotherNameRestore()
        {
            // utf8_general_ci (MySQL 5.7 dumps) is utf8mb3_general_ci today; MariaDB lists utf8mb4_uca1400_ai_ci only as uca1400_ai_ci.
            string path = Craft("CREATE TABLE first_table (i INT, a VARCHAR(5) CHARACTER SET utf8 COLLATE utf8_general_ci, " +
                "b VARCHAR(5) CHARACTER SET latin1 COLLATE latin1_swedish_ci) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_uca1400_ai_ci;\nINSERT INTO first_table VALUES (1, 'x', 'y');");
            var result = RestoreEngine.Execute(RestoreEngine.Prepare(path), TestServer.Settings, target, null, _ => { }, default);
            Assert.True(result.Verified);
            Assert.Equal("utf8mb4_uca1400_ai_ci", TestServer.Scalar($"SELECT TABLE_COLLATION FROM information_schema.TABLES WHERE TABLE_SCHEMA = '{target}' AND TABLE_NAME = 'first_table'"));
        }

        [Fact]
        public void TheConnectionRefusesAnUnjudgedSecondStatement()
        {
            // Only judged statements reach the server, and judging finds the second statement.
            var guard = new StatementGuard("shop", target);
            var e = Assert.ThrowsAny<B1BackupException>(() => guard.Judge(new ScriptStatement($"SELECT 1; DROP DATABASE `{victim}`", 1)));
            Assert.Equal("StatementRefused", e.ErrorId);
            Assert.Equal(1L, Convert.ToInt64(TestServer.Scalar($"SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '{victim}'"), CultureInfo.InvariantCulture));
        }

        [Fact]
        public void AProcedureWrittenUnderNoBackslashEscapesRoundTrips()
        {
            string source = TestServer.CreateDatabase("b1nbe");
            string restored = source + "_r";
            try
            {
                using (var connection = TestServer.Open(source))
                {
                    new MySqlCommand("SET SESSION sql_mode = 'NO_BACKSLASH_ESCAPES'", connection).ExecuteNonQuery();
                    new MySqlCommand("CREATE PROCEDURE path_of(n VARCHAR(20)) SELECT CONCAT('C:\\data\\', n) AS p", connection).ExecuteNonQuery();
                    new MySqlCommand("CREATE TABLE t (a VARCHAR(10)); INSERT INTO t VALUES ('a\\b')", connection).ExecuteNonQuery();
                }

                var backup = TestScripts.Backup(source, folder);
                var result = TestScripts.Restore(backup.FullName, restored);
                Assert.True(result.Verified);
                Assert.Equal("C:\\data\\x", CallPathOf(restored));
            }
            finally
            {
                TestServer.DropDatabase(source);
                TestServer.DropDatabase(restored);
            }
        }

        private static string? CallPathOf(string database)
        {
            using var connection = TestServer.Open(database);
            using var command = new MySqlCommand("CALL path_of('x')", connection);
            return command.ExecuteScalar() as string;
        }

        [Fact]
        public void AFileReplacedAfterItsCheckIsNotTheOneThatLoads()
        {
            string good = Craft("CREATE TABLE kept (i INT);\nINSERT INTO kept VALUES (1);");
            string evil = Craft("CREATE TABLE evil (i INT);\nINSERT INTO evil VALUES (666);");
            var plan = RestoreEngine.Prepare(good);
            File.Move(evil, good + ".new");
            File.Delete(good);
            File.Move(good + ".new", good);
            RestoreEngine.Execute(plan, TestServer.Settings, target, null, _ => { }, default);
            Assert.Equal(1L, Convert.ToInt64(TestServer.Scalar($"SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '{target}' AND TABLE_NAME = 'kept'"), CultureInfo.InvariantCulture));
            Assert.Equal(0L, Convert.ToInt64(TestServer.Scalar($"SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '{target}' AND TABLE_NAME = 'evil'"), CultureInfo.InvariantCulture));
        }

        [Fact]
        public void AFileRewrittenInPlaceDuringARestoreIsFoundBeforeTheSwap()
        {
            string source = TestServer.CreateDatabase("b1inplace");
            try
            {
                TestServer.Execute("CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(40)); INSERT INTO t VALUES (1, 'one'), (2, 'two')", source);
                var backup = TestScripts.Backup(source, folder);
                var plan = RestoreEngine.Prepare(backup.FullName);
                var manifest = BackupManifest.TryRead(backup.FullName)!;
                var data = manifest.Members.First(m => m.Kind == "Data");
                using (var file = new FileStream(backup.FullName, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
                {
                    file.Seek(data.Offset + (data.Length / 2), SeekOrigin.Begin);
                    file.WriteByte(0x42);
                }

                string before = State();
                var e = Assert.ThrowsAny<B1BackupException>(() => RestoreEngine.Execute(plan, TestServer.Settings, target, null, _ => { }, default));
                // However the altered part fails to decompress, the error says the file changed: its bytes are not the verified ones.
                Assert.True(e.ErrorId == "BackupChangedDuringRestore", e.ErrorId + ": " + e.Message);
                Assert.Contains("was not changed", e.Message);
                Assert.Equal(before, State());
            }
            finally
            {
                TestServer.DropDatabase(source);
            }
        }

        [Fact]
        public void TheManifestCannotChooseTheTargetAndSystemDatabasesAreRefused()
        {
            string source = TestServer.CreateDatabase("b1manifest");
            try
            {
                TestServer.Execute("CREATE TABLE t (id INT PRIMARY KEY)", source);
                var backup = TestScripts.Backup(source, folder);
                string manifestPath = BackupManifest.PathFor(backup.FullName);
                File.WriteAllText(manifestPath, File.ReadAllText(manifestPath).Replace($"\"{source}\"", "\"mysql\""));
                var plan = RestoreEngine.Prepare(backup.FullName);
                Assert.Equal(source, plan.SourceDatabase);
                foreach (string system in new[] { "mysql", "MySQL", "sys", "performance_schema", "information_schema" })
                {
                    var e = Assert.ThrowsAny<B1BackupException>(() => RestoreEngine.Execute(RestoreEngine.Prepare(backup.FullName), TestServer.Settings, system, null, _ => { }, default));
                    Assert.Equal("TargetNotAllowed", e.ErrorId);
                }

                plan.Dispose();
            }
            finally
            {
                TestServer.DropDatabase(source);
            }
        }

        [Fact]
        public void ASecondRestoreOfTheSameTargetIsRefusedWhileTheFirstRuns()
        {
            string path = Craft("CREATE TABLE a (i INT);");
            using var holder = TestServer.Open();
            using (var take = new MySqlCommand("SELECT GET_LOCK(@n, 0)", holder))
            {
                take.Parameters.AddWithValue("@n", RestoreLock.NameFor(target));
                Assert.Equal(1L, Convert.ToInt64(take.ExecuteScalar(), CultureInfo.InvariantCulture));
            }

            string before = State();
            var e = Assert.ThrowsAny<B1BackupException>(() => RestoreEngine.Execute(RestoreEngine.Prepare(path), TestServer.Settings, target, null, _ => { }, default));
            Assert.Equal("RestoreInProgress", e.ErrorId);
            Assert.Equal(before, State());
        }

        [Fact]
        public void OnlyStagingCopiesWithTheMarkerAreDroppedAsAbandoned()
        {
            string lookalike = target + "__b1new_aaaaaa";
            string abandoned = target + "__b1new_bbbbbb";
            try
            {
                TestServer.Execute($"CREATE DATABASE `{lookalike}`");
                TestServer.Execute("CREATE TABLE precious (i INT)", lookalike);
                TestServer.Execute($"CREATE DATABASE `{abandoned}`");
                TestServer.Execute($"CREATE TABLE `{StagingNames.MarkerTable}` (restore_started DATETIME)", abandoned);
                RestoreEngine.Execute(RestoreEngine.Prepare(Craft("CREATE TABLE a (i INT);")), TestServer.Settings, target, null, _ => { }, default);
                Assert.Equal(1L, Convert.ToInt64(TestServer.Scalar($"SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '{lookalike}' AND TABLE_NAME = 'precious'"), CultureInfo.InvariantCulture));
                Assert.Equal(0L, Convert.ToInt64(TestServer.Scalar($"SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '{abandoned}'"), CultureInfo.InvariantCulture));
            }
            finally
            {
                TestServer.DropDatabase(lookalike);
                TestServer.DropDatabase(abandoned);
            }
        }

        [Fact]
        public void AForeignKeyFromAnotherDatabaseIsFoundBeforeAnythingIsSwapped()
        {
            TestServer.Execute($"CREATE TABLE refs (o INT, FOREIGN KEY fk_outside (o) REFERENCES `{target}`.orders (id)) ENGINE=InnoDB", victim);
            string before = State();
            var e = Assert.ThrowsAny<B1BackupException>(() => RestoreEngine.Execute(RestoreEngine.Prepare(Craft("CREATE TABLE orders (id INT PRIMARY KEY);")), TestServer.Settings, target, null, _ => { }, default));
            Assert.Equal("ForeignKeyFromOtherDatabase", e.ErrorId);
            Assert.Contains("fk_outside", e.Message);
            Assert.Equal(before, State());
        }

        [Fact]
        public void ABusyTargetMakesTheSwapGiveUpQuicklyNamingTheSession()
        {
            using var reader = TestServer.Open(target);
            new MySqlCommand("START TRANSACTION; SELECT * FROM orders", reader).ExecuteNonQuery();
            var started = System.Diagnostics.Stopwatch.StartNew();
            var e = Assert.ThrowsAny<B1BackupException>(() => RestoreEngine.Execute(RestoreEngine.Prepare(Craft("CREATE TABLE orders (id INT PRIMARY KEY);")), TestServer.Settings, target, null, _ => { }, default,
                RestoreMode.Staged, new RestoreOptions { SwapLockWaitSeconds = 1 }));
            Assert.Equal("RestoreSwapFailed", e.ErrorId);
            Assert.Contains("stayed in use", e.Message);
            Assert.Contains("session", e.Message);
            new MySqlCommand("COMMIT", reader).ExecuteNonQuery();
            Assert.Equal("7", TestServer.Scalar("SELECT GROUP_CONCAT(id) FROM orders", target)?.ToString());
        }

        [Fact]
        public void ALongStatementIsRefusedWhileReadingNotLoadedIntoMemory()
        {
            string path = Path.Combine(folder, "backup_bomb.sql.gz");
            using (var file = File.Create(path))
            using (var gzip = new GZipStream(file, CompressionLevel.Optimal))
            {
                byte[] head = Encoding.ASCII.GetBytes("-- Database: shop\nINSERT INTO a VALUES ('");
                gzip.Write(head, 0, head.Length);
                byte[] block = Enumerable.Repeat((byte)'a', 1 << 20).ToArray();
                for (int i = 0; i < 200; i++)
                {
                    gzip.Write(block, 0, block.Length);
                }
            }

            File.WriteAllText(ChecksumFile.PathFor(path), ChecksumFile.FormatLine(ChecksumFile.ComputeSha256(path), Path.GetFileName(path)));
            Assert.True(new FileInfo(path).Length < 2 << 20);
            var e = Assert.ThrowsAny<B1BackupException>(() => RestoreEngine.Prepare(path));
            Assert.Equal("StatementTooLarge", e.ErrorId);
            Assert.Contains("line 1", e.Message);
            Assert.Contains("64 MB", e.Message);
        }

        [Fact]
        public void EventsAreCreatedAfterTheSwapWithTheirRecordedState()
        {
            string path = Craft("CREATE TABLE log (i INT);\nCREATE EVENT tick ON SCHEDULE EVERY 1 DAY DISABLE DO INSERT INTO log VALUES (1);");
            var result = RestoreEngine.Execute(RestoreEngine.Prepare(path), TestServer.Settings, target, null, _ => { }, default);
            Assert.True(result.Verified);
            Assert.Equal("DISABLED", TestServer.Scalar($"SELECT STATUS FROM information_schema.EVENTS WHERE EVENT_SCHEMA = '{target}' AND EVENT_NAME = 'tick'"));
            Assert.Equal(0L, Convert.ToInt64(TestServer.Scalar("SELECT COUNT(*) FROM information_schema.EVENTS WHERE EVENT_SCHEMA LIKE '%\\_\\_b1%'"), CultureInfo.InvariantCulture));
        }

        [Fact]
        public void ANameWithANewlineNeverLeavesItsCommentInTheBackup()
        {
            string source = TestServer.CreateDatabase("b1names");
            string restored = source + "_r";
            string evil = $"p\nCREATE TABLE `{victim}`.x(i int);\n#";
            try
            {
                TestServer.Execute($"CREATE TABLE `{evil.Replace("`", "``")}` (id INT PRIMARY KEY); CREATE VIEW `v\n DROP DATABASE {victim}; -- v` AS SELECT 1 AS one", source);
                var backup = TestScripts.Backup(source, folder);
                // Read as the server reads it (what gunzip | mariadb sends): the victim's name only ever stands inside a quoted name.
                using (var file = File.OpenRead(backup.FullName))
                using (var gzip = new GZipStream(file, CompressionMode.Decompress))
                {
                    var dialect = new Lexing.SqlDialect(Lexing.SqlDialect.AssumedServer);
                    int statements = 0;
                    foreach (var statement in new ScriptReader(gzip, dialect).ReadStatements())
                    {
                        statements++;
                        var tokens = Lexing.SqlLexer.Tokenize(statement.Text, dialect);
                        Assert.DoesNotContain(tokens, t => t.Kind == Lexing.SqlTokenKind.Word && (t.Name == victim || string.Equals(t.Name, "DATABASE", StringComparison.OrdinalIgnoreCase)));
                    }

                    Assert.True(statements > 5);
                }

                TestScripts.Restore(backup.FullName, restored);
                Assert.Equal(1L, Convert.ToInt64(TestServer.Scalar($"SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '{restored}' AND TABLE_NAME = '{evil.Replace("'", "''").Replace("\\", "\\\\")}'"), CultureInfo.InvariantCulture));
                Assert.Equal(0L, Convert.ToInt64(TestServer.Scalar($"SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '{victim}' AND TABLE_NAME = 'x'"), CultureInfo.InvariantCulture));
            }
            finally
            {
                TestServer.DropDatabase(source);
                TestServer.DropDatabase(restored);
            }
        }

        [Fact]
        public void CancellingStopsTheRunningStatementOnTheServer()
        {
            // Every statement of a restore runs through this: Ctrl+C sends KILL QUERY instead of waiting for the statement's end.
            using var connection = TestServer.Open(target);
            using var cancel = new System.Threading.CancellationTokenSource(TimeSpan.FromMilliseconds(500));
            var watch = System.Diagnostics.Stopwatch.StartNew();
            Assert.Throws<OperationCanceledException>(() => SnapshotSession.Execute(connection, "DO SLEEP(60)", cancel.Token));
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"the statement ran on for {watch.Elapsed}");
        }

        [Fact]
        public void AStatementLargerThanTheServersPacketSaysWhatToSet()
        {
            object before = TestServer.Scalar("SELECT @@GLOBAL.max_allowed_packet")!;
            string path = Craft("CREATE TABLE big (v LONGTEXT);\nINSERT INTO big VALUES ('" + new string('x', 3 << 20) + "');");
            TestServer.Execute("SET GLOBAL max_allowed_packet = 1048576");
            try
            {
                string state = State();
                var e = Assert.ThrowsAny<B1BackupException>(() => RestoreEngine.Execute(RestoreEngine.Prepare(path), TestServer.Settings, target, null, _ => { }, default));
                Assert.True(e.ErrorId == "StatementTooLargeForServer", e.ErrorId + ": " + e.Message);
                Assert.Contains("max_allowed_packet", e.Message);
                Assert.Contains("Nothing was changed", e.Message);
                Assert.Equal(state, State());
            }
            finally
            {
                TestServer.Execute($"SET GLOBAL max_allowed_packet = {before}");
            }
        }

        [Fact]
        public void AValueTheServerCannotRebuildFailsTheRestoreInsteadOfBecomingNull()
        {
            string source = TestServer.CreateDatabase("b1bigvalue");
            object before = TestServer.Scalar("SELECT @@GLOBAL.max_allowed_packet")!;
            try
            {
                TestServer.Execute("CREATE TABLE doc (id INT PRIMARY KEY, body LONGTEXT); INSERT INTO doc VALUES (1, REPEAT('0123456789', 600000))", source);
                var backup = TestScripts.Backup(source, folder);
                TestServer.Execute("SET GLOBAL max_allowed_packet = 4194304");
                string state = State();
                var e = Assert.ThrowsAny<B1BackupException>(() => TestScripts.Restore(backup.FullName, target));
                Assert.True(e.ErrorId == "ValueTooLargeForServer", e.ErrorId + ": " + e.Message);
                Assert.Contains("max_allowed_packet", e.Message);
                Assert.Contains("was not changed", e.Message);
                Assert.Equal(state, State());
            }
            finally
            {
                TestServer.Execute($"SET GLOBAL max_allowed_packet = {before}");
                TestServer.DropDatabase(source);
            }
        }

        [Fact]
        public void TheIndexOnAnAutoIncrementColumnComesBackExactly()
        {
            string source = TestServer.CreateDatabase("b1autoinc");
            string restored = source + "_r";
            try
            {
                TestServer.Execute("CREATE TABLE t (id INT NOT NULL AUTO_INCREMENT, a INT NOT NULL, b INT, PRIMARY KEY (a), KEY by_id (id), KEY by_b (b)); INSERT INTO t (a, b) VALUES (1, 10), (2, 20), (3, 30)", source);
                var backup = TestScripts.Backup(source, folder);
                Assert.True(TestScripts.Restore(backup.FullName, restored).Verified);
                DatabaseComparer.AssertSame(source, restored);
            }
            finally
            {
                TestServer.DropDatabase(source);
                TestServer.DropDatabase(restored);
            }
        }

        [Fact]
        public void WithTheSchedulerOnAnEventNeverRunsInTheStagingCopy()
        {
            object before = TestServer.Scalar("SELECT @@GLOBAL.event_scheduler")!;
            string source = TestServer.CreateDatabase("b1events");
            try
            {
                TestServer.Execute("CREATE TABLE rows_kept (i INT); INSERT INTO rows_kept VALUES (1),(2),(3);" +
                    "CREATE EVENT tidy ON SCHEDULE EVERY 1 SECOND DISABLE DO DELETE FROM rows_kept;" +
                    "CREATE EVENT tidy_now ON SCHEDULE EVERY 1 SECOND DO DELETE FROM rows_kept", source);
                var backup = TestScripts.Backup(source, folder);
                TestServer.Execute("SET GLOBAL event_scheduler = ON");
                // A pause after loading, before the staging copy's rows are counted, gives the scheduler every chance
                // to run an event there (it runs within about a second when one exists: checked by turning the deferral off).
                var plan = RestoreEngine.Prepare(backup.FullName);
                var result = RestoreEngine.Execute(plan, TestServer.Settings, target, null, message =>
                {
                    if (message.StartsWith("Loaded", StringComparison.Ordinal))
                    {
                        System.Threading.Thread.Sleep(2500);
                    }
                }, default);
                Assert.True(result.Verified);
                Assert.Equal("3", result.Checks.Single(c => c.Name == "Rows:rows_kept").Actual);
                Assert.Equal("DISABLED", TestServer.Scalar($"SELECT STATUS FROM information_schema.EVENTS WHERE EVENT_SCHEMA = '{target}' AND EVENT_NAME = 'tidy'"));
                Assert.Equal("ENABLED", TestServer.Scalar($"SELECT STATUS FROM information_schema.EVENTS WHERE EVENT_SCHEMA = '{target}' AND EVENT_NAME = 'tidy_now'"));
            }
            finally
            {
                TestServer.Execute($"SET GLOBAL event_scheduler = {before}");
                TestServer.DropDatabase(source);
            }
        }

        [Fact]
        public void AViewNamingItsOwnDatabaseWorksRestoredUnderAnotherName()
        {
            string path = Craft("CREATE TABLE first_table (i INT);\nINSERT INTO first_table VALUES (1),(2);\nCREATE VIEW v AS SELECT COUNT(*) AS n FROM `shop`.`first_table`;");
            Assert.True(RestoreEngine.Execute(RestoreEngine.Prepare(path), TestServer.Settings, target, null, _ => { }, default).Verified);
            Assert.Equal(2L, Convert.ToInt64(TestServer.Scalar("SELECT n FROM v", target), CultureInfo.InvariantCulture));
            Assert.DoesNotContain("`shop`", (string)TestServer.Scalar($"SELECT VIEW_DEFINITION FROM information_schema.VIEWS WHERE TABLE_SCHEMA = '{target}' AND TABLE_NAME = 'v'")!);
        }

        [Fact]
        public void ACraftedDataPartIsRefusedBeforeAnInPlaceRestoreDropsTheTarget()
        {
            string source = TestServer.CreateDatabase("b1datapart");
            try
            {
                TestServer.Execute("CREATE TABLE orders (id INT PRIMARY KEY); INSERT INTO orders VALUES (1), (2)", source);
                var backup = TestScripts.Backup(source, folder);

                // Replace the data part with one that deletes, and make the checksum, manifest and offsets match.
                var manifest = BackupManifest.TryRead(backup.FullName)!;
                byte[] file = File.ReadAllBytes(backup.FullName);
                int data = manifest.Members.FindIndex(m => m.Kind == "Data");
                byte[] evil;
                using (var buffer = new MemoryStream())
                {
                    using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
                    {
                        byte[] sql = Encoding.UTF8.GetBytes($"DELETE FROM `{victim}`.`t1`;\n");
                        gzip.Write(sql, 0, sql.Length);
                    }

                    evil = buffer.ToArray();
                }

                using (var rebuilt = new MemoryStream())
                {
                    long offset = 0;
                    for (int i = 0; i < manifest.Members.Count; i++)
                    {
                        var member = manifest.Members[i];
                        byte[] bytes = i == data ? evil : file.AsSpan((int)member.Offset, (int)member.Length).ToArray();
                        rebuilt.Write(bytes, 0, bytes.Length);
                        member.Offset = offset;
                        member.Length = bytes.Length;
                        offset += bytes.Length;
                    }

                    File.WriteAllBytes(backup.FullName, rebuilt.ToArray());
                }

                manifest.Size = new FileInfo(backup.FullName).Length;
                manifest.Sha256 = ChecksumFile.ComputeSha256(backup.FullName);
                File.WriteAllText(BackupManifest.PathFor(backup.FullName), manifest.ToJson());
                File.WriteAllText(ChecksumFile.PathFor(backup.FullName), ChecksumFile.FormatLine(manifest.Sha256, Path.GetFileName(backup.FullName)));

                string before = State();
                var e = Assert.ThrowsAny<B1BackupException>(() => RestoreEngine.Execute(RestoreEngine.Prepare(backup.FullName), TestServer.Settings, target, null, _ => { }, default, RestoreMode.InPlace));
                Assert.Equal("StatementRefused", e.ErrorId);
                Assert.Equal(before, State());
            }
            finally
            {
                TestServer.DropDatabase(source);
            }
        }

        [Fact]
        public void DataPartsCommitInPiecesWhereTheServerBoundsTransactionsAndComeBackExactly()
        {
            string source = TestServer.CreateDatabase("b1pieces");
            try
            {
                TestServer.Execute("CREATE TABLE big (id INT PRIMARY KEY, body LONGTEXT, note VARCHAR(600));" +
                    "INSERT INTO big SELECT seq, IF(seq % 1000 = 0, REPEAT('x', 1500000), NULL), REPEAT('n', 500) FROM seq_1_to_4000", source);
                var backup = TestScripts.Backup(source, folder);
                long Commits() => Convert.ToInt64(TestServer.Scalar("SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'COM_COMMIT'"), CultureInfo.InvariantCulture);

                long before = Commits();
                Assert.True(RestoreEngine.Execute(RestoreEngine.Prepare(backup.FullName), TestServer.Settings, source + "_whole", null, _ => { }, default).Verified);
                long whole = Commits() - before;

                before = Commits();
                var pieces = new RestoreOptions { TransactionBytes = 1 };
                Assert.True(RestoreEngine.Execute(RestoreEngine.Prepare(backup.FullName), TestServer.Settings, source + "_pieces", null, _ => { }, default, RestoreMode.Staged, pieces).Verified);
                long inPieces = Commits() - before;

                Assert.True(inPieces > whole + 2, $"{inPieces} commits in pieces, {whole} whole");
                DatabaseComparer.AssertSame(source, source + "_pieces");
            }
            finally
            {
                TestServer.DropDatabase(source);
                TestServer.DropDatabase(source + "_whole");
                TestServer.DropDatabase(source + "_pieces");
            }
        }

        [Fact]
        public void DefinersAreTheRestoringUserByDefault()
        {
            string path = Craft("CREATE TABLE a (i INT);\nCREATE DEFINER=`root`@`localhost` SQL SECURITY DEFINER VIEW v AS SELECT i FROM a;");
            RestoreEngine.Execute(RestoreEngine.Prepare(path), TestServer.Settings, target, null, _ => { }, default);
            string definer = (string)TestServer.Scalar($"SELECT DEFINER FROM information_schema.VIEWS WHERE TABLE_SCHEMA = '{target}' AND TABLE_NAME = 'v'")!;
            string current = (string)TestServer.Scalar("SELECT CURRENT_USER()")!;
            Assert.Equal(current, definer);
        }
    }
}
