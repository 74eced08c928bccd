using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace B1Backup.Core.Remote
{
    /// <summary>
    /// A backup location in Azure Blob Storage. Large objects are uploaded as staged blocks, several at
    /// once, and committed by one Put Block List only when the caller agrees after the last byte: a
    /// failed or refused upload leaves uncommitted blocks, which the service discards, and no blob.
    /// </summary>
    public sealed class AzureBlobStore : IObjectStore
    {
        /// <summary>The size of the blocks an upload is staged in.</summary>
        internal const int BlockSize = BlockBlobUpload.BlockSize;

        /// <summary>Objects per listing page: a thousand backups with their sidecars take several pages.</summary>
        internal const int ListPageSize = 1000;

        private readonly BlobContainerClient container;
        private readonly BlobPath root;
        private bool containerChecked;

        internal AzureBlobStore(BlobContainerClient container, BlobPath root)
        {
            this.container = container;
            this.root = root;
        }

        /// <summary>The store for <paramref name="location"/>, authenticated as <see cref="BlobCredentials"/> says.</summary>
        public static AzureBlobStore Open(BlobPath location, BlobCredentials credentials) =>
            new AzureBlobStore(BlobClients.ContainerFor(location, credentials), location);

        public string Describe(string key) => root.Combine(key).Display;

        public IEnumerable<StoredObject> List(string prefix, CancellationToken cancel)
        {
            string full = root.Key.Length > 0 ? root.Key + "/" + prefix : prefix;
            var pages = Call("list", prefix, () => container.GetBlobs(BlobTraits.ImmutabilityPolicy | BlobTraits.LegalHold, BlobStates.None, full.Length > 0 ? full : null, cancel).AsPages(pageSizeHint: ListPageSize));
            using var pageEnumerator = pages.GetEnumerator();
            while (Call("list", prefix, () => pageEnumerator.MoveNext()))
            {
                foreach (var item in pageEnumerator.Current.Values)
                {
                    yield return new StoredObject(RelativeKey(item.Name), item.Properties.ContentLength ?? 0,
                        item.Properties.LastModified ?? DateTimeOffset.MinValue, StoredObject.LockReason(item.Properties.HasLegalHold, item.Properties.ImmutabilityPolicy?.ExpiresOn, DateTimeOffset.UtcNow));
                }
            }
        }

        public StoredObject? Find(string key, CancellationToken cancel)
        {
            try
            {
                var properties = container.GetBlobClient(FullKey(key)).GetProperties(cancellationToken: cancel).Value;
                return new StoredObject(key, properties.ContentLength, properties.LastModified, StoredObject.LockReason(properties.HasLegalHold, properties.ImmutabilityPolicy?.ExpiresOn, DateTimeOffset.UtcNow));
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                return null;
            }
            catch (Exception e) when (BlobErrors.IsStorageFailure(e))
            {
                throw BlobErrors.Translate(e, "read", Describe(key));
            }
        }

        public Stream OpenRead(string key, CancellationToken cancel)
        {
            var download = Call("read", key, () => container.GetBlobClient(FullKey(key)).DownloadStreaming(cancellationToken: cancel).Value);
            return new StoreReadStream(download.Content, Describe(key));
        }

        public Stream OpenReadStart(string key, long bytes, CancellationToken cancel)
        {
            var options = new BlobDownloadOptions { Range = new Azure.HttpRange(0, bytes) };
            var download = Call("read", key, () => container.GetBlobClient(FullKey(key)).DownloadStreaming(options, cancel).Value);
            return new StoreReadStream(download.Content, Describe(key));
        }

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

            try
            {
                return Call("read", key, () => container.GetBlobClient(FullKey(key)).DownloadContent(cancel).Value.Content.ToString());
            }
            catch (B1BackupException e) when (e.InnerException is RequestFailedException { Status: 404 })
            {
                return null;
            }
        }

        public void WriteText(string key, string text, CancellationToken cancel)
        {
            EnsureContainer(cancel);
            Call("write", key, () => container.GetBlobClient(FullKey(key)).Upload(new BinaryData(new UTF8Encoding(false).GetBytes(text)), overwrite: true, cancel));
        }

        public IStagedUpload BeginUpload(string key, CancellationToken cancel)
        {
            EnsureContainer(cancel);
            return new BlockBlobUpload(container.GetBlockBlobClient(FullKey(key)), Describe(key), cancel);
        }

        public void Delete(string key, CancellationToken cancel)
        {
            try
            {
                container.GetBlobClient(FullKey(key)).DeleteIfExists(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: cancel);
            }
            catch (RequestFailedException e) when (e.Status == 409 && BlobErrors.IsLock(e.ErrorCode))
            {
                throw new ObjectLockedException(Describe(key), e.ErrorCode ?? "locked");
            }
            catch (Exception e) when (BlobErrors.IsStorageFailure(e))
            {
                throw BlobErrors.Translate(e, "delete", Describe(key));
            }
        }

        private void EnsureContainer(CancellationToken cancel)
        {
            if (containerChecked)
            {
                return;
            }

            try
            {
                container.CreateIfNotExists(cancellationToken: cancel);
            }
            catch (RequestFailedException e) when (e.Status == 403)
            {
                // A SAS or role scoped to the container may not create it, nor ask; the writes will say if it is missing.
            }
            catch (Exception e) when (BlobErrors.IsStorageFailure(e))
            {
                throw BlobErrors.Translate(e, "create the container for", Describe(string.Empty));
            }

            containerChecked = true;
        }

        private T Call<T>(string what, string key, Func<T> call)
        {
            try
            {
                return call();
            }
            catch (Exception e) when (BlobErrors.IsStorageFailure(e))
            {
                throw BlobErrors.Translate(e, what, Describe(key));
            }
        }

        private string FullKey(string key) => string.Join("/", new[] { root.Key, key.Trim('/') }.Where(s => s.Length > 0));

        private string RelativeKey(string fullKey) => root.Key.Length == 0 ? fullKey : fullKey.Substring(Math.Min(fullKey.Length, root.Key.Length + 1));
    }
}
