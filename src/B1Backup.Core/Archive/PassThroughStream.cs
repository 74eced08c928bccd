using System.IO;

namespace B1Backup.Core.Archive
{
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
