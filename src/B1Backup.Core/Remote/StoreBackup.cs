using System;
using System.IO;
using System.Threading;
using B1Backup.Core.Archive;
using B1Backup.Core.Engine;
using B1Backup.Core.Store;

namespace B1Backup.Core.Remote
{
    /// <summary>
    /// A backup into a store, streamed: the archive is uploaded in blocks as it is written (each block's
    /// MD5 checked by the store), while a private temporary folder keeps only the parts the backup's own
    /// checks read (header, schema, objects, end marker; the data parts are holes in a sparse file). The
    /// upload is committed only after those checks pass; then the sidecars follow, the .sha256 last, and
    /// the temporary folder goes whatever happens.
    /// </summary>
    public static class StoreBackup
    {
        public static BackupResult Run(BackupRequest request, StoredBackups destination, IProgress<BackupProgress>? progress, Action<string> log, CancellationToken cancel)
        {
            // The store must take a write before the database is read: a wrong key or an unreachable
            // service fails in a second, not after the whole backup.
            string probe = request.Environment + "/.b1backup-write-test-" + Guid.NewGuid().ToString("N").Substring(0, 8);
            destination.Store.WriteText(probe, string.Empty, cancel);
            destination.Store.Delete(probe, cancel);

            string scratch = Path.Combine(Path.GetTempPath(), "b1backup-" + Guid.NewGuid().ToString("N").Substring(0, 12));
            Directory.CreateDirectory(scratch);
            FileProtection.RestrictDirectory(scratch);
            try
            {
                var local = request.WithRoot(scratch);
                local.OpenUpload = key => destination.Store.BeginUpload(key, cancel);
                var result = BackupEngine.Run(local, progress, log, cancel);
                string key = StoredBackups.KeyOf(request.Environment, result.Name);
                try
                {
                    foreach (string sidecar in new[] { BackupManifest.PathFor(result.FullName), BackupSignature.PathFor(result.FullName), ChecksumFile.PathFor(result.FullName) })
                    {
                        if (File.Exists(sidecar))
                        {
                            destination.Store.WriteText(key + sidecar.Substring(result.FullName.Length), File.ReadAllText(sidecar), cancel);
                        }
                    }
                }
                catch (B1BackupException)
                {
                    // A backup without its checksum cannot be trusted later: take it back, as on disk.
                    TryDelete(destination, key);
                    throw;
                }

                result.FullName = destination.Store.Describe(key);
                result.ChecksumPath = destination.Store.Describe(key + BackupName.ChecksumSuffix);
                result.ManifestPath = destination.Store.Describe(key + BackupManifest.Suffix);
                log($"Stored as {result.FullName} with its sidecars.");
                return result;
            }
            finally
            {
                Directory.Delete(scratch, recursive: true);
            }
        }

        private static void TryDelete(StoredBackups destination, string key)
        {
            try
            {
                destination.Delete(key, CancellationToken.None);
            }
            catch (B1BackupException)
            {
                // The error that is on its way says the backup is not to be used.
            }
        }
    }
}
