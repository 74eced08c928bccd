using System.Text;
using B1Backup.Core.Engine;
using Xunit;

namespace B1Backup.Core.Tests
{
    /// <summary>The date path of the dump writer: bytes that are not a date's text never reach the script unescaped.</summary>
    [Trait("Category", "Unit")]
    public sealed class SqlBufferTests
    {
        [Theory]
        [InlineData("2024-02-29")]
        [InlineData("0000-00-00 00:00:00")]
        [InlineData("-838:59:59.000000")]
        [InlineData("9999-12-31 23:59:59.999999")]
        public void ADatesTextIsWrittenAsAQuotedLiteral(string text)
        {
            var buffer = new SqlBuffer();
            buffer.Append('(');
            byte[] bytes = Encoding.ASCII.GetBytes(text);

            Assert.True(buffer.TryAppendTemporalText(bytes, bytes.Length));
            Assert.Equal("('" + text + "'", buffer.ToString());
        }

        [Theory]
        [InlineData("2024-01-01'); DROP DATABASE mysql; -- ")]
        [InlineData("2024-01-01\\")]
        [InlineData("2024-01-01\n")]
        [InlineData("2024-01-01\0")]
        [InlineData("2024-01-0\u00e9")]
        [InlineData("0x41")]
        public void AnythingElseIsRefusedAndNothingIsAppended(string text)
        {
            var buffer = new SqlBuffer();
            buffer.Append('(');
            byte[] bytes = Encoding.UTF8.GetBytes(text);

            Assert.False(buffer.TryAppendTemporalText(bytes, bytes.Length));
            Assert.Equal("(", buffer.ToString());
        }
    }
}
