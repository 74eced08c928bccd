using System.IO;
using System.Security.Cryptography;
using B1Backup.Core.Archive;

namespace B1Backup.Core.Remote
{
    /// <summary>Hashes (SHA-256) and counts every byte read through it; <see cref="PrefixHashHex"/> is the hash of the first N bytes.</summary>
    internal sealed class HashingReadStream : ReadOnlyStream
    {
        private readonly IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private readonly IncrementalHash? prefixHash;
        private readonly long prefixLength;

        private readonly System.Action<long>? onRead;

        public HashingReadStream(Stream inner, long prefixLength = -1, System.Action<long>? onRead = null)
            : base(inner)
        {
            this.prefixLength = prefixLength;
            this.onRead = onRead;
            if (prefixLength > 0)
            {
                prefixHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            }
        }

        public long BytesRead { get; private set; }

        public string HashHex() => Store.ChecksumFile.ToHex(hash.GetHashAndReset());

        /// <summary>The hash of the first prefixLength bytes, or null when fewer were read or none was asked for.</summary>
        public string? PrefixHashHex() => prefixHash != null && BytesRead >= prefixLength ? Store.ChecksumFile.ToHex(prefixHash.GetHashAndReset()) : null;

        public override int Read(byte[] buffer, int offset, int count)
        {
            int read = Inner.Read(buffer, offset, count);
            if (read > 0)
            {
                hash.AppendData(buffer, offset, read);
                if (prefixHash != null && BytesRead < prefixLength)
                {
                    prefixHash.AppendData(buffer, offset, (int)System.Math.Min(read, prefixLength - BytesRead));
                }

                BytesRead += read;
                onRead?.Invoke(BytesRead);
            }

            return read;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                hash.Dispose();
                prefixHash?.Dispose();
                Inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
