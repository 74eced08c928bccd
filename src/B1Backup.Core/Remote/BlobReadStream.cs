using System;
using System.IO;
using B1Backup.Core.Archive;

namespace B1Backup.Core.Remote
{
    /// <summary>A blob's download; a failure part-way is an IOException that names the blob and carries no request details.</summary>
    internal sealed class BlobReadStream : ReadOnlyStream
    {
        private readonly string shown;

        public BlobReadStream(Stream inner, string shown)
            : base(inner)
        {
            this.shown = shown;
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            try
            {
                return Inner.Read(buffer, offset, count);
            }
            catch (Exception e) when (BlobErrors.IsStorageFailure(e) || (e is IOException && !(e is EndOfStreamException)))
            {
                throw new IOException($"Reading '{shown}' from the store failed part-way ({e.GetType().Name}); try again.");
            }
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                Inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
