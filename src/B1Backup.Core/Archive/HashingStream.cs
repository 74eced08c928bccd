using System.IO;
using System.Security.Cryptography;

namespace B1Backup.Core.Archive
{
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
}
