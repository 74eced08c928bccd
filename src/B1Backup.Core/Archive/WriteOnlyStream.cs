using System;
using System.IO;

namespace B1Backup.Core.Archive
{
    /// <summary>The plumbing every write-only pass-through shares: it writes to an inner stream and nothing else.</summary>
    internal abstract class WriteOnlyStream : Stream
    {
        protected WriteOnlyStream(Stream inner)
        {
            Inner = inner;
        }

        protected Stream Inner { get; private protected set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override void Flush() => Inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
