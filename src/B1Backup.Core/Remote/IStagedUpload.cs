using System;

namespace B1Backup.Core.Remote
{
    /// <summary>
    /// An object being written: nothing is visible under its key until <see cref="Commit"/>; disposing
    /// it uncommitted leaves nothing there (a blob's staged blocks are discarded by the service).
    /// </summary>
    public interface IStagedUpload : IDisposable
    {
        void Write(byte[] buffer, int offset, int count);

        /// <summary>Waits until everything written is stored, and throws if any of it failed; then only Commit or Dispose.</summary>
        void Finish();

        /// <summary>Makes the object visible under its key, which must still be free.</summary>
        void Commit();
    }
}
