using System;
using System.IO;
using System.Threading;
using B1Backup.Core.Archive;
using B1Backup.Core.Engine;

namespace B1Backup.Core.Remote
{
    /// <summary>
    /// A backup into a store: taken into a private temporary folder with every check a local backup
    /// gets (checksum, end marker, every statement judged restorable), then copied to the store, which
    /// commits it only when it hashes to its .sha256 and reads it back; the temporary folder is removed
    /// whatever happens. Needs local disk for one backup while it runs.
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
                var result = BackupEngine.Run(request.WithRoot(scratch), progress, log, cancel);
                string key = StoredBackups.KeyOf(request.Environment, result.Name);
                log($"Uploading {result.Name} to {destination.Store.Describe(key)}.");
                progress?.Report(new BackupProgress { Activity = "Uploading to " + destination.Store.Describe(key) });
                var stored = BackupCopier.Copy(new StoredBackups(new LocalFolderStore(scratch)), key, destination, DateTime.Now, null, log, cancel);
                result.FullName = stored.FullName;
                result.ChecksumPath = stored.ChecksumPath;
                result.ManifestPath = stored.ManifestPath;
                return result;
            }
            finally
            {
                Directory.Delete(scratch, recursive: true);
            }
        }
    }
}
