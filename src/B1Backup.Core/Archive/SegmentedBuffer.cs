using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;

namespace B1Backup.Core.Archive
{
    /// <summary>
    /// Fixed-size byte arrays handed out and taken back, so the members a backup holds in memory reuse
    /// the same arrays: a MemoryStream that doubles as it grows allocates (and the kernel zeroes) about
    /// twice each member's size in fresh large-object memory, which the garbage collector keeps long after.
    /// </summary>
    internal sealed class SegmentPool
    {
        public const int DefaultSegmentSize = 1 << 20;

        private readonly ConcurrentBag<byte[]> free = new ConcurrentBag<byte[]>();

        public SegmentPool(int segmentSize = DefaultSegmentSize)
        {
            SegmentSize = segmentSize;
        }

        public int SegmentSize { get; }

        public byte[] Rent() => free.TryTake(out byte[]? segment) ? segment : new byte[SegmentSize];

        public void Return(byte[] segment)
        {
            if (segment.Length == SegmentSize)
            {
                free.Add(segment);
            }
        }
    }

    /// <summary>
    /// A write-only stream that keeps what it is given in segments from a <see cref="SegmentPool"/>;
    /// <see cref="WriteTo"/> copies it out in order and <see cref="Release"/> gives the segments back.
    /// </summary>
    internal sealed class SegmentedBuffer : Stream
    {
        private readonly SegmentPool pool;
        private readonly List<byte[]> segments = new List<byte[]>();
        private int lastFilled;

        public SegmentedBuffer(SegmentPool pool)
        {
            this.pool = pool;
        }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        /// <summary>Bytes written so far.</summary>
        public override long Length => segments.Count == 0 ? 0 : ((long)(segments.Count - 1) * pool.SegmentSize) + lastFilled;

        public override long Position
        {
            get => Length;
            set => throw new NotSupportedException();
        }

        public override void Write(byte[] buffer, int offset, int count)
        {
            while (count > 0)
            {
                if (segments.Count == 0 || lastFilled == pool.SegmentSize)
                {
                    segments.Add(pool.Rent());
                    lastFilled = 0;
                }

                int take = Math.Min(count, pool.SegmentSize - lastFilled);
                Buffer.BlockCopy(buffer, offset, segments[segments.Count - 1], lastFilled, take);
                lastFilled += take;
                offset += take;
                count -= take;
            }
        }

#if NET8_0_OR_GREATER
        public override void Write(ReadOnlySpan<byte> buffer)
        {
            while (!buffer.IsEmpty)
            {
                if (segments.Count == 0 || lastFilled == pool.SegmentSize)
                {
                    segments.Add(pool.Rent());
                    lastFilled = 0;
                }

                int take = Math.Min(buffer.Length, pool.SegmentSize - lastFilled);
                buffer.Slice(0, take).CopyTo(segments[segments.Count - 1].AsSpan(lastFilled));
                lastFilled += take;
                buffer = buffer.Slice(take);
            }
        }
#endif

        public override void WriteByte(byte value) => Write(new[] { value }, 0, 1);

        /// <summary>Copies every byte written, in order, to <paramref name="destination"/>.</summary>
        public void WriteTo(Stream destination)
        {
            for (int i = 0; i < segments.Count; i++)
            {
                destination.Write(segments[i], 0, i == segments.Count - 1 ? lastFilled : pool.SegmentSize);
            }
        }

        /// <summary>The bytes written as one array (for the few callers that need them contiguous).</summary>
        public byte[] ToArray()
        {
            var copy = new byte[Length];
            for (int i = 0; i < segments.Count; i++)
            {
                Buffer.BlockCopy(segments[i], 0, copy, i * pool.SegmentSize, i == segments.Count - 1 ? lastFilled : pool.SegmentSize);
            }

            return copy;
        }

        /// <summary>Gives the segments back to the pool and empties the buffer.</summary>
        public void Release()
        {
            segments.ForEach(pool.Return);
            segments.Clear();
            lastFilled = 0;
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
