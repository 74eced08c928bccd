using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace B1Backup.Core.Remote
{
    /// <summary>
    /// A backup location in S3 or an S3-compatible service (MinIO, Ceph, Wasabi, R2; path-style addressing
    /// when an endpoint is given). Large objects go up as multipart uploads, completed only on commit.
    /// </summary>
    public sealed class S3ObjectStore : IObjectStore
    {
        private readonly IAmazonS3 client;
        private readonly S3Path root;

        private S3ObjectStore(IAmazonS3 client, S3Path root)
        {
            this.client = client;
            this.root = root;
        }

        public static S3ObjectStore Open(S3Path location, S3Credentials credentials)
        {
            var config = new AmazonS3Config
            {
                MaxErrorRetry = 3,
                Timeout = TimeSpan.FromSeconds(60),
                // Checksums only where S3 requires them: S3-compatible services do not all read the newer trailing checksums.
                RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
                ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            };
            if (credentials.Endpoint != null)
            {
                if (!Uri.TryCreate(credentials.Endpoint, UriKind.Absolute, out var endpoint) || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps))
                {
                    throw new B1BackupException("InvalidStorageEndpoint", FailureKind.InvalidArgument, $"'{credentials.Endpoint}' is not an http(s) URL of an S3-compatible service (for example https://minio.example:9000).");
                }

                config.ServiceURL = endpoint.GetLeftPart(UriPartial.Authority);
                config.ForcePathStyle = true;
                config.AuthenticationRegion = credentials.Region;
            }
            else
            {
                config.RegionEndpoint = RegionEndpoint.GetBySystemName(credentials.Region);
            }

            IAmazonS3 client = credentials.AccessKey != null && credentials.SecretKey != null
                ? new AmazonS3Client(new BasicAWSCredentials(credentials.AccessKey, credentials.SecretKey), config)
                : new AmazonS3Client(config);
            return new S3ObjectStore(client, location);
        }

        public string Describe(string key) => root.Combine(key).Display;

        public IEnumerable<StoredObject> List(string prefix, CancellationToken cancel)
        {
            string full = root.Key.Length > 0 ? root.Key + "/" + prefix : prefix;
            string? token = null;
            do
            {
                var request = new ListObjectsV2Request { BucketName = root.Bucket, Prefix = full, ContinuationToken = token, MaxKeys = 1000 };
                var page = Call("list", Describe(prefix), () => client.ListObjectsV2Async(request, cancel));
                foreach (var item in page.S3Objects ?? new List<S3Object>())
                {
                    yield return new StoredObject(RelativeKey(item.Key), item.Size ?? 0, item.LastModified ?? DateTime.MinValue);
                }

                token = page.IsTruncated == true ? page.NextContinuationToken : null;
            }
            while (token != null);
        }

        public StoredObject? Find(string key, CancellationToken cancel)
        {
            GetObjectMetadataResponse metadata;
            try
            {
                metadata = client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = root.Bucket, Key = FullKey(key) }, cancel).GetAwaiter().GetResult();
            }
            catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
            {
                return null;
            }
            catch (Exception e) when (S3Errors.IsStorageFailure(e))
            {
                throw S3Errors.Translate(e, "read", Describe(key));
            }

            bool legalHold = metadata.ObjectLockLegalHoldStatus != null && metadata.ObjectLockLegalHoldStatus == ObjectLockLegalHoldStatus.On;
            DateTimeOffset? until = metadata.ObjectLockRetainUntilDate is DateTime date ? new DateTimeOffset(DateTime.SpecifyKind(date, DateTimeKind.Utc)) : (DateTimeOffset?)null;
            return new StoredObject(key, metadata.ContentLength, metadata.LastModified ?? DateTime.MinValue, StoredObject.LockReason(legalHold, until, DateTimeOffset.UtcNow));
        }

        public Stream OpenRead(string key, CancellationToken cancel) => Get(key, null, cancel);

        public Stream OpenReadStart(string key, long bytes, CancellationToken cancel) => Get(key, new ByteRange(0, bytes - 1), cancel);

        public string? ReadText(string key, long maxBytes, CancellationToken cancel)
        {
            var found = Find(key, cancel);
            if (found == null)
            {
                return null;
            }

            if (found.Size > maxBytes)
            {
                throw new B1BackupException("SidecarTooLarge", FailureKind.InvalidData, $"'{Describe(key)}' is larger than {maxBytes} bytes: it is not a file B1Backup wrote.");
            }

            using var reader = new StreamReader(OpenRead(key, cancel), new UTF8Encoding(false));
            return reader.ReadToEnd();
        }

        public void WriteText(string key, string text, CancellationToken cancel)
        {
            byte[] bytes = new UTF8Encoding(false).GetBytes(text);
            var request = new PutObjectRequest { BucketName = root.Bucket, Key = FullKey(key), InputStream = new MemoryStream(bytes), UseChunkEncoding = false };
            Call("write", Describe(key), () => client.PutObjectAsync(request, cancel));
        }

        public IStagedUpload BeginUpload(string key, CancellationToken cancel)
        {
            // Checked here as well as on completion: not every S3-compatible service honours If-None-Match.
            if (Find(key, cancel) != null)
            {
                throw new B1BackupException("BackupExists", FailureKind.WriteError, $"'{Describe(key)}' already exists; a backup in the store is never replaced. Remove it first if you mean to.") { Target = Describe(key) };
            }

            return new S3MultipartUpload(client, root.Bucket, FullKey(key), Describe(key), cancel);
        }

        public void Delete(string key, CancellationToken cancel)
        {
            try
            {
                client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = root.Bucket, Key = FullKey(key) }, cancel).GetAwaiter().GetResult();
            }
            catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.Forbidden && (e.ErrorCode ?? string.Empty).IndexOf("ObjectLock", StringComparison.OrdinalIgnoreCase) >= 0)
            {
                throw new ObjectLockedException(Describe(key), e.ErrorCode ?? "object lock");
            }
            catch (Exception e) when (S3Errors.IsStorageFailure(e))
            {
                throw S3Errors.Translate(e, "delete", Describe(key));
            }
        }

        internal static T Call<T>(string what, string shown, Func<Task<T>> call)
        {
            try
            {
                return call().GetAwaiter().GetResult();
            }
            catch (Exception e) when (S3Errors.IsStorageFailure(e))
            {
                throw S3Errors.Translate(e, what, shown);
            }
        }

        private StoreReadStream Get(string key, ByteRange? range, CancellationToken cancel)
        {
            var response = Call("read", Describe(key), () => client.GetObjectAsync(new GetObjectRequest { BucketName = root.Bucket, Key = FullKey(key), ByteRange = range }, cancel));
            return new StoreReadStream(response.ResponseStream, Describe(key), response);
        }

        private string FullKey(string key) => root.Combine(key).Key;

        private string RelativeKey(string fullKey) => root.Key.Length == 0 ? fullKey : fullKey.Substring(Math.Min(fullKey.Length, root.Key.Length + 1));
    }
}
