using System;
using System.IO;
using System.Threading;
using B1Backup.Core.Archive;

namespace B1Backup.Core.Remote
{
    /// <summary>Turns what a user passes as -Path into a store: a folder on disk, or a container prefix in Azure Blob Storage.</summary>
    public static class BackupLocations
    {
        public static bool IsRemote(string path) =>
            BlobPath.LooksLikeBlobPath(path) || path.StartsWith("s3://", StringComparison.OrdinalIgnoreCase);

        /// <summary>The store whose root holds the environment folders (a local path must be absolute).</summary>
        public static IObjectStore OpenRoot(string path, StoreAccess access)
        {
            if (S3Path.LooksLikeS3Path(path))
            {
                return S3ObjectStore.Open(S3Path.Parse(path), access.S3);
            }

            return IsRemote(path) ? AzureBlobStore.Open(BlobPath.Parse(path), access.Blob) : new LocalFolderStore(path);
        }

        /// <summary>As above, for a folder or Azure Blob Storage.</summary>
        public static IObjectStore OpenRoot(string path, BlobCredentials credentials) => OpenRoot(path, new StoreAccess { Blob = credentials });

        /// <summary>As below, for a folder or Azure Blob Storage.</summary>
        public static (StoredBackups Backups, string Key) OpenBackup(string path, BlobCredentials credentials) => OpenBackup(path, new StoreAccess { Blob = credentials });

        /// <summary>A single backup: the store rooted two levels up (above its environment folder), and the backup's key (<c>env/name</c>) in it.</summary>
        public static (StoredBackups Backups, string Key) OpenBackup(string path, StoreAccess access)
        {
            if (!IsRemote(path))
            {
                string full = Path.GetFullPath(path);
                string folder = Path.GetDirectoryName(full) ?? string.Empty;
                string key = Path.GetFileName(folder) + "/" + Path.GetFileName(full);
                RequireBackupKey(key, full);
                return (new StoredBackups(new LocalFolderStore(Path.GetDirectoryName(folder) ?? folder)), key);
            }

            if (S3Path.LooksLikeS3Path(path))
            {
                var s3 = S3Path.Parse(path);
                var s3Root = s3.Parent().Parent();
                string s3Key = s3.Key.Substring(s3Root.Key.Length).TrimStart('/');
                RequireBackupKey(s3Key, s3.Display);
                return (new StoredBackups(S3ObjectStore.Open(s3Root, access.S3)), s3Key);
            }

            var blob = BlobPath.Parse(path);
            var root = blob.Parent().Parent();
            string blobKey = blob.Key.Substring(root.Key.Length).TrimStart('/');
            RequireBackupKey(blobKey, blob.Display);
            return (new StoredBackups(AzureBlobStore.Open(root, access.Blob)), blobKey);
        }

        /// <summary>
        /// Copies a stored backup into a new private temporary folder (verified on the way, as every copy is)
        /// and returns its local path; delete the folder with <see cref="DeleteScratch"/>.
        /// </summary>
        public static string DownloadToScratch(StoredBackups source, string key, Action<long, long>? progress, Action<string> log, CancellationToken cancel)
        {
            string scratch = Path.Combine(Path.GetTempPath(), "b1backup-" + Guid.NewGuid().ToString("N").Substring(0, 12));
            Directory.CreateDirectory(scratch);
            FileProtection.RestrictDirectory(scratch);
            try
            {
                return BackupCopier.Copy(source, key, new StoredBackups(new LocalFolderStore(scratch)), DateTime.Now, progress, log, cancel).FullName;
            }
            catch
            {
                Directory.Delete(scratch, recursive: true);
                throw;
            }
        }

        /// <summary>Removes the temporary folder a <see cref="DownloadToScratch"/> made for <paramref name="localCopy"/>.</summary>
        public static void DeleteScratch(string localCopy)
        {
            string? scratch = Path.GetDirectoryName(Path.GetDirectoryName(localCopy));
            if (scratch != null && Path.GetFileName(scratch).StartsWith("b1backup-", StringComparison.Ordinal) && Directory.Exists(scratch))
            {
                Directory.Delete(scratch, recursive: true);
            }
        }

        private static void RequireBackupKey(string key, string shown)
        {
            if (!StoredBackups.IsBackupKey(key))
            {
                throw new B1BackupException("NotABackupFile", FailureKind.InvalidArgument,
                    $"'{shown}' is not a backup in its environment folder (<root>/<env>/backup_<env>_<yyyyMMdd_HHmmss>.sql.gz). List backups with Get-B1Backup and pass one of them.")
                { Target = shown };
            }
        }
    }
}
