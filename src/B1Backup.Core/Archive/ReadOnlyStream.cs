using System;
using System.IO;

namespace B1Backup.Core.Archive
{
    /// <summary>The stream members every forward-only reading wrapper shares; subclasses supply Read.</summary>
    internal abstract class ReadOnlyStream : Stream
    {
        protected ReadOnlyStream(Stream inner)
        {
            Inner = inner;
        }

        protected Stream Inner { get; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
