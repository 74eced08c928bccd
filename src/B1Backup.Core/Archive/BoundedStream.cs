using System;
using System.IO;

namespace B1Backup.Core.Archive
{
    /// <summary>Reads at most a given number of bytes from a stream's current position: one member of a file.</summary>
    internal sealed class BoundedStream : ReadOnlyStream
    {
        private long remaining;

        public BoundedStream(Stream inner, long length)
            : base(inner)
        {
            remaining = length;
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (remaining <= 0)
            {
                return 0;
            }

            int read = Inner.Read(buffer, offset, (int)Math.Min(count, remaining));
            remaining -= read;
            return read;
        }
    }
}
