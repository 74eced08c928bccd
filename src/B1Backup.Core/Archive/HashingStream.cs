using System;
using System.IO;
using System.Security.Cryptography;

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

    /// <summary>Hashes (SHA-256) and counts every byte on its way to the file.</summary>
    internal sealed class HashingStream : WriteOnlyStream
    {
        private readonly IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        public HashingStream(Stream inner)
            : base(inner)
        {
        }

        public long BytesWritten { get; private set; }

        public string HashHex() => Store.ChecksumFile.ToHex(hash.GetHashAndReset());

        public override void Write(byte[] buffer, int offset, int count)
        {
            hash.AppendData(buffer, offset, count);
            Inner.Write(buffer, offset, count);
            BytesWritten += count;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                hash.Dispose();
            }

            base.Dispose(disposing);
        }
    }

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

    /// <summary>For uncompressed backups: writes through, and leaves the output open when disposed.</summary>
    internal sealed class PassThroughStream : WriteOnlyStream
    {
        public PassThroughStream(Stream inner)
            : base(inner)
        {
        }

        public override void Write(byte[] buffer, int offset, int count) => Inner.Write(buffer, offset, count);
    }
}
