using System;
using B1Backup.Core.Restore;
using Xunit;

namespace B1Backup.Core.Tests
{
    /// <summary>A restore only touches its target database: what passes, what is skipped, what is refused.</summary>
    [Trait("Category", "Unit")]
    public class StatementGuardTests
    {
        private static StatementAction Judge(string sql, string? source = "shop", string target = "shop_copy") =>
            new StatementGuard(source, target).Judge(new ScriptStatement(sql, 7)).Action;

        [Theory]
        [InlineData("/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */")]
        [InlineData("/*!40103 SET @OLD_TIME_ZONE=@@TIME_ZONE */")]
        [InlineData("/*!40103 SET TIME_ZONE='+00:00' */")]
        [InlineData("/*!40014 SET @OLD_UNIQUE_CHECKS=@@UNIQUE_CHECKS, UNIQUE_CHECKS=0 */")]
        [InlineData("/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO' */")]
        [InlineData("/*!40111 SET @OLD_SQL_NOTES=@@SQL_NOTES, SQL_NOTES=0 */")]
        [InlineData("/*!40000 ALTER TABLE `t` DISABLE KEYS */")]
        [InlineData("DROP TABLE IF EXISTS `t`")]
        [InlineData("CREATE TABLE `t` (`id` int(11) NOT NULL, PRIMARY KEY (`id`)) ENGINE=InnoDB")]
        [InlineData("INSERT INTO `t` VALUES (1,'a.b.c','USE other; GRANT ALL ON *.* TO x'),(2,'other.t',NULL)")]
        [InlineData("/*!50003 CREATE*/ /*!50020 DEFINER=`root`@`localhost`*/ /*!50003 TRIGGER `tr` BEFORE INSERT ON `t` FOR EACH ROW SET NEW.a = 1 */")]
        [InlineData("CREATE ALGORITHM=UNDEFINED DEFINER=`root`@`localhost` SQL SECURITY DEFINER VIEW `v` AS select `t`.`id` AS `id` from `t`")]
        [InlineData("CREATE VIEW v AS SELECT TABLE_NAME FROM information_schema.TABLES")]
        [InlineData("CREATE VIEW v AS SELECT * FROM shop_copy.t")]
        [InlineData("SET SESSION sql_mode = 'NO_AUTO_VALUE_ON_ZERO'")]
        [InlineData("SELECT SETVAL(`s`, 100, 0)")]
        [InlineData("/*M!999999\\- enable the sandbox mode */ \n-- MariaDB dump 10.19\n/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */")]
        public void DumpStatementsPass(string sql) => Assert.Equal(StatementAction.Execute, Judge(sql));

        [Theory]
        [InlineData("USE `shop`")]
        [InlineData("CREATE DATABASE /*!32312 IF NOT EXISTS*/ `shop` /*!40100 DEFAULT CHARACTER SET utf8mb4 */")]
        [InlineData("/*!40000 DROP DATABASE IF EXISTS `shop`*/")]
        [InlineData("USE shop_copy")]
        public void TheDumpsOwnDatabaseSwitchesAreSkipped(string sql) => Assert.Equal(StatementAction.SkipDatabaseSwitch, Judge(sql));

        [Fact]
        public void WithoutAManifestTheFirstDatabaseNamedIsTheSource()
        {
            var guard = new StatementGuard(null, "restored");
            Assert.Equal(StatementAction.SkipDatabaseSwitch, guard.Judge(new ScriptStatement("CREATE DATABASE IF NOT EXISTS `legacy`", 1)).Action);
            Assert.Equal(StatementAction.SkipDatabaseSwitch, guard.Judge(new ScriptStatement("USE `legacy`", 2)).Action);
            var e = Assert.ThrowsAny<B1BackupException>(() => guard.Judge(new ScriptStatement("USE `another`", 3)));
            Assert.Equal("StatementRefused", e.ErrorId);
        }

        [Theory]
        [InlineData("USE other", "names the database 'other'")]
        [InlineData("CREATE DATABASE other", "names the database 'other'")]
        [InlineData("DROP DATABASE IF EXISTS `other`", "names the database 'other'")]
        [InlineData("GRANT ALL PRIVILEGES ON *.* TO 'x'@'%'", "privileges")]
        [InlineData("REVOKE SELECT ON shop.* FROM 'x'@'%'", "privileges")]
        [InlineData("CREATE USER 'x'@'%' IDENTIFIED BY 'y'", "accounts")]
        [InlineData("ALTER USER root IDENTIFIED BY 'owned'", "accounts")]
        [InlineData("SET PASSWORD FOR root = PASSWORD('owned')", "accounts")]
        [InlineData("SET GLOBAL general_log = 1", "server-wide")]
        [InlineData("SET @@GLOBAL.max_connections = 1", "server-wide")]
        [InlineData("SET SESSION sql_mode = '', GLOBAL read_only = 1", "server-wide")]
        [InlineData("/*!40101 SET GLOBAL local_infile = 1 */", "server-wide")]
        [InlineData("LOAD DATA LOCAL INFILE '/etc/passwd' INTO TABLE t", "files")]
        [InlineData("LOAD DATA INFILE '/var/lib/mysql-files/x' INTO TABLE t", "files")]
        [InlineData("SELECT * FROM t INTO OUTFILE '/tmp/leak'", "files")]
        [InlineData("INSERT INTO t VALUES (LOAD_FILE('/etc/shadow'))", "files")]
        [InlineData("\\! rm -rf /", "client command")]
        [InlineData("source /tmp/other.sql", "client command")]
        [InlineData("INSERT INTO other.t VALUES (1)", "names the database 'other'")]
        [InlineData("INSERT INTO `other`.`t` VALUES (1)", "names the database 'other'")]
        [InlineData("UPDATE other.accounts SET balance = 0", "UPDATE statement, which a backup of a database never holds")]
        [InlineData("DELETE FROM `mysql`.`user`", "DELETE statement, which a backup of a database never holds")]
        [InlineData("CREATE VIEW v AS SELECT * FROM other.secrets", "names the database 'other'")]
        [InlineData("CREATE TRIGGER tr BEFORE INSERT ON other.t FOR EACH ROW SET NEW.a = 1", "names the database 'other'")]
        [InlineData("CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW INSERT INTO other.log VALUES (NEW.id)", "names the database 'other'")]
        [InlineData("CALL other.p()", "CALL statement, which a backup of a database never holds")]
        [InlineData("INSERT INTO shop_copy.t VALUES (1)", "names the database 'shop_copy'")]
        [InlineData("SHUTDOWN", "administers")]
        [InlineData("FLUSH PRIVILEGES", "administers")]
        [InlineData("INSTALL SONAME 'ha_connect'", "administers")]
        [InlineData("KILL 1", "administers")]
        public void StatementsThatReachElsewhereAreRefusedByName(string sql, string why)
        {
            var e = Assert.ThrowsAny<B1BackupException>(() => Judge(sql));
            Assert.Equal("StatementRefused", e.ErrorId);
            Assert.Equal(FailureKind.SecurityError, e.Kind);
            Assert.Contains(why, e.Message);
            Assert.Contains("line 7", e.Message);
        }

        [Theory]
        [InlineData("INSERT INTO `t` (`a`,`b`) VALUES (1,'x'),(2,NULL),(-3.5e-10,0x00FF),(4,'')")]
        [InlineData("INSERT INTO `t` (`a`,`b`) VALUES (1,@b1_value0)")]
        [InlineData("SET @b1_value0 = 0xDEADBEEF")]
        [InlineData("SET @b1_value0 = CONCAT(@b1_value0, 'more text; USE other')")]
        [InlineData("SET @b1_value1 = NULL")]
        public void DataPartsPassOnlyLiteralInserts(string sql) =>
            Assert.Equal(StatementAction.Execute, StatementGuard.JudgeData(new ScriptStatement(sql, 1)).Action);

        [Theory]
        [InlineData("INSERT INTO `t` (`a`,`b`) VALUES (1,'x')", "t", 1)]
        [InlineData("INSERT INTO `t``x` (`a``) VALUES (1); DROP`) VALUES (2),(3)", "t`x", 2)]
        [InlineData("INSERT INTO `VALUES (1)` (`a`,`VALUES`)VALUES\n(1,2)", "VALUES (1)", 1)]
        public void ADataInsertsHeadIsReadUpToItsOwnValues(string sql, string table, long rows)
        {
            // The head is matched in the characters and its groups read from the head alone: an identifier holding
            // "VALUES" must not end it early, and the rows start where the whole text's match ends.
            var judged = StatementGuard.JudgeData(new ScriptStatement(sql, 1));
            Assert.Equal(table, judged.InsertTable);
            Assert.Equal(rows, judged.Rows);
            Assert.Equal(sql.LastIndexOf("VALUES", StringComparison.Ordinal) + "VALUES ".Length, judged.ValuesStart);
        }

        [Theory]
        [InlineData("INSERT INTO `t` (`a`) SELECT secret FROM other.t")]
        [InlineData("INSERT INTO `t` (`a`) VALUES ((SELECT secret FROM other.t))")]
        [InlineData("INSERT INTO `t` (`a`) VALUES (LOAD_FILE('/etc/passwd'))")]
        [InlineData("INSERT INTO `t` (`a`) VALUES (USER())")]
        [InlineData("DELETE FROM `t`")]
        [InlineData("SET @b1_value0 = (SELECT secret FROM other.t)")]
        public void DataPartsRefuseAnythingElse(string sql)
        {
            var e = Assert.ThrowsAny<B1BackupException>(() => StatementGuard.JudgeData(new ScriptStatement(sql, 1)));
            Assert.Equal("StatementRefused", e.ErrorId);
        }
    }
}
