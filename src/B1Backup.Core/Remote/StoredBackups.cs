using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using B1Backup.Core.Store;

namespace B1Backup.Core.Remote
{
    /// <summary>
    /// The backups in a store, laid out as on disk (<c>&lt;env&gt;/backup_&lt;env&gt;_&lt;ts&gt;.sql.gz</c> and its
    /// sidecars under the root): listed from their manifests without reading the data, verified by
    /// streaming, deleted data first so a locked backup keeps its sidecars.
    /// </summary>
    public sealed class StoredBackups
    {
        /// <summary>A .sha256 or .sig sidecar is one line; anything longer is not ours.</summary>
        internal const long SidecarMaxBytes = 4096;

        private static readonly string[] SidecarSuffixes = { BackupManifest.Suffix, BackupSignature.Suffix, BackupName.ChecksumSuffix };

        public StoredBackups(IObjectStore store)
        {
            Store = store;
        }

        public IObjectStore Store { get; }

        /// <summary>The key of a backup's data under the root.</summary>
        public static string KeyOf(string environment, string name) => environment + "/" + name;

        public IReadOnlyList<BackupInfo> List(DateTime now, CancellationToken cancel)
        {
            var objects = Store.List(string.Empty, cancel).ToList();
            var keys = new HashSet<string>(objects.Select(o => o.Key), StringComparer.Ordinal);
            var backups = objects.Where(o => IsBackupKey(o.Key)).ToList();
            var described = new ConcurrentBag<BackupInfo>();
            // A manifest per backup: several at once, so a listing of a thousand takes seconds, not minutes.
            Parallel.ForEach(backups, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancel },
                o => described.Add(Describe(o, keys.Contains(o.Key + BackupName.ChecksumSuffix), keys.Contains(o.Key + BackupManifest.Suffix), now, cancel)));
            return described.OrderByDescending(b => b.Timestamp).ThenByDescending(b => b.Name, StringComparer.Ordinal).ToList();
        }

        /// <summary>One backup by its key, or an error that says it is not there.</summary>
        public BackupInfo Describe(string key, DateTime now, CancellationToken cancel)
        {
            if (!IsBackupKey(key))
            {
                throw new B1BackupException("NotABackupFile", FailureKind.InvalidArgument,
                    $"'{Store.Describe(key)}' is not named like a backup in an environment folder (<env>/backup_<env>_<yyyyMMdd_HHmmss>.sql.gz).")
                { Target = Store.Describe(key) };
            }

            var found = Store.Find(key, cancel)
                ?? throw new B1BackupException("BackupNotFound", FailureKind.NotFound, $"'{Store.Describe(key)}' does not exist; list backups with Get-B1Backup.") { Target = Store.Describe(key) };
            return Describe(found, Store.Find(key + BackupName.ChecksumSuffix, cancel) != null, Store.Find(key + BackupManifest.Suffix, cancel) != null, now, cancel);
        }

        /// <summary>Streams the backup and compares its SHA-256 with its .sha256, with the reasons a local check gives.</summary>
        public ChecksumResult Verify(string key, CancellationToken cancel)
        {
            string name = key.Substring(key.LastIndexOf('/') + 1);
            var result = new ChecksumResult { FullName = Store.Describe(key), ChecksumPath = Store.Describe(key + BackupName.ChecksumSuffix) };
            var data = Store.Find(key, cancel);
            string? sidecar = Store.ReadText(key + BackupName.ChecksumSuffix, SidecarMaxBytes, cancel);
            if (data == null)
            {
                result.ChecksumPath = sidecar != null ? result.ChecksumPath : null;
                return Fail(result, ChecksumReason.FileNotFound, "The backup does not exist in the store. List what is there with Get-B1Backup.");
            }

            long prefix = -1;
            long recordedSize = 0;
            if (Store.Find(key + BackupManifest.Suffix, cancel) != null)
            {
                try
                {
                    var manifest = BackupManifest.FromJson(Store.ReadText(key + BackupManifest.Suffix, BackupManifest.MaxBytes, cancel) ?? string.Empty);
                    recordedSize = manifest.Size;
                    prefix = manifest.Size > 0 && manifest.Size < data.Size ? manifest.Size : -1;
                }
                catch (Exception e) when (e is JsonException || e is InvalidDataException || e is NotSupportedException)
                {
                    // An unreadable manifest only costs the trailing-data diagnosis; the checksum decides.
                }
            }

            string actual;
            string? prefixActual;
            try
            {
                using var hashing = new HashingReadStream(Store.OpenRead(key, cancel), prefix);
                byte[] buffer = new byte[1 << 20];
                while (hashing.Read(buffer, 0, buffer.Length) > 0)
                {
                    cancel.ThrowIfCancellationRequested();
                }

                actual = hashing.HashHex();
                prefixActual = hashing.PrefixHashHex();
            }
            catch (IOException e)
            {
                return Fail(result, ChecksumReason.Unreadable, e.Message);
            }

            return ChecksumVerifier.Judge(result, name, data.Size, actual, sidecar,
                expected => prefixActual != null && string.Equals(prefixActual, expected, StringComparison.Ordinal), () => recordedSize > data.Size);
        }

        /// <summary>The newest backup of this environment and database that is trusted and passes its checksum, or null.</summary>
        public string? NewestGood(string environment, string? database, DateTime now, CancellationToken cancel) =>
            List(now, cancel)
                .Where(b => b.Environment == environment && string.Equals(b.Database, database, StringComparison.Ordinal))
                .Where(b => b.Age >= TimeSpan.FromMinutes(-5) && b.Problem == null)
                .FirstOrDefault(b => Verify(KeyOf(b.Environment, b.Name), cancel).Passed)?.FullName;

        /// <summary>Deletes the data, then its sidecars: a lock on the data stops it before the checksum goes.</summary>
        public void Delete(string key, CancellationToken cancel)
        {
            // Asked first: on a versioned bucket a delete of a locked object "succeeds" as a delete marker, and the backup vanishes from listings.
            string? locked = Store.Find(key, cancel)?.LockedBecause;
            if (locked != null)
            {
                throw new ObjectLockedException(Store.Describe(key), locked);
            }

            Store.Delete(key, cancel);
            foreach (string suffix in SidecarSuffixes)
            {
                Store.Delete(key + suffix, cancel);
            }
        }

        internal static bool IsBackupKey(string key)
        {
            string[] parts = key.Split('/');
            return parts.Length == 2 && BackupName.TryParse(parts[1], out string environment, out _, out _) && environment == parts[0];
        }

        private BackupInfo Describe(StoredObject data, bool hasChecksum, bool hasManifest, DateTime now, CancellationToken cancel)
        {
            string name = data.Key.Substring(data.Key.IndexOf('/') + 1);
            // Only keys IsBackupKey accepted get here.
            _ = BackupName.TryParse(name, out string environment, out DateTime timestamp, out CompressionKind compression);
            var backup = new BackupInfo
            {
                FullName = Store.Describe(data.Key),
                Name = name,
                Environment = environment,
                Timestamp = timestamp,
                Age = now - timestamp,
                Size = data.Size,
                Compression = compression,
                ChecksumPath = hasChecksum ? Store.Describe(data.Key + BackupName.ChecksumSuffix) : null,
                LockedBecause = data.LockedBecause,
            };
            if (!hasManifest)
            {
                // A dump made by another tool (the old scripts' mariadb-dump | gzip): its header names the database.
                if (data.Size > 0)
                {
                    using var start = Store.OpenReadStart(data.Key, 64 << 10, cancel);
                    BackupStore.ReadDumpHeader(start, compression, backup);
                }

                return backup;
            }

            try
            {
                var manifest = BackupManifest.FromJson(Store.ReadText(data.Key + BackupManifest.Suffix, BackupManifest.MaxBytes, cancel) ?? string.Empty);
                backup.Problem = manifest.Problem(DateTimeOffset.UtcNow);
                if (backup.Problem == null)
                {
                    backup.ApplyManifest(manifest, Store.Describe(data.Key + BackupManifest.Suffix), now);
                }
            }
            catch (Exception e) when (e is JsonException || e is InvalidDataException || e is NotSupportedException || e is OverflowException)
            {
                backup.Problem = "its manifest cannot be read (" + e.GetType().Name + ")";
            }
            catch (B1BackupException e) when (e.ErrorId == "SidecarTooLarge")
            {
                backup.Problem = $"its manifest is larger than {BackupManifest.MaxBytes >> 20} MB";
            }

            return backup;
        }

        private static ChecksumResult Fail(ChecksumResult result, ChecksumReason reason, string message)
        {
            result.Passed = false;
            result.Reason = reason;
            result.Message = message;
            return result;
        }
    }
}
