using System;
using System.Collections.Generic;
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
    internal sealed class BlockBlobUpload : IStagedUpload
    {
        /// <summary>
        /// 4 MB blocks: 50,000 make 200 GB, the largest object this upload takes; five buffers of them keep
        /// memory flat (8 MB blocks measured no faster into Azurite and cost 30 MB more at the peak).
        /// </summary>
        internal const int BlockSize = 4 << 20;
        private const int MaxBlocks = 50_000;
        private const int BlocksInFlight = 4;

        private readonly BlockBlobClient blob;
        private readonly string shown;
        private readonly CancellationToken cancel;
        private readonly List<string> blockIds = new List<string>();
        private readonly List<Task> staging = new List<Task>();
        private readonly SemaphoreSlim slots = new SemaphoreSlim(BlocksInFlight);

        // Buffers of blocks whose staging finished, reused: memory stays at a few blocks whatever the size.
        private readonly System.Collections.Concurrent.ConcurrentBag<byte[]> spare = new System.Collections.Concurrent.ConcurrentBag<byte[]>();
        private byte[] block = new byte[BlockSize];
        private int filled;
        private bool finished;

        public BlockBlobUpload(BlockBlobClient blob, string shown, CancellationToken cancel)
        {
            this.blob = blob;
            this.shown = shown;
            this.cancel = cancel;
        }

        public void Write(byte[] buffer, int offset, int count)
        {
            while (count > 0)
            {
                int take = Math.Min(count, BlockSize - filled);
                Buffer.BlockCopy(buffer, offset, block, filled, take);
                filled += take;
                offset += take;
                count -= take;
                if (filled == BlockSize)
                {
                    StageCurrent();
                }
            }
        }

        public void Finish()
        {
            if (finished)
            {
                return;
            }

            if (filled > 0)
            {
                StageCurrent();
            }

            WaitAll();
            finished = true;
        }

        public void Commit()
        {
            Finish();
            try
            {
                blob.CommitBlockList(blockIds, new CommitBlockListOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }, cancel);
            }
            catch (Exception e) when (BlobErrors.IsStorageFailure(e))
            {
                throw BlobErrors.Translate(e, "commit", shown);
            }
        }

        public void Dispose()
        {
            // Blocks still in flight finish (or fail) before the semaphore goes; an uncommitted upload leaves no blob.
            try
            {
                Task.WaitAll(staging.ToArray(), CancellationToken.None);
            }
            catch (AggregateException)
            {
            }

            slots.Dispose();
        }

        private void StageCurrent()
        {
            if (blockIds.Count == MaxBlocks)
            {
                throw new B1BackupException("BackupTooLargeForBlob", FailureKind.WriteError,
                    $"'{shown}' would need more than {MaxBlocks} blocks of {BlockSize >> 20} MB; back up to a local folder and split the database.");
            }

            // Equal-length ids, as the service requires within one blob.
            string id = Convert.ToBase64String(Encoding.ASCII.GetBytes("b1-" + blockIds.Count.ToString("d6", CultureInfo.InvariantCulture)));
            blockIds.Add(id);
            slots.Wait(cancel);
            if (staging.Any(t => t.IsFaulted || t.IsCanceled))
            {
                slots.Release();
                WaitAll();
            }

            byte[] data = block;
            int length = filled;
            staging.Add(Task.Run(
                async () =>
                {
                    try
                    {
                        using var part = new MemoryStream(data, 0, length, writable: false);
                        var options = new BlockBlobStageBlockOptions { TransferValidation = new UploadTransferValidationOptions { ChecksumAlgorithm = StorageChecksumAlgorithm.MD5 } };
                        await blob.StageBlockAsync(id, part, options, cancel).ConfigureAwait(false);
                    }
                    finally
                    {
                        spare.Add(data);
                        slots.Release();
                    }
                },
                cancel));
            block = spare.TryTake(out byte[]? reused) ? reused : new byte[BlockSize];
            filled = 0;
        }

        private void WaitAll()
        {
            try
            {
                Task.WaitAll(staging.ToArray(), CancellationToken.None);
            }
            catch (AggregateException e)
            {
                var first = e.Flatten().InnerExceptions.FirstOrDefault(x => !(x is OperationCanceledException)) ?? e.InnerExceptions[0];
                if (first is OperationCanceledException canceled)
                {
                    throw canceled;
                }

                throw BlobErrors.IsStorageFailure(first) ? BlobErrors.Translate(first, "upload", shown) : first;
            }
        }
    }
}
