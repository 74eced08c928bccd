using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Azure;
using Azure.Storage;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace B1Backup.Core.Remote
{
    /// <summary>
    /// A block blob written as it is produced: 4 MB blocks staged four at a time (each with its MD5, so
    /// the service refuses a block damaged on the way), committed by one Put Block List with
    /// If-None-Match: * so a blob is never replaced. Uncommitted, nothing is visible.
    /// </summary>
    internal sealed class BlockBlobUpload : StagedPartUpload
    {
        /// <summary>
        /// 4 MB blocks: 50,000 make 200 GB, the largest object this upload takes; five buffers of them keep
        /// memory flat (8 MB blocks measured no faster into Azurite and cost 30 MB more at the peak).
        /// </summary>
        internal const int BlockSize = 4 << 20;

        private readonly BlockBlobClient blob;

        public BlockBlobUpload(BlockBlobClient blob, string shown, CancellationToken cancel)
            : base(shown, cancel)
        {
            this.blob = blob;
        }

        protected override int MaxParts => 50_000;

        protected override int PartSize(int index) => BlockSize;

        protected override async Task SendPartAsync(int number, byte[] data, int length)
        {
            using var part = new MemoryStream(data, 0, length, writable: false);
            var options = new BlockBlobStageBlockOptions { TransferValidation = new UploadTransferValidationOptions { ChecksumAlgorithm = StorageChecksumAlgorithm.MD5 } };
            await blob.StageBlockAsync(BlockId(number), part, options, Cancel).ConfigureAwait(false);
        }

        protected override void CommitParts()
        {
            var ids = Enumerable.Range(1, PartCount).Select(BlockId).ToList();
            try
            {
                blob.CommitBlockList(ids, new CommitBlockListOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }, Cancel);
            }
            catch (Exception e) when (BlobErrors.IsStorageFailure(e))
            {
                throw BlobErrors.Translate(e, "commit", Shown);
            }
        }

        protected override bool IsStorageFailure(Exception e) => BlobErrors.IsStorageFailure(e);

        protected override B1BackupException Translate(Exception e, string what) => BlobErrors.Translate(e, what, Shown);

        // Equal-length ids, as the service requires within one blob.
        private static string BlockId(int number) =>
            Convert.ToBase64String(Encoding.ASCII.GetBytes("b1-" + (number - 1).ToString("d6", CultureInfo.InvariantCulture)));
    }
}
