using System.Text;
using B1Backup.Core.Engine;
using Xunit;

namespace B1Backup.Core.Tests
{
    /// <summary>The date path of the dump writer: bytes that are not a date's text never reach the script unescaped, and only real days go as numbers.</summary>
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

        [Theory]
        [InlineData("2024-02-29", "20240229")]
        [InlineData("1000-01-01", "10000101")]
        [InlineData("9999-12-31", "99991231")]
        [InlineData("2000-02-29 23:59:59", "20000229235959")]
        [InlineData("1970-01-01 00:00:01", "19700101000001")]
        public void ARealDayInWholeSecondsIsWrittenAsTheNumberTheServerReadsAsIt(string text, string number)
        {
            var buffer = new SqlBuffer();
            buffer.Append('(');
            byte[] bytes = Encoding.ASCII.GetBytes(text);

            Assert.True(buffer.TryAppendDateAsNumber(bytes, bytes.Length));
            Assert.Equal("(" + number, buffer.ToString());
        }

        [Theory]
        // Zero dates and zero parts: as numbers they would read as an error or as another day.
        [InlineData("0000-00-00")]
        [InlineData("2024-00-00")]
        [InlineData("2024-01-00")]
        [InlineData("0000-00-00 00:00:00")]
        // Days no calendar has (ALLOW_INVALID_DATES): keep their text.
        [InlineData("2023-02-29")]
        [InlineData("1900-02-29")]
        [InlineData("2024-04-31")]
        [InlineData("2024-13-01")]
        // Years below 1000: a number of fewer than eight digits reads as a two-digit year.
        [InlineData("0999-12-31")]
        [InlineData("0070-01-01")]
        // Fractions, TIME, and times of day no clock shows.
        [InlineData("2024-02-29 13:05:00.250000")]
        [InlineData("2024-02-29 13:05:00.0")]
        [InlineData("838:59:59")]
        [InlineData("-838:59:59")]
        [InlineData("2024-02-29 24:00:00")]
        [InlineData("2024-02-29 23:60:00")]
        [InlineData("2024-02-29 23:59:60")]
        // Separators, signs and text where digits belong: nothing but digits may reach the script bare.
        [InlineData("2024/02/29")]
        [InlineData("2024-02-29T13:05:00")]
        [InlineData("+024-02-29")]
        [InlineData("-024-02-29")]
        [InlineData("2024-02-2 ")]
        [InlineData("2024-0x-29")]
        [InlineData("20240229")]
        [InlineData("2024-02-29'); DROP DATABASE mysql; -- ")]
        [InlineData("2024-02-29 13:05:0\\")]
        [InlineData("")]
        public void AnythingElseKeepsItsTextAndNothingIsAppended(string text)
        {
            var buffer = new SqlBuffer();
            buffer.Append('(');
            byte[] bytes = Encoding.UTF8.GetBytes(text);

            Assert.False(buffer.TryAppendDateAsNumber(bytes, bytes.Length));
            Assert.Equal("(", buffer.ToString());
        }
    }
}
