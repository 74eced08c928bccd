using System;
using System.Collections.Generic;
using System.Text;
using B1Backup.Core.Engine;
using B1Backup.Core.Restore;
using Xunit;

namespace B1Backup.Core.Tests
{
    /// <summary>
    /// The rows a prepared INSERT sends are exactly what the server would read from the same text; anything
    /// the reader is not sure of leaves the statement to the text path (false), never to a guess.
    /// </summary>
    public class PreparedInsertsTests
    {
        private static List<object> Read(string values, out int columns, out List<int> rowStarts)
        {
            var read = new List<RowValue>();
            rowStarts = new List<int>();
            Assert.True(PreparedInserts.TryReadRows(values, 0, read, rowStarts, new StringBuilder(), out columns), "refused: " + values);
            return read.ConvertAll(value => value.ToObject(values));
        }

        private static object Single(string literal)
        {
            var read = Read("(" + literal + ")", out int columns, out _);
            Assert.Equal(1, columns);
            return Assert.Single(read);
        }

        [Theory]
        [InlineData("'it''s'", "it's")]
        [InlineData(@"'it\'s'", "it's")]
        [InlineData(@"'a\\b'", @"a\b")]
        [InlineData(@"'\0\n\r\t\Z\b'", "\0\n\r\t\x1a\b")]
        [InlineData(@"'100\%_\_'", @"100\%_\_")]
        [InlineData(@"'\x\"" '", "x\" ")]
        [InlineData("''", "")]
        [InlineData("'NULL'", "NULL")]
        [InlineData("'1),(2'", "1),(2")]
        [InlineData(@"'a\'),(1,2'", "a'),(1,2")]
        [InlineData("'é𝄞'", "é𝄞")]
        public void StringsReadAsTheServerReadsThem(string literal, string expected) =>
            Assert.Equal(expected, Single(literal));

        [Theory]
        [InlineData("0", 0L)]
        [InlineData("-0", 0L)]
        [InlineData("00042", 42L)]
        [InlineData("20240229130500", 20240229130500L)]
        [InlineData("-9223372036854775808", long.MinValue)]
        [InlineData("9223372036854775807", long.MaxValue)]
        public void IntegersGoAsLongs(string literal, long expected) =>
            Assert.Equal(expected, Single(literal));

        [Fact]
        public void IntegersBeyondLongGoUnsignedNotAsText()
        {
            // As text, a BIT(64) column would take the digits' bytes.
            Assert.Equal(ulong.MaxValue, Single("18446744073709551615"));
            Assert.Equal(9223372036854775808UL, Single("9223372036854775808"));
        }

        [Theory]
        [InlineData("1.50")]
        [InlineData("-0E0")]
        [InlineData("1E+300")]
        [InlineData("2.5e-7")]
        [InlineData("1.")]
        [InlineData("18446744073709551616")]
        [InlineData("-9223372036854775809")]
        [InlineData("123456789012345678901234567890.123456789")]
        public void OtherNumbersGoAsTheirExactText(string literal) =>
            Assert.Equal(literal, Single(literal));

        [Fact]
        public void HexGoesAsBytesAndNullAsNull()
        {
            Assert.Equal(new byte[] { 0x00, 0xff, 0x7A }, Single("0x00ff7a"));
            Assert.Equal(new byte[] { 0xAB }, Single("0XaB"));
            Assert.Equal(DBNull.Value, Single("NULL"));
        }

        [Fact]
        public void RowsAndTheirStartsAreRead()
        {
            string text = "(1,'a',NULL), (2,'b\\'',0x01)\n,(3,'',-4);";
            var read = Read(text, out int columns, out var starts);
            Assert.Equal(3, columns);
            Assert.Equal(9, read.Count);
            Assert.Equal(new[] { 0, text.IndexOf("(2", StringComparison.Ordinal), text.IndexOf("(3", StringComparison.Ordinal) }, starts);
            Assert.Equal("b'", read[4]);
            Assert.Equal(-4L, read[8]);
        }

        /// <summary>What must not be read as values: expressions, other literal forms, broken or extra text.</summary>
        [Theory]
        [InlineData("(1-2)")]
        [InlineData("(1+2)")]
        [InlineData("(- 5)")]
        [InlineData("(--5)")]
        [InlineData("(+5)")]
        [InlineData("(1e)")]
        [InlineData("(1e+)")]
        [InlineData("(.5)")]
        [InlineData("(1 2)")]
        [InlineData("(12abc)")]
        [InlineData("(0x)")]
        [InlineData("(0x1)")]
        [InlineData("(0xZZ)")]
        [InlineData("(0x0g)")]
        [InlineData("(X'00')")]
        [InlineData("(_binary'a')")]
        [InlineData("(_utf8mb4 0x41)")]
        [InlineData("(N'a')")]
        [InlineData("(b'1')")]
        [InlineData("(TRUE)")]
        [InlineData("(DEFAULT)")]
        [InlineData("(NULLX)")]
        [InlineData("(null)")]
        [InlineData("(@b1_value1)")]
        [InlineData("('abc)")]
        [InlineData("('abc\\')")]
        [InlineData("('a' 'b')")]
        [InlineData("('a'||'b')")]
        [InlineData("('a' COLLATE utf8mb4_bin)")]
        [InlineData("(1,2),(3)")]
        [InlineData("(1),(2,3)")]
        [InlineData("(1,2) garbage")]
        [InlineData("(1,2);(3,4)")]
        [InlineData("(1,2); DROP TABLE t")]
        [InlineData("(1,2),")]
        [InlineData("(1,)")]
        [InlineData("()")]
        [InlineData("(1")]
        [InlineData("((1))")]
        [InlineData("(CONCAT('a','b'))")]
        [InlineData("(LOAD_FILE('/etc/passwd'))")]
        [InlineData("(1) ON DUPLICATE KEY UPDATE a = 1")]
        [InlineData("")]
        public void AnythingElseIsLeftToTheTextPath(string text) =>
            Assert.False(PreparedInserts.TryReadRows(text, 0, new List<RowValue>(), new List<int>(), new StringBuilder(), out _), "read: " + text);

        [Fact]
        public void AStringEscapingAFourByteCharacterIsLeftToTheServer() =>
            Assert.False(PreparedInserts.TryReadRows("('\\𝄞')", 0, new List<RowValue>(), new List<int>(), new StringBuilder(), out _));

        [Fact]
        public void OnlyMariaDbSendsRowsByPreparedInserts()
        {
            Assert.True(ServerFlavor.FromVersion("10.11.19-MariaDB").LoadsRowsByPreparedInserts);
            Assert.False(ServerFlavor.FromVersion("8.0.36").LoadsRowsByPreparedInserts);
            Assert.False(ServerFlavor.FromVersion("8.0.11-TiDB-v7.5.1").LoadsRowsByPreparedInserts);
        }
    }
}
