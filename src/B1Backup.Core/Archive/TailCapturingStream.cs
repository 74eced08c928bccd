using System;
using System.IO;

namespace B1Backup.Core.Archive
{
    /// <summary>Reads through, keeping the last few kilobytes: the script's last line, without a second pass.</summary>
    internal sealed class TailCapturingStream : ReadOnlyStream
    {
        public TailCapturingStream(Stream inner)
            : base(inner)
        {
        }

        public TailKeeper Tail { get; } = new TailKeeper(4096);

        public override int Read(byte[] buffer, int offset, int count)
        {
            int read = Inner.Read(buffer, offset, count);
            if (read > 0)
            {
                if (offset == 0)
                {
                    Tail.Add(buffer, read);
                }
                else
                {
                    byte[] copy = new byte[read];
                    Buffer.BlockCopy(buffer, offset, copy, 0, read);
                    Tail.Add(copy, read);
                }
            }

            return read;
        }
    }
}
