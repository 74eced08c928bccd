using System;
using System.IO;
using System.Threading;

namespace B1Backup.Core.Remote
{
    /// <summary>A whole stream into a store, the same way for every kind of store.</summary>
    public static class StagedUploads
    {
        /// <summary>
        /// Writes <paramref name="content"/> under <paramref name="key"/>, which must not exist yet. It becomes
        /// visible only if <paramref name="mayCommit"/> says so after the last byte; otherwise nothing is left under the key.
        /// </summary>
        public static void Upload(this IObjectStore store, string key, Stream content, Func<bool> mayCommit, Action<long>? progress, CancellationToken cancel)
        {
            using var upload = store.BeginUpload(key, cancel);
            byte[] buffer = new byte[1 << 20];
            long written = 0;
            int read;
            while ((read = content.Read(buffer, 0, buffer.Length)) > 0)
            {
                cancel.ThrowIfCancellationRequested();
                upload.Write(buffer, 0, read);
                written += read;
                progress?.Invoke(written);
            }

            upload.Finish();
            if (!mayCommit())
            {
                throw new B1BackupException("CopyNotCommitted", FailureKind.InvalidData,
                    $"The copy to '{store.Describe(key)}' was not kept: what was read does not match the backup's checksum. Nothing was left under that name.")
                { Target = store.Describe(key) };
            }

            upload.Commit();
        }
    }
}
