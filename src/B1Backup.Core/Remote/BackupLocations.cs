using System;

namespace B1Backup.Core.Remote
{
    /// <summary>Turns what a user passes as -Path into a store: a folder on disk, or a container prefix in Azure Blob Storage.</summary>
    public static class BackupLocations
    {
        public static bool IsRemote(string path) =>
            BlobPath.LooksLikeBlobPath(path) || path.StartsWith("s3://", StringComparison.OrdinalIgnoreCase);

        /// <summary>The store whose root holds the environment folders.</summary>
        public static IObjectStore OpenRoot(string path, BlobCredentials credentials)
        {
            RejectS3(path);
            return AzureBlobStore.Open(BlobPath.Parse(path), credentials);
        }

        /// <summary>A single backup: the store rooted two levels up, and the backup's key (<c>env/name</c>) in it.</summary>
        public static (StoredBackups Backups, string Key) OpenBackup(string path, BlobCredentials credentials)
        {
            RejectS3(path);
            var blob = BlobPath.Parse(path);
            var root = blob.Parent().Parent();
            string key = blob.Key.Substring(root.Key.Length).TrimStart('/');
            return (new StoredBackups(AzureBlobStore.Open(root, credentials)), key);
        }

        private static void RejectS3(string path)
        {
            if (path.StartsWith("s3://", StringComparison.OrdinalIgnoreCase))
            {
                throw new B1BackupException("S3NotSupported", FailureKind.NotSupported,
                    "s3:// locations are not supported yet; Azure Blob Storage (az:// or https://) and local folders are. Back up to a folder and copy it with your S3 tool, keeping the .sha256 beside it.");
            }
        }
    }
}
