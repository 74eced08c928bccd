using System;
using System.Collections.Concurrent;
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
    internal sealed class S3MultipartUpload : StagedPartUpload
    {
        private const int SmallPart = 8 << 20;
        private const int LargePart = 32 << 20;

        private readonly IAmazonS3 client;
        private readonly string bucket;
        private readonly string key;
        private readonly string uploadId;
        private readonly ConcurrentDictionary<int, string> etags = new ConcurrentDictionary<int, string>();
        private bool committed;

        public S3MultipartUpload(IAmazonS3 client, string bucket, string key, string shown, CancellationToken cancel)
            : base(shown, cancel)
        {
            this.client = client;
            this.bucket = bucket;
            this.key = key;
            uploadId = S3ObjectStore.Call("start the upload of", shown, () => client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket, Key = key }, cancel)).UploadId;
        }

        protected override int MaxParts => 10_000;

        protected override bool NeedsAPart => true;

        protected override int PartSize(int index) => index < 1000 ? SmallPart : LargePart;

        protected override async Task SendPartAsync(int number, byte[] data, int length)
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
            etags[number] = (await client.UploadPartAsync(request, Cancel).ConfigureAwait(false)).ETag;
        }

        protected override void CommitParts()
        {
            var parts = etags.OrderBy(p => p.Key).Select(p => new PartETag { PartNumber = p.Key, ETag = p.Value }).ToList();
            var request = new CompleteMultipartUploadRequest { BucketName = bucket, Key = key, UploadId = uploadId, PartETags = parts, IfNoneMatch = "*" };
            S3ObjectStore.Call("commit", Shown, () => client.CompleteMultipartUploadAsync(request, Cancel));
            committed = true;
        }

        protected override void Abandon()
        {
            if (committed)
            {
                return;
            }

            try
            {
                client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = bucket, Key = key, UploadId = uploadId }, CancellationToken.None).GetAwaiter().GetResult();
            }
            catch (Exception e) when (S3Errors.IsStorageFailure(e))
            {
                // The service is gone: a lifecycle rule for incomplete uploads cleans up; nothing is visible under the key.
            }
        }

        protected override bool IsStorageFailure(Exception e) => S3Errors.IsStorageFailure(e);

        protected override B1BackupException Translate(Exception e, string what) => S3Errors.Translate(e, what, Shown);
    }
}
