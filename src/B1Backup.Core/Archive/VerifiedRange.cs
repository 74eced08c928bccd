using System;
using System.IO;
using System.Security.Cryptography;

namespace B1Backup.Core.Archive
{
    /// <summary>One range of a <see cref="VerifiedFile"/>, read once from start to end and hashed as it goes.</summary>
    internal sealed class VerifiedRange : ReadOnlyStream
    {
        private readonly VerifiedFile source;
        private readonly long end;
        private readonly byte[] expected;
        private readonly IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private long position;
        private bool finished;

        internal VerifiedRange(VerifiedFile source, long offset, long length, byte[] expected)
            : base(Null)
        {
            this.source = source;
            position = offset;
            end = offset + length;
            this.expected = expected;
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            int want = (int)Math.Min(count, end - position);
            if (want <= 0)
            {
                return 0;
            }

            int read = source.ReadAt(position, buffer, offset, want);
            if (read <= 0)
            {
                throw new IOException("The backup file became shorter while it was being restored.");
            }

            hash.AppendData(buffer, offset, read);
            position += read;
            return read;
        }

        /// <summary>Reads what is left of the range and checks that its bytes are the ones verified; throws otherwise.</summary>
        public void Finish()
        {
            if (finished)
            {
                return;
            }

            byte[] rest = new byte[1 << 16];
            while (Read(rest, 0, rest.Length) > 0)
            {
            }

            finished = true;
            byte[] actual = hash.GetHashAndReset();
            if (!System.Linq.Enumerable.SequenceEqual(actual, expected))
            {
                throw new B1BackupException("BackupChangedDuringRestore", FailureKind.SecurityError,
                    $"The backup file '{source.Path}' changed while it was being restored: the bytes read now are not the ones whose checksum and signature were verified. Something rewrote the file; keep it for inspection.")
                { Target = source.Path };
            }
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
}
