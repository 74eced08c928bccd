using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;

namespace B1Backup.Core.Store
{
    /// <summary>The backup folder on disk: &lt;root&gt;/&lt;environment&gt;/backup_&lt;env&gt;_&lt;timestamp&gt;.sql.gz plus sidecars.</summary>
    public static class BackupStore
    {
        private static readonly Regex DumpHeaderDatabase = new Regex(@"^-- Host: (?<host>\S+)\s+Database: (?<db>\S+)", RegexOptions.Multiline | RegexOptions.CultureInvariant);

        private static readonly Regex DumpHeaderServer = new Regex(@"^-- Server version\s+(?<version>\S.*)$", RegexOptions.Multiline | RegexOptions.CultureInvariant);

        /// <summary>Every backup under the root, newest first. A missing root yields nothing.</summary>
        public static IReadOnlyList<BackupInfo> List(string root, DateTime now)
        {
            var backups = new List<BackupInfo>();
            if (!Directory.Exists(root))
            {
                return backups;
            }

            foreach (string folder in Directory.EnumerateDirectories(root))
            {
                string folderEnvironment = Path.GetFileName(folder);
                foreach (string file in Directory.EnumerateFiles(folder, "backup_*"))
                {
                    if (BackupName.TryParse(Path.GetFileName(file), out string environment, out _, out _)
                        && string.Equals(environment, folderEnvironment, StringComparison.Ordinal))
                    {
                        backups.Add(Describe(file, now));
                    }
                }
            }

            return backups.OrderByDescending(b => b.Timestamp).ThenByDescending(b => b.Name, StringComparer.Ordinal).ToList();
        }

        /// <summary>
        /// The newest backup of this environment and database in the folder that passes its checksum:
        /// the one retention must never delete by accident. Null when none passes.
        /// </summary>
        public static string? NewestGoodBackup(string folder, string environment, string? database, DateTime now)
        {
            if (!Directory.Exists(folder))
            {
                return null;
            }

            var candidates = Directory.EnumerateFiles(folder, "backup_*")
                .Where(f => BackupName.TryParse(Path.GetFileName(f), out string env, out _, out _) && env == environment)
                .Select(f => Describe(f, now))
                .Where(b => string.Equals(b.Database, database, StringComparison.Ordinal))
                .OrderByDescending(b => b.Timestamp)
                .ThenByDescending(b => b.Name, StringComparer.Ordinal);
            // A backup dated in the future, or with a manifest that cannot be trusted, is never "the newest good one":
            // otherwise a planted file would leave the real newest backup unprotected from retention.
            return candidates.FirstOrDefault(b => b.Age >= TimeSpan.FromMinutes(-5) && b.Problem == null && ChecksumVerifier.Verify(b.FullName).Passed)?.FullName;
        }

        /// <summary>Deletes a backup and every sidecar of it; the dump goes last so a half-done delete still lists.</summary>
        public static void Delete(BackupInfo backup)
        {
            foreach (string sidecar in new[] { ChecksumFile.PathFor(backup.FullName), BackupSignature.PathFor(backup.FullName), BackupManifest.PathFor(backup.FullName) })
            {
                if (File.Exists(sidecar))
                {
                    File.Delete(sidecar);
                }
            }

            File.Delete(backup.FullName);
        }

        /// <summary>Files left by interrupted backups or sidecar writes, under the root's environment folders.</summary>
        public static IReadOnlyList<FileInfo> ListPartial(string root)
        {
            if (!Directory.Exists(root))
            {
                return Array.Empty<FileInfo>();
            }

            return Directory.EnumerateDirectories(root)
                .SelectMany(folder => Directory.EnumerateFiles(folder, "backup_*" + Archive.ArchiveWriter.PartialMarker + "*"))
                .Select(f => new FileInfo(f))
                .OrderBy(f => f.LastWriteTimeUtc)
                .ToList();
        }

        /// <summary>Describes one backup file from its name, its manifest, or else the header of the dump.</summary>
        public static BackupInfo Describe(string file, DateTime now)
        {
            string fullPath = Path.GetFullPath(file);
            string name = Path.GetFileName(fullPath);
            if (!BackupName.TryParse(name, out string environment, out DateTime timestamp, out CompressionKind compression))
            {
                throw new B1BackupException("NotABackupFile", FailureKind.InvalidArgument,
                    $"'{name}' is not named like a backup (backup_<environment>_<yyyyMMdd_HHmmss>.sql.gz).")
                { Target = fullPath };
            }

            var info = new FileInfo(fullPath);
            string checksumPath = ChecksumFile.PathFor(fullPath);
            var backup = new BackupInfo
            {
                FullName = fullPath,
                Name = name,
                Environment = environment,
                Timestamp = timestamp,
                Age = now - timestamp,
                Size = info.Exists ? info.Length : 0,
                Compression = compression,
                ChecksumPath = File.Exists(checksumPath) ? checksumPath : null,
            };

            var manifest = BackupManifest.TryRead(fullPath, out string? problem);
            backup.Problem = problem;
            if (manifest != null)
            {
                backup.ApplyManifest(manifest, BackupManifest.PathFor(fullPath), now);
            }
            else if (info.Exists && info.Length > 0 && problem == null)
            {
                ReadDumpHeader(fullPath, compression, backup);
            }

            return backup;
        }

        /// <summary>mysqldump and mariadb-dump name the host, database and server version in their first lines.</summary>
        private static void ReadDumpHeader(string path, CompressionKind compression, BackupInfo backup)
        {
            try
            {
                using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096);
                ReadDumpHeader(file, compression, backup);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                // An unreadable file is listed without what its header would have said.
            }
        }

        /// <summary>Fills the database, host and server version from the first lines of a mariadb-dump or mysqldump file.</summary>
        internal static void ReadDumpHeader(Stream file, CompressionKind compression, BackupInfo backup)
        {
            string header;
            try
            {
                using Stream content = Archive.ArchiveReader.OpenContent(file, compression);

                byte[] buffer = new byte[4096];
                int total = 0;
                int read;
                while (total < buffer.Length && (read = content.Read(buffer, total, buffer.Length - total)) > 0)
                {
                    total += read;
                }

                header = Encoding.UTF8.GetString(buffer, 0, total);
            }
            catch (Exception e) when (e is IOException || e is InvalidDataException || e is UnauthorizedAccessException || e is ZstdSharp.ZstdException)
            {
                return;
            }

            var database = DumpHeaderDatabase.Match(header);
            if (database.Success)
            {
                backup.Database = database.Groups["db"].Value;
                backup.Server = database.Groups["host"].Value;
            }

            var version = DumpHeaderServer.Match(header);
            if (version.Success)
            {
                backup.ServerVersion = version.Groups["version"].Value.Trim();
            }
        }
    }
}
