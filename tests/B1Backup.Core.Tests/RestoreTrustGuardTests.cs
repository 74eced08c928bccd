using B1Backup.Core.Connection;
using B1Backup.Core.Engine;
using B1Backup.Core.Lexing;
using B1Backup.Core.Restore;
using Xunit;

namespace B1Backup.Core.Tests
{
    /// <summary>
    /// Payloads of crafted backups, tried against the guard as an attacker would: each one must be
    /// refused, and where a near variant is legitimate, that variant must pass, so the test can fail.
    /// </summary>
    [Trait("Category", "Unit")]
    public class RestoreTrustGuardTests
    {
        private static StatementGuard NewGuard(RestoreOptions? options = null, string? target = "shop") =>
            new StatementGuard("shop", target, new SqlDialect(SqlDialect.AssumedServer), options);

        private static B1BackupException Refused(StatementGuard guard, string sql)
        {
            var e = Assert.ThrowsAny<B1BackupException>(() => guard.Judge(new ScriptStatement(sql, 3)));
            Assert.Equal("StatementRefused", e.ErrorId);
            Assert.Contains("line 3", e.Message);
            return e;
        }

        [Theory]
        // A second statement hidden in one (DELIMITER // makes the reader hand over the whole line).
        [InlineData("SELECT 1; DROP DATABASE victim; GRANT ALL ON *.* TO 'lim'@'%'")]
        [InlineData("SET NAMES utf8mb4; DROP DATABASE victim")]
        [InlineData("INSERT INTO t VALUES (1); DROP DATABASE victim")]
        [InlineData("CREATE TABLE t (a INT); DROP DATABASE victim")]
        [InlineData("CREATE PROCEDURE p() BEGIN SELECT 1; END; DROP DATABASE victim")]
        [InlineData("CREATE PROCEDURE p() BEGIN CASE WHEN 1 THEN SELECT 1; END CASE; END; DROP DATABASE victim")]
        [InlineData("CREATE VIEW v AS SELECT 1; DROP DATABASE victim")]
        // Dynamic SQL, whatever wraps it.
        [InlineData("EXECUTE IMMEDIATE 'DROP DATABASE victim'")]
        [InlineData("PREPARE s FROM 'DROP DATABASE victim'")]
        [InlineData("EXECUTE s")]
        [InlineData("EXECUTE IMMEDIATE 'SELECT 1 INTO DUMPFILE ''/tmp/pwned.txt'''")]
        [InlineData("CREATE PROCEDURE p() BEGIN PREPARE s FROM @q; EXECUTE s; END")]
        [InlineData("CREATE PROCEDURE p() BEGIN EXECUTE IMMEDIATE CONCAT('DROP ', 'DATABASE victim'); END")]
        // Other databases, however they are quoted or listed.
        [InlineData("DROP TABLE`victim`.`t3`")]
        [InlineData("DROP TABLE IF EXISTS x, victim.t2")]
        [InlineData("DROP TABLE IF EXISTS /*!1000000a, victim.t3 */")]
        [InlineData("DROP TABLE victim . t1")]
        [InlineData("TRUNCATE victim.t1")]
        [InlineData("INSERT victim.t1 VALUES(9,'pwned')")]
        [InlineData("INSERT IGNORE INTO victim.t1 VALUES(9,'pwned')")]
        [InlineData("UPDATE IGNORE victim.t1 SET v = 'pwned'")]
        [InlineData("RENAME TABLE orders TO o2, o2 TO orders, `victim`.`secrets` TO stolen")]
        [InlineData("CREATE TABLE stolen2 AS SELECT * FROM`victim`.`secrets`")]
        [InlineData("CREATE TABLE stolen3 SELECT 1")]
        [InlineData("CREATE TABLE stolen4 LIKE victim.secrets")]
        [InlineData("ALTER TABLE t RENAME TO victim.t")]
        [InlineData("CREATE TABLE t (a INT, FOREIGN KEY (a) REFERENCES victim.t(id))")]
        [InlineData("INSERT INTO t VALUES ((SELECT secret FROM victim.t))")]
        [InlineData("INSERT INTO t SELECT * FROM victim.secrets")]
        [InlineData("REPLACE INTO t VALUES (LOAD_FILE('/etc/passwd'))")]
        // Server-wide settings and accounts.
        [InlineData("SET GLOBAL `max_connections`=7")]
        [InlineData("SET GLOBAL `read_only`=1")]
        [InlineData("SET @@global . read_only = 1")]
        [InlineData("SET SESSION sql_mode = '', @@GLOBAL.event_scheduler = ON")]
        [InlineData("SET GLOBAL event_scheduler = ON")]
        [InlineData("SET @@persist.max_connections = 7")]
        [InlineData("SET max_connections = 7")]
        [InlineData("SET STATEMENT max_statement_time=1 FOR DROP DATABASE victim")]
        [InlineData("SET sql_mode = CONCAT(@@sql_mode, ',ANSI_QUOTES')")]
        [InlineData("SET sql_mode = (SELECT 'ANSI_QUOTES')")]
        [InlineData("SET sql_mode = @never_set")]
        [InlineData("SET sql_mode = DEFAULT")]
        [InlineData("SET character_set_client = gbk, sql_mode = ''")]
        [InlineData("CREATE USER lim IDENTIFIED BY 'x'")]
        [InlineData("GRANT ALL ON *.* TO 'lim'@'%'")]
        [InlineData("CREATE OR REPLACE USER lim")]
        // Stored code that escapes its database or raises its privileges.
        [InlineData("CREATE DEFINER=`root`@`localhost` PROCEDURE p() BEGIN GRANT ALL ON *.* TO 'lim'@'%'; END")]
        [InlineData("CREATE DEFINER=`root`@`localhost` SQL SECURITY DEFINER VIEW v AS SELECT user, password FROM mysql.user")]
        [InlineData("CREATE VIEW v AS SELECT * FROM `mysql` . `user`")]
        [InlineData("CREATE EVENT e ON SCHEDULE AT CURRENT_TIMESTAMP + INTERVAL 3 SECOND DO DROP DATABASE victim")]
        [InlineData("CREATE EVENT e ON SCHEDULE EVERY 1 DAY DO SET GLOBAL event_scheduler = ON")]
        [InlineData("CREATE TRIGGER tr AFTER INSERT ON t FOR EACH ROW INSERT INTO victim.log VALUES (NEW.id)")]
        [InlineData("CREATE TRIGGER tr AFTER INSERT ON victim.t FOR EACH ROW SET @x = 1")]
        [InlineData("CREATE FUNCTION f() RETURNS INT RETURN victim.g()")]
        [InlineData("CREATE PROCEDURE p() SELECT * FROM a.b.c")]
        [InlineData("CREATE PROCEDURE p() BEGIN DROP DATABASE victim; END")]
        [InlineData("CREATE PROCEDURE p() BEGIN SELECT 1 INTO OUTFILE '/tmp/x'; END")]
        [InlineData("CREATE PROCEDURE p() BEGIN SHUTDOWN; END")]
        [InlineData("CREATE FUNCTION sys_exec RETURNS INTEGER SONAME 'lib_mysqludf_sys.so'")]
        [InlineData("CREATE AGGREGATE FUNCTION f RETURNS REAL SONAME 'udf.so'")]
        [InlineData("CREATE SERVER s FOREIGN DATA WRAPPER mysql OPTIONS (HOST '127.0.0.1')")]
        // Engines and options that reach other servers and files.
        [InlineData("CREATE TABLE t (a INT) ENGINE=FEDERATED CONNECTION='mysql://root@127.0.0.1/victim/t'")]
        [InlineData("CREATE TABLE t (a INT) ENGINE = CONNECT TABLE_TYPE=CSV FILE_NAME='/etc/passwd'")]
        [InlineData("CREATE TABLE t (a INT) DATA DIRECTORY = '/tmp'")]
        [InlineData("ALTER TABLE t ENGINE=SPIDER")]
        // Text the server and a careless reader would split differently.
        [InlineData("INSERT INTO t VALUES (1) /*!99999 ' */ ; DROP DATABASE victim; -- ' */")]
        [InlineData("INSERT INTO t VALUES (1) /*!50000 /*!50000 x */ */")]
        [InlineData("INSERT INTO t VALUES (1) */ DROP DATABASE victim")]
        [InlineData("INSERT INTO t VALUES ('x') \\! rm -rf /")]
        [InlineData("INSERT INTO t VALUES (1) --\u0001x\n; DROP DATABASE victim")]
        [InlineData("INSERT INTO t VALUES ('never closed)")]
        [InlineData("INSERT INTO t VALUES (1) /* never closed")]
        [InlineData("DO SETVAL(victim.s, 1, 0)")]
        [InlineData("SELECT SETVAL(s, (SELECT 1), 0)")]
        [InlineData("CALL p()")]
        [InlineData("HANDLER victim.t OPEN")]
        public void CraftedStatementsAreRefused(string sql) => Refused(NewGuard(), sql);

        [Theory]
        [InlineData("CREATE PROCEDURE p() BEGIN SELECT 1; END")]
        [InlineData("CREATE PROCEDURE p() BEGIN CASE WHEN 1 THEN SELECT 1; END CASE; IF 1 THEN SELECT 2; END IF; END")]
        [InlineData("CREATE FUNCTION f(x INT) RETURNS INT DETERMINISTIC BEGIN RETURN CASE x WHEN 1 THEN 2 ELSE 3 END; END")]
        [InlineData("CREATE VIEW v AS SELECT t.a, CASE WHEN t.a > 1 THEN 'big' END AS size FROM t")]
        [InlineData("CREATE VIEW v AS SELECT TABLE_NAME FROM information_schema.TABLES")]
        [InlineData("DROP TABLE IF EXISTS x, shop.t2")]
        [InlineData("INSERT INTO t VALUES (1,'a; DROP DATABASE victim'),(2,_binary 'x'),(3,X'00ff'),(-4.5e-3,b'101'),(5,N'n'),(6,NULL)")]
        [InlineData("INSERT INTO t VALUES (1) --\u000bcomment that hides nothing")]
        [InlineData("CREATE TABLE t (a INT) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4")]
        [InlineData("SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO'")]
        [InlineData("SET @@SESSION.SQL_LOG_BIN= 0")]
        [InlineData("SET @@GLOBAL.GTID_PURGED=/*!80000 '+'*/ '3E11FA47-71CA-11E1-9E33-C80AA9429562:1-5'")]
        [InlineData("DO SETVAL(`s`, 1001, 0)")]
        public void LegitimateNeighboursPass(string sql) => NewGuard().Judge(new ScriptStatement(sql, 1));

        [Fact]
        public void NoBackslashEscapesIsFollowedSoAStringEndsWhereTheServerEndsIt()
        {
            const string Insert = "INSERT INTO t VALUES ('x\\'); DROP DATABASE victim; -- ')";
            Assert.Equal(StatementAction.Execute, NewGuard().Judge(new ScriptStatement(Insert, 1)).Action);
            var guard = NewGuard();
            guard.Judge(new ScriptStatement("SET sql_mode='NO_BACKSLASH_ESCAPES'", 1));
            Refused(guard, Insert);
        }

        [Fact]
        public void AnsiQuotesIsFollowedSoDoubleQuotedNamesAreNames()
        {
            const string Drop = "DROP TABLE \"victim\".\"t1\"";
            Assert.Equal(StatementAction.Execute, NewGuard().Judge(new ScriptStatement("INSERT INTO t VALUES (\"victim\", \"t1\")", 1)).Action);
            var guard = NewGuard();
            guard.Judge(new ScriptStatement("SET sql_mode='ANSI_QUOTES'", 1));
            Refused(guard, Drop);
            Refused(guard, "INSERT INTO t VALUES (\"victim\", \"t1\")");
        }

        [Fact]
        public void AQuotedUserVariableFollowsTheQuotingRules()
        {
            var guard = NewGuard();
            guard.Judge(new ScriptStatement("SET sql_mode = 'ANSI_QUOTES'", 1));
            // Under ANSI_QUOTES, "a\" is a name that ends at the second quote; the ';' after it is a second statement.
            Refused(guard, "SET @\"a\\\" = 1; DROP DATABASE victim; -- \" = 2");
            Assert.Equal(StatementAction.Execute, NewGuard().Judge(new ScriptStatement("SET @\"a\\\" = 1; DROP DATABASE victim; -- \" = 2", 1)).Action);
        }

        [Fact]
        public void ASavedSqlModeComesBackAndANewSessionStartsClean()
        {
            var guard = NewGuard();
            guard.Judge(new ScriptStatement("SET @saved_sql_mode = @@sql_mode", 1));
            guard.Judge(new ScriptStatement("SET sql_mode = 'ANSI_QUOTES,NO_BACKSLASH_ESCAPES'", 2));
            Assert.True(guard.Dialect.AnsiQuotes && guard.Dialect.NoBackslashEscapes);
            guard.Judge(new ScriptStatement("SET sql_mode = @saved_sql_mode", 3));
            Assert.False(guard.Dialect.AnsiQuotes || guard.Dialect.NoBackslashEscapes);
            guard.Judge(new ScriptStatement("SET sql_mode = 'ORACLE'", 4));
            Assert.True(guard.Dialect.AnsiQuotes);
            guard.BeginSession();
            Assert.False(guard.Dialect.AnsiQuotes);
        }

        [Fact]
        public void DefinersBecomeTheRestoringUserUnlessKept()
        {
            const string Create = "/*!50003 CREATE*/ /*!50017 DEFINER=`root`@`localhost`*/ /*!50003 TRIGGER tr BEFORE INSERT ON t FOR EACH ROW SET NEW.a = 1 */";
            string stripped = NewGuard().Judge(new ScriptStatement(Create, 1)).Sql;
            Assert.DoesNotContain("DEFINER", stripped);
            Assert.DoesNotContain("root", stripped);
            Assert.Contains("TRIGGER tr", stripped);
            Assert.Contains("DEFINER=`root`@`localhost`", NewGuard(new RestoreOptions { KeepDefiners = true }).Judge(new ScriptStatement(Create, 1)).Sql);
            string view = NewGuard().Judge(new ScriptStatement("CREATE ALGORITHM=UNDEFINED DEFINER='root'@'%' SQL SECURITY DEFINER VIEW v AS SELECT 1", 1)).Sql;
            Assert.DoesNotContain("root", view);
            Assert.Contains("SQL SECURITY DEFINER VIEW v", view);
        }

        [Fact]
        public void TheBackupsOwnQualifierIsLeftOutSoStatementsLandInStaging()
        {
            var judged = NewGuard(target: "drill").Judge(new ScriptStatement("INSERT INTO `shop`.`t` VALUES (1)", 1));
            Assert.DoesNotContain("shop", judged.Sql);
            Refused(NewGuard(target: "drill"), "INSERT INTO `drill`.`t` VALUES (1)");
        }

        [Fact]
        public void CodeThatNamesItsOwnDatabaseIsRestoredUnderTheNewName()
        {
            var guard = NewGuard(target: "drill");
            string view = guard.Judge(new ScriptStatement("CREATE VIEW v AS SELECT `shop`.`t`.`a`, shop.f(1) AS b FROM `shop`.`t` JOIN shop.u ON u.id = t.id", 1)).Sql;
            Assert.DoesNotContain("shop", view);
            Assert.Contains("`t`.`a`", view);
            Assert.Contains("f(1)", view);
            // An alias that happens to be called like the database stays as written.
            string alias = guard.Judge(new ScriptStatement("CREATE VIEW w AS SELECT shop.a FROM t AS shop", 1)).Sql;
            Assert.Contains("shop.a", alias);
            Refused(NewGuard(target: "drill"), "CREATE VIEW x AS SELECT * FROM other.t");
        }

        [Fact]
        public void TrustedStoredCodeMayNameOtherDatabasesButNeverHideASecondStatement()
        {
            var trusted = NewGuard(new RestoreOptions { TrustStoredCode = true });
            trusted.Judge(new ScriptStatement("CREATE PROCEDURE p() BEGIN PREPARE s FROM @q; EXECUTE s; END", 1));
            trusted.Judge(new ScriptStatement("CREATE VIEW v AS SELECT * FROM other.t", 1));
            Refused(trusted, "CREATE PROCEDURE p() BEGIN SELECT 1; END; DROP DATABASE victim");
            Refused(trusted, "DROP TABLE victim.t");
        }

        [Fact]
        public void StoredCodeNamingADatabaseOfTheServerIsRefusedEvenInAColumnList()
        {
            var guard = NewGuard();
            Assert.Equal(StatementAction.Execute, guard.Judge(new ScriptStatement("CREATE VIEW v AS SELECT a.x FROM t a, u", 1)).Action);
            guard.OtherDatabases.Add("victim");
            Refused(guard, "CREATE VIEW v AS SELECT * FROM t, victim.secrets");
        }

        [Fact]
        public void ObjectsAreCreatedUnderTheCharacterSetTheScriptNamesButTheLoaderNeverRunsThoseSets()
        {
            var guard = NewGuard();
            Assert.Equal(StatementAction.SkipCharacterSet, guard.Judge(new ScriptStatement("/*!50003 SET character_set_client  = utf8mb3 */", 1)).Action);
            Assert.Equal(StatementAction.SkipCharacterSet, guard.Judge(new ScriptStatement("/*!50003 SET collation_connection  = utf8mb3_unicode_ci */", 2)).Action);
            var view = guard.Judge(new ScriptStatement("CREATE VIEW v AS SELECT 1", 3));
            Assert.Equal("utf8mb3", view.ObjectCharacterSetClient);
            Assert.Equal("utf8mb3_unicode_ci", view.ObjectCollationConnection);
            Assert.Equal("SET SESSION character_set_client = 'utf8mb3', SESSION collation_connection = 'utf8mb3_unicode_ci'", ObjectCharset.SetStatement(view.ObjectCharacterSetClient, view.ObjectCollationConnection));

            // mysqldump puts the saved values back through variables: the loader's own utf8mb4 again.
            guard.Judge(new ScriptStatement("SET character_set_client = @saved_cs_client", 4));
            guard.Judge(new ScriptStatement("SET collation_connection = @saved_col_connection", 5));
            var after = guard.Judge(new ScriptStatement("CREATE VIEW w AS SELECT 1", 6));
            Assert.Null(ObjectCharset.SetStatement(after.ObjectCharacterSetClient, after.ObjectCollationConnection));

            // SET NAMES names both; a non-UTF-8 client set is never run (UTF-8 text read as latin1 is garbled).
            guard.Judge(new ScriptStatement("SET NAMES latin1 COLLATE latin1_bin", 7));
            var latin = guard.Judge(new ScriptStatement("CREATE PROCEDURE p() SELECT 1", 8));
            Assert.Equal("SET SESSION collation_connection = 'latin1_bin'", ObjectCharset.SetStatement(latin.ObjectCharacterSetClient, latin.ObjectCollationConnection));

            // A value that is not a collation name never reaches the server.
            guard.Judge(new ScriptStatement("SET collation_connection = 'utf8mb4_bin'', GLOBAL max_connections = ''1'", 9));
            var crafted = guard.Judge(new ScriptStatement("CREATE VIEW x AS SELECT 1", 10));
            Assert.Equal("utf8mb4_bin', GLOBAL max_connections = '1", crafted.ObjectCollationConnection);
            Assert.Null(ObjectCharset.SetStatement(crafted.ObjectCharacterSetClient, crafted.ObjectCollationConnection));

            // mysqldump's ALTER DATABASE around a routine is never run; the routine is created under its collation.
            Assert.Equal(StatementAction.SkipDatabaseSwitch, guard.Judge(new ScriptStatement("ALTER DATABASE `shop` CHARACTER SET latin1 COLLATE latin1_swedish_ci", 11)).Action);
            Assert.Equal("latin1_swedish_ci", guard.Judge(new ScriptStatement("CREATE FUNCTION f() RETURNS INT RETURN 1", 12)).ObjectDatabaseCollation);
            Assert.Null(guard.Judge(new ScriptStatement("CREATE VIEW y AS SELECT 1", 13)).ObjectDatabaseCollation);
            Assert.ThrowsAny<B1BackupException>(() => guard.Judge(new ScriptStatement("ALTER DATABASE `victim` COLLATE latin1_bin", 14)));
            guard.Judge(new ScriptStatement("ALTER DATABASE COLLATE = 'latin1_bin; DROP DATABASE victim'", 15));
            Assert.Null(ObjectCharset.AlterDatabaseCollation(guard.Judge(new ScriptStatement("CREATE PROCEDURE q() SELECT 1", 16)).ObjectDatabaseCollation));
        }

        [Fact]
        public void EventsAreMarkedSoTheyAreCreatedOnlyAfterTheSwap()
        {
            var judged = NewGuard().Judge(new ScriptStatement("CREATE EVENT e ON SCHEDULE EVERY 1 DAY DO INSERT INTO log VALUES (1)", 1));
            Assert.True(judged.CreatesEvent);
            Assert.Equal("e", judged.ObjectName);
        }

        [Fact]
        public void ExecutableCommentsAreReadAsEachServerReadsThem()
        {
            var maria = new SqlDialect(new ServerFlavor(ServerKind.MariaDb, new System.Version(10, 11, 6), "10.11.6-MariaDB"));
            var mysql = new SqlDialect(new ServerFlavor(ServerKind.MySql, new System.Version(8, 0, 36), "8.0.36"));
            var tidb = new SqlDialect(new ServerFlavor(ServerKind.TiDb, new System.Version(7, 5, 1), "8.0.11-TiDB-v7.5.1"));
            int Words(string sql, SqlDialect d) => SqlLexer.Tokenize(sql, d).Count;
            Assert.Equal(1, Words("/*!40101 x */", maria));
            Assert.Equal(0, Words("/*!80016 x */", maria));  // MySQL 5.7+ versions: MariaDB skips them
            Assert.Equal(1, Words("/*M!80016 x */", maria));
            Assert.Equal(0, Words("/*M!999999 x */", maria));
            Assert.Equal(1, Words("/*!100100 x */", maria));
            Assert.Equal(1, Words("/*!1000000a */", maria));  // six digits are the version; the seventh starts the code ("0a")
            Assert.Equal(0, Words("/*!100000 */", maria));
            Assert.Equal(1, Words("/*!80016 x */", mysql));
            Assert.Equal(0, Words("/*M!100100 x */", mysql));
            Assert.Throws<SqlLexException>(() => Words("/*!100100 x */", mysql));
            Assert.Equal(1, Words("/*T![placement] x */", tidb));
            Assert.Equal(1, Words("/*!80016 x */", tidb));  // TiDB runs every /*! comment, whatever its version
            Assert.Throws<SqlLexException>(() => Words("/*T![not_a_feature] ' */ ; DROP DATABASE victim; -- ' */", tidb));
            Assert.Equal(0, Words("/*T![placement] x */", maria));
            Assert.Equal(0, Words("/*!99999 /* nested */ x */", maria));
        }

        [Theory]
        [InlineData("SELECT 1 -- ; DROP", 2)]
        [InlineData("SELECT 1 --\t; DROP", 2)]
        [InlineData("SELECT 1 --\u000b; DROP", 2)]
        [InlineData("SELECT 1 --x; DROP", 7)]
        [InlineData("SELECT 1 # ; DROP", 2)]
        [InlineData("SELECT 1 /* ; */ , 2", 4)]
        public void CommentsEndWhereTheServerEndsThem(string sql, int tokens) =>
            Assert.Equal(tokens, SqlLexer.Tokenize(sql, new SqlDialect(SqlDialect.AssumedServer)).Count);

        [Fact]
        public void ExcerptsInRefusalsCannotForgeLogLines()
        {
            var e = Refused(NewGuard(), "DROP TABLE victim.t\n[OK] restore verified");
            Assert.DoesNotContain("\n", e.Message);
        }

        [Fact]
        public void DataPartsRefuseCommentsThatCouldHideText()
        {
            var guard = NewGuard();
            Assert.ThrowsAny<B1BackupException>(() => StatementGuard.JudgeData(new ScriptStatement("INSERT INTO `t` (`a`) VALUES (1) -- x", 1)));
            Assert.Equal(StatementAction.Execute, StatementGuard.JudgeData(new ScriptStatement("SET @b1_value0 = CONCAT(@b1_value0, 'it''s; DROP DATABASE victim')", 1)).Action);
            Assert.ThrowsAny<B1BackupException>(() => StatementGuard.JudgeData(new ScriptStatement("SET @b1_value0 = CONCAT(@b1_value0, 'x'); DROP DATABASE victim", 1)));
        }
    }
}

namespace B1Backup.Core.Tests
{
    [Trait("Category", "Unit")]
    public class PerServerRestoreTests
    {
        [Theory]
        [InlineData("CREATE PROCEDURE p() SELECT 1")]
        [InlineData("CREATE FUNCTION f() RETURNS INT RETURN 1")]
        [InlineData("CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW SET NEW.a = 1")]
        [InlineData("CREATE EVENT e ON SCHEDULE EVERY 1 DAY DO DELETE FROM t")]
        public void RoutinesTriggersAndEventsAreRefusedBeforeLoadingIntoTidb(string sql)
        {
            var tidb = new SqlDialect(ServerFlavor.FromVersion("8.0.11-TiDB-v7.5.1"));
            var e = Assert.ThrowsAny<B1BackupException>(() => new StatementGuard("shop", "shop", tidb).Judge(new ScriptStatement(sql, 4)));
            Assert.Contains("has no stored", e.Message);
            Assert.Equal(StatementAction.Execute, new StatementGuard("shop", "shop", tidb).Judge(new ScriptStatement("CREATE VIEW v AS SELECT 1", 4)).Action);
            Assert.Equal(StatementAction.Execute, new StatementGuard("shop", "shop").Judge(new ScriptStatement(sql, 4)).Action);
        }

        [Theory]
        [InlineData("10.11.6-MariaDB", "DO SETVAL(`s`, 1001, 0)", "DO SETVAL(`s`, 1001, 0)")]
        [InlineData("8.0.11-TiDB-v7.5.1", "DO SETVAL(`s`, 1001, 0)", "DO SETVAL(`s`, 1001 )")]
        [InlineData("8.0.11-TiDB-v7.5.1", "SELECT SETVAL(`s`, 1001, 0, 3)", "SELECT SETVAL(`s`, 1001 )")]
        [InlineData("8.0.11-TiDB-v7.5.1", "SELECT SETVAL(`s`, 1001)", "SELECT SETVAL(`s`, 1001)")]
        public void SequencePositionsAreSetTheWayEachServerTakesThem(string version, string sql, string expected)
        {
            var dialect = new SqlDialect(ServerFlavor.FromVersion(version));
            var judged = new StatementGuard("shop", "shop", dialect).Judge(new ScriptStatement(sql, 4));
            Assert.Equal(StatementAction.Execute, judged.Action);
            Assert.Equal(expected, judged.Sql);
            // Still only numbers: a third argument is no place to hide a call.
            Assert.ThrowsAny<B1BackupException>(() => new StatementGuard("shop", "shop", dialect).Judge(new ScriptStatement("DO SETVAL(`s`, 1001, SLEEP(5))", 4)));
        }

        [Theory]
        [InlineData("10.11.6-MariaDB", "SELECT next_not_cached_value FROM `s`", "DO SETVAL(`s`, 42, 0)")]
        [InlineData("8.0.11-TiDB-v6.5.0", "SHOW TABLE `s` NEXT_ROW_ID", "SELECT SETVAL(`s`, 42)")]
        [InlineData("5.7.25-TiDB-v4.0.16", "SHOW TABLE `s` NEXT_ROW_ID", "SELECT SETVAL(`s`, 42)")]
        [InlineData("8.0.36", null, "DO SETVAL(`s`, 42, 0)")]
        [InlineData("10.2.44-MariaDB", null, "DO SETVAL(`s`, 42, 0)")]
        public void SequencePositionsAreReadAndWrittenPerServer(string version, string? query, string statement)
        {
            var flavor = ServerFlavor.FromVersion(version);
            Assert.Equal(query, flavor.SequencePositionQuery("s"));
            Assert.Equal(query != null, flavor.HasSequences);
            Assert.Equal(statement, flavor.SequencePositionStatement("s", "42"));
        }

        [Fact]
        public void TidbTableCachingWaitsForTheSwapAndIsSkippedElsewhere()
        {
            var tidb = new SqlDialect(ServerFlavor.FromVersion("8.0.11-TiDB-v7.5.1"));
            var judged = new StatementGuard("shop", "copy", tidb).Judge(new ScriptStatement("ALTER TABLE `shop`.`rates` CACHE", 9));
            Assert.Equal(StatementAction.Execute, judged.Action);
            Assert.True(judged.CachesTable);
            Assert.True(judged.RunsAfterSwap);
            Assert.Equal("rates", judged.Table);
            Assert.DoesNotContain("shop", judged.Sql);

            var mariadb = new StatementGuard("shop", "copy").Judge(new ScriptStatement("ALTER TABLE `rates` CACHE", 9));
            Assert.Equal(StatementAction.SkipServerFeature, mariadb.Action);

            // Only the table's own name and the one word: anything more is an ordinary ALTER TABLE, run in staging.
            var other = new StatementGuard("shop", "copy", tidb).Judge(new ScriptStatement("ALTER TABLE `rates` ADD KEY k (a)", 9));
            Assert.False(other.RunsAfterSwap);
            Assert.ThrowsAny<B1BackupException>(() => new StatementGuard("shop", "copy", tidb).Judge(new ScriptStatement("ALTER TABLE `victim`.`rates` CACHE", 9)));
        }

        [Theory]
        [InlineData("cached=on", true)]
        [InlineData("partitioned cached=on", true)]
        [InlineData("cached=off", false)]
        [InlineData("", false)]
        [InlineData("partitioned", false)]
        public void TidbReportsCachedTablesInTheirCreateOptions(string options, bool cached) =>
            Assert.Equal(cached, CatalogReader.IsCachedTable(options));

        [Theory]
        [InlineData("10.11.6-MariaDB", 1)]
        [InlineData("8.0.36", 1)]
        [InlineData("8.0.11-TiDB-v6.2.0", 1)]
        [InlineData("5.7.25-TiDB-v6.1.7", 2)]
        [InlineData("5.7.25-TiDB-v5.4.3", 2)]
        public void DeferredKeysAreAddedOnePerStatementWhereTheServerTakesOneChangeAtATime(string version, int statements)
        {
            const string Create = "CREATE TABLE `t` (\n  `id` int(11) NOT NULL,\n  `a` int(11) DEFAULT NULL,\n  `b` int(11) DEFAULT NULL,\n  PRIMARY KEY (`id`),\n  KEY `by_a` (`a`),\n  KEY `by_b` (`b`)\n) ENGINE=InnoDB";
            Assert.True(IndexDeferral.TrySplit(Create, ServerFlavor.FromVersion(version).AddsSeveralKeysInOneAlter, out _, out var addKeys));
            Assert.Equal(statements, addKeys.Count);
            Assert.Equal(statements == 1
                ? new[] { "ALTER TABLE `t` ADD KEY `by_a` (`a`), ADD KEY `by_b` (`b`)" }
                : new[] { "ALTER TABLE `t` ADD KEY `by_a` (`a`)", "ALTER TABLE `t` ADD KEY `by_b` (`b`)" }, addKeys);
        }

        [Fact]
        public void TidbTtlTablesAreLoadedWithTtlOffAndTurnedOnAfterTheSwap()
        {
            var tidb = new SqlDialect(ServerFlavor.FromVersion("8.0.11-TiDB-v7.5.1"));
            const string Create = "CREATE TABLE `events` (\n  `id` bigint NOT NULL,\n  `at` datetime DEFAULT NULL,\n  PRIMARY KEY (`id`)\n) ENGINE=InnoDB " +
                "/*T![ttl] TTL=`at` + INTERVAL 3 MONTH */ /*T![ttl] TTL_ENABLE='ON' */ /*T![ttl] TTL_JOB_INTERVAL='1h' */";
            var judged = new StatementGuard("shop", "copy", tidb).Judge(new ScriptStatement(Create, 3));
            Assert.True(judged.EnablesTtlAfterSwap);
            Assert.Contains("TTL_ENABLE='OFF'", judged.Sql);
            Assert.DoesNotContain("'ON'", judged.Sql);
            Assert.Equal("ALTER TABLE `events` TTL_ENABLE = 'ON'", DeferredStatement.TtlFor(judged.Table!).Sql);

            // TTL without TTL_ENABLE is on by default: it is turned off explicitly.
            var implicitOn = new StatementGuard("shop", "copy", tidb).Judge(new ScriptStatement("CREATE TABLE t (at datetime) TTL = at + INTERVAL 1 DAY", 3));
            Assert.True(implicitOn.EnablesTtlAfterSwap);
            Assert.EndsWith("TTL_ENABLE='OFF'", implicitOn.Sql);

            // Off in the backup: stays off, nothing turned on later.
            var off = new StatementGuard("shop", "copy", tidb).Judge(new ScriptStatement(Create.Replace("'ON'", "'OFF'"), 3));
            Assert.False(off.EnablesTtlAfterSwap);

            // A column or CHECK with the same words is not a table option.
            var check = new StatementGuard("shop", "copy", tidb).Judge(new ScriptStatement("CREATE TABLE t (ttl_enable VARCHAR(3), CHECK (ttl_enable = 'ON'))", 3));
            Assert.False(check.EnablesTtlAfterSwap);
            Assert.Contains("= 'ON'", check.Sql);

            // Other servers have no TTL: their statements are not touched.
            var mariadb = new StatementGuard("shop", "copy").Judge(new ScriptStatement("CREATE TABLE t (ttl_enable VARCHAR(3) DEFAULT 'ON')", 3));
            Assert.False(mariadb.EnablesTtlAfterSwap);
            Assert.Contains("'ON'", mariadb.Sql);
        }

        [Fact]
        public void TheOnlyKeyOnTheAutoIncrementColumnIsNotDeferred()
        {
            const string Create = "CREATE TABLE `t` (\n  `id` int(11) NOT NULL AUTO_INCREMENT,\n  `a` int(11) NOT NULL,\n  `b` int(11) DEFAULT NULL,\n  PRIMARY KEY (`a`),\n  KEY `by_id` (`id`),\n  KEY `by_b` (`b`)\n) ENGINE=InnoDB";
            Assert.True(IndexDeferral.TrySplit(Create, out string withoutKeys, out string addKeys));
            Assert.Contains("KEY `by_id` (`id`)", withoutKeys);
            Assert.DoesNotContain("by_b", withoutKeys);
            Assert.Equal("ALTER TABLE `t` ADD KEY `by_b` (`b`)", addKeys);

            const string Sysbench = "CREATE TABLE `sbtest1` (\n  `id` int(11) NOT NULL AUTO_INCREMENT,\n  `k` int(11) NOT NULL DEFAULT 0,\n  `c` char(120) NOT NULL DEFAULT '',\n  `pad` char(60) NOT NULL DEFAULT '' COMMENT 'a, b (c)',\n  PRIMARY KEY (`id`),\n  KEY `k_1` (`k`)\n) ENGINE=InnoDB AUTO_INCREMENT=250001 DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci";
            Assert.True(IndexDeferral.TrySplit(Sysbench, out string sysbenchTable, out string sysbenchKeys));
            Assert.Equal("CREATE TABLE `sbtest1` (\n  `id` int(11) NOT NULL AUTO_INCREMENT,\n  `k` int(11) NOT NULL DEFAULT 0,\n  `c` char(120) NOT NULL DEFAULT '',\n  `pad` char(60) NOT NULL DEFAULT '' COMMENT 'a, b (c)',\n  PRIMARY KEY (`id`)\n) ENGINE=InnoDB AUTO_INCREMENT=250001 DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci", sysbenchTable);
            Assert.Equal("ALTER TABLE `sbtest1` ADD KEY `k_1` (`k`)", sysbenchKeys);
            Assert.False(IndexDeferral.TrySplit("CREATE TABLE `f` (\n  `a` int,\n  KEY `k` (`a`),\n  CONSTRAINT `fk` FOREIGN KEY (`a`) REFERENCES `g` (`a`)\n) ENGINE=InnoDB", out _, out _));

            const string Keyed = "CREATE TABLE `u` (\n  `id` int(11) NOT NULL AUTO_INCREMENT,\n  `b` int(11) DEFAULT NULL,\n  PRIMARY KEY (`id`),\n  KEY `by_id_b` (`id`,`b`)\n) ENGINE=InnoDB";
            Assert.True(IndexDeferral.TrySplit(Keyed, out _, out string addBoth));
            Assert.Equal("ALTER TABLE `u` ADD KEY `by_id_b` (`id`,`b`)", addBoth);
        }
    }
}
