using System;
using System.IO;
using System.IO.Compression;
using System.Text;
using B1Backup.Core.Archive;
using B1Backup.Core.Store;
using Xunit;

namespace B1Backup.Core.Tests
{
    /// <summary>How each gzip member is compressed, chosen from its first megabyte.</summary>
    [Trait("Category", "Unit")]
    public sealed class CompressionChoiceTests
    {
        [Theory]
        [InlineData(1000, 480, 470, GzipChoice.HuffmanOnly)]
        [InlineData(1000, 480, 489, GzipChoice.HuffmanOnly)]
        [InlineData(1000, 480, 495, GzipChoice.Fast)]
        [InlineData(1000, 300, 600, GzipChoice.Dense)]
        [InlineData(1000, 399, 410, GzipChoice.Dense)]
        public void TheSampleDecides(long sample, long levelTwo, long huffman, GzipChoice expected) =>
            Assert.Equal(expected, Compression.ChooseGzip(sample, levelTwo, huffman));

        [Fact]
        public void RandomStringsAreHuffmanCodedSmallerThanLevelTwoAndReadBackExactly()
        {
            // sysbench's shape: rows of a number and strings of 11-digit groups.
            var random = new Random(7);
            var sql = new StringBuilder("INSERT INTO `t` (`id`,`c`) VALUES ");
            for (int row = 0; sql.Length < 3 << 20; row++)
            {
                sql.Append(row == 0 ? "(" : ",(").Append(row).Append(",'");
                for (int group = 0; group < 10; group++)
                {
                    sql.Append(group == 0 ? string.Empty : "-").Append(random.NextInt64(10_000_000_000, 99_999_999_999));
                }

                sql.Append("')");
            }

            byte[] data = Encoding.ASCII.GetBytes(sql.ToString());
            byte[] ours = Compress(data);
            byte[] levelTwo = CompressAt(data, new ZLibCompressionOptions { CompressionLevel = Compression.GzipLevel });

            Assert.Equal(data, Decompress(ours));
            Assert.True(ours.Length < levelTwo.Length * 0.99, $"{ours.Length:N0} bytes against {levelTwo.Length:N0} at level 2: the member was not Huffman-coded.");
        }

        [Fact]
        public void DenseDataStillGetsTheDenseLevel()
        {
            var sql = new StringBuilder("INSERT INTO `salaries` VALUES ");
            for (int row = 0; sql.Length < 3 << 20; row++)
            {
                sql.Append(row == 0 ? "(" : ",(").Append(10001 + (row / 9)).Append(',').Append(40000 + ((row * 1301) % 60000)).Append(",'19").Append(80 + (row % 19)).Append("-0").Append(1 + (row % 9)).Append("-1").Append(row % 10).Append("')");
            }

            byte[] data = Encoding.ASCII.GetBytes(sql.ToString());
            byte[] ours = Compress(data);
            byte[] dense = CompressAt(data, new ZLibCompressionOptions { CompressionLevel = Compression.DenseGzipLevel });

            Assert.Equal(data, Decompress(ours));
            Assert.True(ours.Length <= dense.Length * 1.01, $"{ours.Length:N0} bytes against {dense.Length:N0} at level {Compression.DenseGzipLevel}.");
        }

        private static byte[] Compress(byte[] data)
        {
            var output = new MemoryStream();
            using (var compressor = Compression.Compress(output, CompressionKind.Gzip))
            {
                // In pieces, as the dump writer hands them over.
                for (int offset = 0; offset < data.Length; offset += 65536)
                {
                    compressor.Write(data, offset, Math.Min(65536, data.Length - offset));
                }
            }

            return output.ToArray();
        }

        private static byte[] CompressAt(byte[] data, ZLibCompressionOptions options)
        {
            var output = new MemoryStream();
            using (var gzip = new GZipStream(output, options, leaveOpen: true))
            {
                gzip.Write(data, 0, data.Length);
            }

            return output.ToArray();
        }

        private static byte[] Decompress(byte[] gzip)
        {
            using var input = new GZipStream(new MemoryStream(gzip), CompressionMode.Decompress);
            var output = new MemoryStream();
            input.CopyTo(output);
            return output.ToArray();
        }
    }
}
