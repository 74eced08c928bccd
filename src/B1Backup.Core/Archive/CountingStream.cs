using System.IO;

namespace B1Backup.Core.Archive
{
    /// <summary>Counts the bytes written through it (a member's uncompressed size).</summary>
    internal sealed class CountingStream : WriteOnlyStream
    {
        public CountingStream(Stream inner)
            : base(inner)
        {
        }

        public long BytesWritten { get; private set; }

        /// <summary>Sends what follows to another stream and counts from zero (the next member of a cut table).</summary>
        public void Retarget(Stream inner)
        {
            Inner = inner;
            BytesWritten = 0;
        }

        /// <summary>
        /// Does not reach the compressor: a deflate flush would end a block mid-stream and cost size. The
        /// compressor writes everything when it is disposed.
        /// </summary>
        public override void Flush()
        {
        }

        public override void Write(byte[] buffer, int offset, int count)
        {
            Inner.Write(buffer, offset, count);
            BytesWritten += count;
        }
    }
}
