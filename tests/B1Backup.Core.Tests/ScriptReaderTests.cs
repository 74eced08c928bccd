using System.IO;
using System.Linq;
using System.Text;
using B1Backup.Core.Restore;
using Xunit;

namespace B1Backup.Core.Tests
{
    [Trait("Category", "Unit")]
    public class ScriptReaderTests
    {
        private static string[] Split(string script) => Split(Encoding.UTF8.GetBytes(script));

        /// <summary>Every script is split twice: a reader that lends its buffer must hand out the same statements.</summary>
        private static string[] Split(byte[] script)
        {
            var statements = Read(script, lendsBuffer: false);
            Assert.Equal(statements, Read(script, lendsBuffer: true));
            return statements;
        }

        private static string[] Read(byte[] script, bool lendsBuffer) =>
            new ScriptReader(new MemoryStream(script), lendsBuffer: lendsBuffer).ReadStatements().Select(s => s.Text).ToArray();

        [Fact]
        public void ALendingReaderReusesOneBufferForStatementsLongAndShort()
        {
            // A data part's statements are megabytes each: the reader decodes each into the buffer of the one before,
            // growing it when needed, instead of making a new string of each.
            string wide = "INSERT INTO `t` (`a`) VALUES " + string.Join(",", Enumerable.Range(0, 20000).Select(i => $"({i},'é€𝄞{i}')"));
            string script = "  SELECT 1 ;\n" + wide + " ;\n\t" + wide + ";\nSELECT 'ü';";
            var reader = new ScriptReader(new MemoryStream(Encoding.UTF8.GetBytes(script)), lendsBuffer: true);
            var seen = new System.Collections.Generic.List<(string Text, char[]? Buffer)>();
            foreach (var statement in reader.ReadStatements())
            {
                Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(statement.Chars, out var segment));
                seen.Add((statement.Chars.ToString(), segment.Array));
            }

            Assert.Equal(new[] { "SELECT 1", wide, wide, "SELECT 'ü'" }, seen.Select(s => s.Text));
            Assert.True(wide.Length > 1 << 16);
            // The second long statement and the short one after it are in the buffer the first long one grew.
            Assert.Same(seen[1].Buffer, seen[2].Buffer);
            Assert.Same(seen[2].Buffer, seen[3].Buffer);
        }

        [Fact]
        public void SplitsOnSemicolonsOutsideQuotes()
        {
            var statements = Split("SELECT 'a;b'; SELECT \"c;d\";\nSELECT `e;f`;");
            Assert.Equal(new[] { "SELECT 'a;b'", "SELECT \"c;d\"", "SELECT `e;f`" }, statements);
        }

        [Fact]
        public void BackslashEscapesAndDoubledQuotesStayInTheString()
        {
            var statements = Split("INSERT INTO t VALUES ('it\\'s;', 'x''y;', '\\\\');SELECT 1;");
            Assert.Equal("INSERT INTO t VALUES ('it\\'s;', 'x''y;', '\\\\')", statements[0]);
            Assert.Equal("SELECT 1", statements[1]);
        }

        [Fact]
        public void CommentsAloneAreNotStatements()
        {
            var statements = Split("-- header; comment\n# another; one\n/* block; comment */\nSELECT 1;\n-- trailing\n");
            Assert.Single(statements);
            Assert.EndsWith("SELECT 1", statements[0]);
        }

        [Fact]
        public void ExecutableCommentsAreKept()
        {
            var statements = Split("/*!40101 SET NAMES utf8mb4 */;\nINSERT INTO t VALUES (1,/*!50705 0x01,*/2);");
            Assert.Equal("/*!40101 SET NAMES utf8mb4 */", statements[0]);
            Assert.Equal("INSERT INTO t VALUES (1,/*!50705 0x01,*/2)", statements[1]);
        }

        [Fact]
        public void DelimiterChangesAsInTheMysqlClient()
        {
            string script = "DELIMITER ;;\nCREATE PROCEDURE p() BEGIN SELECT 1; /* ; */ SELECT 'x;;y'; END;;\ndelimiter $$\nCREATE FUNCTION f() RETURNS INT RETURN 1$$\nDELIMITER ;\nSELECT 2;";
            var statements = Split(script);
            Assert.Equal(3, statements.Length);
            Assert.Equal("CREATE PROCEDURE p() BEGIN SELECT 1; /* ; */ SELECT 'x;;y'; END", statements[0]);
            Assert.Equal("CREATE FUNCTION f() RETURNS INT RETURN 1", statements[1]);
            Assert.Equal("SELECT 2", statements[2]);
        }

        [Fact]
        public void TheWordDelimiterInsideAStatementIsData()
        {
            var statements = Split("INSERT INTO t VALUES ('a\nDELIMITER ;;\nb');\nSELECT 1;");
            Assert.Equal(2, statements.Length);
            Assert.Contains("DELIMITER ;;", statements[0]);
        }

        [Fact]
        public void LastStatementWithoutDelimiterIsRun()
        {
            Assert.Equal(new[] { "SELECT 1", "SELECT 2" }, Split("SELECT 1;\nSELECT 2\n"));
        }

        [Fact]
        public void DashDashWithoutSpaceIsNotAComment()
        {
            Assert.Equal(new[] { "SELECT 1--1" }, Split("SELECT 1--1;"));
        }

        [Fact]
        public void RawBinaryInsideALiteralBecomesHex()
        {
            var bytes = Encoding.UTF8.GetBytes("INSERT INTO t VALUES (1,'").Concat(new byte[] { 0xFF, 0x00, (byte)'\\', (byte)'\'', 0x80 })
                .Concat(Encoding.UTF8.GetBytes("','é');")).ToArray();
            var statements = Split(bytes);
            Assert.Equal("INSERT INTO t VALUES (1,0xFF002780,'é')", statements[0]);
        }

        [Fact]
        public void EscapesInABinaryLiteralAreReadByTheSharedTable()
        {
            // \% keeps its backslash (the server keeps it); \n is a newline; a backslash before a non-ASCII byte is dropped, as before.
            var bytes = Encoding.UTF8.GetBytes("INSERT INTO t VALUES ('").Concat(new byte[] { 0xFF, (byte)'\\', (byte)'%', (byte)'\\', (byte)'n', (byte)'\\', 0xFE, (byte)'\\', (byte)'_' })
                .Concat(Encoding.UTF8.GetBytes("');")).ToArray();
            Assert.Equal("INSERT INTO t VALUES (0xFF5C250AFE5C5F)", Split(bytes)[0]);
        }

        [Fact]
        public void UnterminatedStringIsReportedAsTruncated()
        {
            var e = Assert.ThrowsAny<B1BackupException>(() => Split("INSERT INTO t VALUES ('never closed"));
            Assert.Equal("ScriptTruncated", e.ErrorId);
        }

        [Theory]
        [InlineData("USE `shop`", StatementAction.SkipDatabaseSwitch)]
        [InlineData("CREATE DATABASE /*!32312 IF NOT EXISTS*/ `shop` /*!40100 DEFAULT CHARACTER SET utf8mb4 */", StatementAction.SkipDatabaseSwitch)]
        [InlineData("DROP SCHEMA IF EXISTS sakila", StatementAction.SkipDatabaseSwitch)]
        [InlineData("-- comment\nUSE sakila", StatementAction.SkipDatabaseSwitch)]
        [InlineData("LOCK TABLES `t` WRITE", StatementAction.SkipTableLocks)]
        [InlineData("UNLOCK TABLES", StatementAction.SkipTableLocks)]
        [InlineData("/*!40101 SET NAMES utf8 */", StatementAction.SkipCharacterSet)]
        [InlineData("/*!50003 SET character_set_client  = latin1 */", StatementAction.SkipCharacterSet)]
        [InlineData("/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */", StatementAction.Execute)]
        [InlineData("CREATE TABLE used_items (id INT)", StatementAction.Execute)]
        [InlineData("INSERT INTO t VALUES ('USE x')", StatementAction.Execute)]
        public void PolicyKeepsTheRestoreInItsDatabase(string statement, StatementAction expected) =>
            Assert.Equal(expected, new StatementGuard(null, null).Judge(new ScriptStatement(statement, 1)).Action);

        [Theory]
        [InlineData("USE `my``db`", "my`db")]
        [InlineData("USE sakila", "sakila")]
        [InlineData("/*!40000 USE `x`*/", "x")]
        [InlineData("CREATE DATABASE /*!32312 IF NOT EXISTS*/ `shop` /*!40100 DEFAULT CHARACTER SET utf8mb4 */", "shop")]
        public void ReadsTheDatabaseOfUseAndCreateDatabase(string statement, string expected)
        {
            var judged = new StatementGuard(null, null).Judge(new ScriptStatement(statement, 1));
            Assert.Equal(StatementAction.SkipDatabaseSwitch, judged.Action);
            Assert.Equal(expected, judged.Database);
        }

        [Fact]
        public void ReadsTheCharacterSetOfCreateDatabase()
        {
            var judged = new StatementGuard(null, null).Judge(new ScriptStatement("CREATE DATABASE /*!32312 IF NOT EXISTS*/ `shop` /*!40100 DEFAULT CHARACTER SET latin1 COLLATE latin1_swedish_ci */", 1));
            Assert.Equal("latin1", judged.CharacterSet);
            Assert.Equal("latin1_swedish_ci", judged.Collation);
        }
    }
}
