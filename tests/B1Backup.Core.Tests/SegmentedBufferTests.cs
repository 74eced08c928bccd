using System;
using System.IO;
using System.Linq;
using B1Backup.Core.Archive;
using Xunit;

namespace B1Backup.Core.Tests
{
    /// <summary>The pooled buffer that holds each compressed member of a backup until it is written.</summary>
    [Trait("Category", "Unit")]
    public sealed class SegmentedBufferTests
    {
        [Theory]
        [InlineData(0)]
        [InlineData(1)]
        [InlineData(15)]
        [InlineData(16)]
        [InlineData(17)]
        [InlineData(1000)]
        public void WhatIsWrittenComesOutInOrderAcrossSegmentEdges(int size)
        {
            var pool = new SegmentPool(16);
            var expected = Enumerable.Range(0, size).Select(i => (byte)(i * 7)).ToArray();
            var buffer = new SegmentedBuffer(pool);

            // Pieces of uneven sizes, through both the array and the span overloads, so writes straddle segments.
            int position = 0;
            for (int piece = 1; position < size; piece = piece % 23 + 5)
            {
                int take = Math.Min(piece, size - position);
                if (piece % 2 == 0)
                {
                    buffer.Write(expected, position, take);
                }
                else
                {
                    buffer.Write(expected.AsSpan(position, take));
                }

                position += take;
            }

            var copied = new MemoryStream();
            buffer.WriteTo(copied);
            Assert.Equal(size, buffer.Length);
            Assert.Equal(expected, copied.ToArray());
            Assert.Equal(expected, buffer.ToArray());
        }

        [Fact]
        public void ReleasedSegmentsAreReusedAndTheBufferIsEmpty()
        {
            var pool = new SegmentPool(16);
            var first = new SegmentedBuffer(pool);
            var data = Enumerable.Range(1, 40).Select(i => (byte)i).ToArray();
            first.Write(data, 0, data.Length);
            first.Release();
            Assert.Equal(0, first.Length);

            // The three segments the first buffer held serve the next renters (a new array would be all zeros)...
            var rented = Enumerable.Range(0, 3).Select(_ => pool.Rent()).ToList();
            Assert.All(rented, segment => Assert.Contains(segment, b => b != 0));
            Assert.Equal(data.Take(16).Concat(data.Skip(16).Take(16)).Concat(data.Skip(32)).OrderBy(b => b), rented.SelectMany(r => r).Where(b => b != 0).OrderBy(b => b));

            // ...and once they are out, the pool makes a new one.
            Assert.All(pool.Rent(), b => Assert.Equal(0, b));
        }

        [Fact]
        public void ArraysOfAnotherSizeAreNotTakenIntoThePool()
        {
            var pool = new SegmentPool(16);
            var stranger = new byte[32];
            pool.Return(stranger);
            Assert.NotSame(stranger, pool.Rent());
            Assert.Equal(16, pool.Rent().Length);
        }
    }
}
