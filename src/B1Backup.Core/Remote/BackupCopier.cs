using System;
using System.Threading;
using B1Backup.Core.Store;

namespace B1Backup.Core.Remote
{
    /// <summary>
    /// Copies one backup and its sidecars between two stores (disk or blob, either way). Only a backup
    /// whose .sha256 is readable is copied; the data is hashed on its way and committed at the
    /// destination only if it matches, the sidecars follow (the .sha256 last, as a backup writes them),
    /// and the copy is then read back from the destination and checked again.
    /// </summary>
    public static class BackupCopier
    {
        public static BackupInfo Copy(StoredBackups source, string key, StoredBackups destination, DateTime now, Action<long, long>? progress, Action<string> log, CancellationToken cancel)
        {
            string shown = source.Store.Describe(key);
            string target = destination.Store.Describe(key);
            var data = source.Store.Find(key, cancel)
                ?? throw new B1BackupException("BackupNotFound", FailureKind.NotFound, $"'{shown}' does not exist; list backups with Get-B1Backup.") { Target = shown };
            string expected = ExpectedHash(source, key, shown, cancel);

            if (destination.Store.Find(key, cancel) != null)
            {
                // A copy that was interrupted after its data was committed, or a copy run twice: finish it, never replace it.
                var existing = destination.Verify(key, cancel);
                if (existing.Actual != expected)
                {
                    throw new B1BackupException("BackupExists", FailureKind.WriteError,
                        $"'{target}' already exists with other content; a backup is never replaced. Remove it first if you mean to.")
                    { Target = target };
                }

                log($"{target} is already there with the same content; its sidecars are brought up to date.");
            }
            else
            {
                // Progress is reported as the source is read, on the caller's thread (PowerShell's progress bar needs it there).
                using var reading = new HashingReadStream(source.Store.OpenRead(key, cancel), onRead: read => progress?.Invoke(read, data.Size));
                destination.Store.Upload(key, reading, () => reading.BytesRead == data.Size && reading.HashHex() == expected, null, cancel);
                log($"Copied {data.Size / 1048576.0:N1} MB to {target}.");
            }

            foreach (string suffix in new[] { BackupManifest.Suffix, BackupSignature.Suffix, BackupName.ChecksumSuffix })
            {
                long limit = suffix == BackupManifest.Suffix ? BackupManifest.MaxBytes : StoredBackups.SidecarMaxBytes;
                string? text = source.Store.ReadText(key + suffix, limit, cancel);
                if (text != null)
                {
                    destination.Store.WriteText(key + suffix, text, cancel);
                }
            }

            var check = destination.Verify(key, cancel);
            if (!check.Passed)
            {
                throw new B1BackupException("CopyVerificationFailed", FailureKind.InvalidData,
                    $"The copy at '{target}' does not pass its checksum when read back ({check.Reason}): {check.Message} The source is unchanged; remove the copy and try again.")
                { Target = target };
            }

            log($"{target}: read back, matches its checksum.");
            return destination.Describe(key, now, cancel);
        }

        private static string ExpectedHash(StoredBackups source, string key, string shown, CancellationToken cancel)
        {
            string name = key.Substring(key.LastIndexOf('/') + 1);
            string? sidecar = source.Store.ReadText(key + BackupName.ChecksumSuffix, StoredBackups.SidecarMaxBytes, cancel);
            if (sidecar == null || !ChecksumFile.TryParse(sidecar, out string expected, out string namedFile)
                || !string.Equals(namedFile.Replace('\\', '/').Substring(namedFile.Replace('\\', '/').LastIndexOf('/') + 1), name, StringComparison.Ordinal))
            {
                throw new B1BackupException("CopyNeedsChecksum", FailureKind.InvalidData,
                    $"'{shown}' has no readable .sha256 naming it, so a copy could not be proven to be the same backup. Check it with Test-B1BackupChecksum; copy only backups that pass.")
                { Target = shown };
            }

            return expected;
        }
    }
}
