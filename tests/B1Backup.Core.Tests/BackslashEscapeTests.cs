using System;
using System.Collections.Generic;
using System.Text;
using B1Backup.Core.Lexing;
using B1Backup.Core.Restore;
using Xunit;

namespace B1Backup.Core.Tests
{
    /// <summary>
    /// The server's reading of a quoted string is the truth: the lexer, which judges what runs, and the
    /// prepared-row reader, which sends values in place of the text, must read every escape as it does.
    /// </summary>
    public sealed class BackslashEscapeTests
    {
        [Theory]
        [InlineData(@"'a\%b\_c'")]
        [InlineData(@"'\n\t\0\Z\b\r'")]
        [InlineData(@"'\q\\\''")]
        [InlineData(@"'\""\%\'\_'")]
        [InlineData("'it''s'")]
        [InlineData(@"'\é\€x'")]
        [InlineData(@"'ANSI\_QUOTES'")]
        public void TheLexerAndThePreparedRowReaderReadAStringAsTheServerDoes(string literal)
        {
            string? server = Convert.ToString(TestServer.Scalar("SELECT " + literal), System.Globalization.CultureInfo.InvariantCulture);

            var dialect = new SqlDialect(SqlDialect.AssumedServer);
            Assert.Equal(server, SqlLexer.StringValue(literal, SqlLexer.Tokenize(literal, dialect)[0], dialect));

            string row = "(" + literal + ")";
            var values = new List<RowValue>();
            Assert.True(PreparedInserts.TryReadRows(row, 0, values, new List<int>(), new StringBuilder(), out int columns));
            Assert.Equal(1, columns);
            Assert.Equal(server, values[0].ToObject(row));
        }
    }
}
