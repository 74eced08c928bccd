using System;
using System.IO;
using B1Backup.Core.Archive;

namespace B1Backup.Core.Remote
{
    /// <summary>An object's download; a failure part-way is an IOException that names the object and carries no request details.</summary>
    internal sealed class StoreReadStream : ReadOnlyStream
    {
        private readonly string shown;
        private readonly IDisposable? response;

        public StoreReadStream(Stream inner, string shown, IDisposable? response = null)
            : base(inner)
        {
            this.shown = shown;
            this.response = response;
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            try
            {
                return Inner.Read(buffer, offset, count);
            }
            catch (Exception e) when (BlobErrors.IsStorageFailure(e) || S3Errors.IsStorageFailure(e) || (e is IOException && !(e is EndOfStreamException)))
            {
                throw new IOException($"Reading '{shown}' from the store failed part-way ({e.GetType().Name}); try again.");
            }
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                Inner.Dispose();
                response?.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
