using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using Amazon.S3;
using Amazon.S3.Model;

namespace B1Backup.Core.Remote
{
    /// <summary>
    /// An S3 object written as it is produced: a multipart upload whose parts (8 MB, 32 MB after the first
    /// thousand; each with its MD5) go four at a time, completed only on commit. Disposed uncommitted, the
    /// upload is aborted, so nothing is left under the key and the parts are not billed.
    /// </summary>
    internal sealed class S3MultipartUpload : IStagedUpload
    {
        private const int SmallPart = 8 << 20;
        private const int LargePart = 32 << 20;
        private const int MaxParts = 10_000;
        private const int PartsInFlight = 4;

        private readonly IAmazonS3 client;
        private readonly string bucket;
        private readonly string key;
        private readonly string shown;
        private readonly CancellationToken cancel;
        private readonly List<PartETag> parts = new List<PartETag>();
        private readonly List<Task> uploading = new List<Task>();
        private readonly SemaphoreSlim slots = new SemaphoreSlim(PartsInFlight);
        private readonly System.Collections.Concurrent.ConcurrentBag<byte[]> spare = new System.Collections.Concurrent.ConcurrentBag<byte[]>();
        private readonly string uploadId;
        private byte[] part = new byte[SmallPart];
        private int filled;
        private bool finished;
        private bool committed;

        public S3MultipartUpload(IAmazonS3 client, string bucket, string key, string shown, CancellationToken cancel)
        {
            this.client = client;
            this.bucket = bucket;
            this.key = key;
            this.shown = shown;
            this.cancel = cancel;
            uploadId = S3ObjectStore.Call("start the upload of", shown, () => client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket, Key = key }, cancel)).UploadId;
        }

        public void Write(byte[] buffer, int offset, int count)
        {
            while (count > 0)
            {
                int take = Math.Min(count, part.Length - filled);
                Buffer.BlockCopy(buffer, offset, part, filled, take);
                filled += take;
                offset += take;
                count -= take;
                if (filled == part.Length)
                {
                    SendCurrent();
                }
            }
        }

        public void Finish()
        {
            if (finished)
            {
                return;
            }

            // An empty object still needs one part.
            if (filled > 0 || parts.Count == 0)
            {
                SendCurrent();
            }

            WaitAll();
            finished = true;
        }

        public void Commit()
        {
            Finish();
            var request = new CompleteMultipartUploadRequest { BucketName = bucket, Key = key, UploadId = uploadId, PartETags = parts.OrderBy(p => p.PartNumber).ToList(), IfNoneMatch = "*" };
            S3ObjectStore.Call("commit", shown, () => client.CompleteMultipartUploadAsync(request, cancel));
            committed = true;
        }

        public void Dispose()
        {
            try
            {
                Task.WaitAll(uploading.ToArray(), CancellationToken.None);
            }
            catch (AggregateException)
            {
            }

            if (!committed)
            {
                try
                {
                    client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = bucket, Key = key, UploadId = uploadId }, CancellationToken.None).GetAwaiter().GetResult();
                }
                catch (Exception e) when (S3Errors.IsStorageFailure(e))
                {
                    // The service is gone: a lifecycle rule for incomplete uploads cleans up; nothing is visible under the key.
                }
            }

            slots.Dispose();
        }

        private void SendCurrent()
        {
            if (parts.Count == MaxParts)
            {
                throw new B1BackupException("BackupTooLargeForStore", FailureKind.WriteError, $"'{shown}' would need more than {MaxParts} parts; back up to a local folder and split the database.");
            }

            int number = parts.Count + 1;
            var etag = new PartETag { PartNumber = number };
            parts.Add(etag);
            slots.Wait(cancel);
            if (uploading.Any(t => t.IsFaulted || t.IsCanceled))
            {
                slots.Release();
                WaitAll();
            }

            byte[] data = part;
            int length = filled;
            uploading.Add(Task.Run(
                async () =>
                {
                    try
                    {
                        // Content-MD5 is how S3 checks a part arrived intact (the protocol's choice, not a security measure).
#pragma warning disable CA5351
                        using var md5 = MD5.Create();
#pragma warning restore CA5351
                        var request = new UploadPartRequest
                        {
                            BucketName = bucket,
                            Key = key,
                            UploadId = uploadId,
                            PartNumber = number,
                            PartSize = length,
                            InputStream = new MemoryStream(data, 0, length, writable: false),
                            MD5Digest = Convert.ToBase64String(md5.ComputeHash(data, 0, length)),
                            UseChunkEncoding = false,
                        };
                        etag.ETag = (await client.UploadPartAsync(request, cancel).ConfigureAwait(false)).ETag;
                    }
                    finally
                    {
                        spare.Add(data);
                        slots.Release();
                    }
                },
                cancel));
            // Buffers of parts already sent are reused: memory stays at a few parts whatever the size.
            int size = parts.Count < 1000 ? SmallPart : LargePart;
            part = spare.TryTake(out byte[]? reused) && reused.Length == size ? reused : new byte[size];
            filled = 0;
        }

        private void WaitAll()
        {
            try
            {
                Task.WaitAll(uploading.ToArray(), CancellationToken.None);
            }
            catch (AggregateException e)
            {
                var first = e.Flatten().InnerExceptions.FirstOrDefault(x => !(x is OperationCanceledException)) ?? e.InnerExceptions[0];
                if (first is OperationCanceledException canceled)
                {
                    throw canceled;
                }

                throw S3Errors.IsStorageFailure(first) ? S3Errors.Translate(first, "upload", shown) : first;
            }
        }
    }
}
