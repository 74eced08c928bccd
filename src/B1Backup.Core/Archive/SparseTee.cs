using System.IO;
using B1Backup.Core.Remote;

namespace B1Backup.Core.Archive
{
    /// <summary>
    /// Sends every byte to an upload, and to the local file only what is to be kept there: the other
    /// bytes leave a hole, so the file has every part at its offset but only the kept parts take disk.
    /// </summary>
    internal sealed class SparseTee : WriteOnlyStream
    {
        private readonly IStagedUpload upload;

        public SparseTee(FileStream file, IStagedUpload upload)
            : base(file)
        {
            this.upload = upload;
        }

        /// <summary>Whether the next writes also go to the file.</summary>
        public bool KeepLocally { get; set; } = true;

        public override void Write(byte[] buffer, int offset, int count)
        {
            upload.Write(buffer, offset, count);
            if (KeepLocally)
            {
                Inner.Write(buffer, offset, count);
            }
            else
            {
                Inner.Seek(count, SeekOrigin.Current);
            }
        }
    }
}
