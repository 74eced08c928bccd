using System;
using System.IO;
using System.IO.Compression;
using System.Text;

namespace B1Backup.Core.Store
{
    /// <summary>Checks a backup against its .sha256 sidecar and, when they differ, tells why.</summary>
    public static class ChecksumVerifier
    {
        /// <summary>Checks the SHA-256 and, given the key it was signed with, the signature.</summary>
        /// <param name="actualSha256">The file's SHA-256 as already computed on the handle the caller keeps reading from; null: computed here.</param>
        public static ChecksumResult Verify(string backupPath, byte[]? signingKey = null, string? actualSha256 = null)
        {
            var result = new ChecksumResult { FullName = backupPath, ChecksumPath = ChecksumFile.PathFor(backupPath) };
            try
            {
                VerifyInto(result, actualSha256);
                if (result.Passed && signingKey != null && !BackupSignature.Verify(signingKey, backupPath, result.Actual!, out string problem))
                {
                    return Fail(result, File.Exists(BackupSignature.PathFor(backupPath)) ? ChecksumReason.SignatureMismatch : ChecksumReason.SignatureMissing,
                        problem + " Do not restore this file unless you know why.");
                }

                if (result.Passed && signingKey != null)
                {
                    result.Message = "The backup matches its checksum and its signature.";
                }

                return result;
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                return Fail(result, ChecksumReason.Unreadable, $"The backup or its checksum file could not be read ({e.Message}). Check the file's permissions and that no other program holds it open.");
            }
        }

        private static ChecksumResult VerifyInto(ChecksumResult result, string? actualSha256)
        {
            string path = result.FullName;
            if (!File.Exists(path))
            {
                result.ChecksumPath = File.Exists(result.ChecksumPath) ? result.ChecksumPath : null;
                return Fail(result, ChecksumReason.FileNotFound, "The backup file does not exist. List what is there with Get-B1Backup.");
            }

            long size = new FileInfo(path).Length;
            string? sidecar = File.Exists(result.ChecksumPath) ? File.ReadAllText(result.ChecksumPath!, Encoding.UTF8) : null;
            return Judge(result, System.IO.Path.GetFileName(path), size, actualSha256 ?? ChecksumFile.ComputeSha256(path), sidecar,
                expected => HasTrailingData(path, size, expected), () => LooksTruncated(path, size));
        }

        /// <summary>
        /// The verdict on a backup named <paramref name="name"/> of <paramref name="size"/> bytes whose SHA-256
        /// is <paramref name="actual"/>, against the text of its .sha256 (null: there is none). A file on disk
        /// and an object in a store are judged alike; only how appended bytes and a cut-short copy are told differs.
        /// </summary>
        internal static ChecksumResult Judge(ChecksumResult result, string name, long size, string actual, string? sidecar,
            Func<string, bool> hasTrailingData, Func<bool> looksTruncated)
        {
            result.Actual = actual;
            if (sidecar == null)
            {
                result.ChecksumPath = null;
                return Fail(result, ChecksumReason.ChecksumFileMissing,
                    $"There is no checksum file '{name}{BackupName.ChecksumSuffix}' beside the backup, so its integrity cannot be proven. Restore it only if you trust it, or take a new backup.");
            }

            if (!ChecksumFile.TryParse(sidecar, out string expected, out string namedFile))
            {
                return Fail(result, ChecksumReason.ChecksumFileMalformed,
                    "The checksum file is not in sha256sum format ('<64 hex digits>  <file name>'). It may be damaged; do not trust this backup until it is checked another way.");
            }

            result.Expected = expected;
            string namedLeaf = namedFile.Replace('\\', '/');
            namedLeaf = namedLeaf.Substring(namedLeaf.LastIndexOf('/') + 1);
            if (!string.Equals(namedLeaf, name, StringComparison.Ordinal))
            {
                return Fail(result, ChecksumReason.ChecksumFileNamesOtherFile,
                    $"The checksum file names '{namedLeaf}', not this backup. It was probably copied or renamed by mistake.");
            }

            if (size == 0)
            {
                return Fail(result, ChecksumReason.EmptyFile, "The backup is empty (0 bytes): the backup that wrote it did not finish. Use an older backup.");
            }

            if (string.Equals(actual, expected, StringComparison.Ordinal))
            {
                result.Passed = true;
                result.Reason = ChecksumReason.OK;
                result.Message = "The backup matches its checksum.";
                return result;
            }

            if (hasTrailingData(expected))
            {
                return Fail(result, ChecksumReason.TrailingData,
                    "Bytes were appended to the backup after it was written (its recorded part is intact). Do not restore it as it is; copy it again from its source.");
            }

            if (looksTruncated())
            {
                return Fail(result, ChecksumReason.Truncated,
                    "The backup is shorter than when it was written (cut off by a full disk, an interrupted copy or upload, or a crash). Use an older backup or copy it again from its source.");
            }

            return Fail(result, ChecksumReason.ChecksumMismatch,
                "The backup's SHA-256 differs from its checksum file: its content changed after it was written. Do not restore it; use an older backup or copy it again from its source.");
        }

        /// <summary>A file longer than its manifest records whose recorded part still hashes right had bytes appended.</summary>
        private static bool HasTrailingData(string path, long size, string expected)
        {
            var manifest = BackupManifest.TryRead(path);
            if (manifest == null || manifest.Size <= 0 || size <= manifest.Size)
            {
                return false;
            }

            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            using var sha = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
            byte[] buffer = new byte[1 << 16];
            long remaining = manifest.Size;
            while (remaining > 0)
            {
                int read = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, remaining));
                if (read <= 0)
                {
                    return false;
                }

                sha.AppendData(buffer, 0, read);
                remaining -= read;
            }

            return ChecksumFile.ToHex(sha.GetHashAndReset()) == expected;
        }

        /// <summary>
        /// Tells a file that was cut short from one that was altered. The manifest records the size;
        /// without one, a gzip file whose last member's trailer disagrees with what decompresses is cut.
        /// </summary>
        private static bool LooksTruncated(string path, long size)
        {
            var manifest = BackupManifest.TryRead(path);
            if (manifest != null && manifest.Size > 0)
            {
                return size < manifest.Size;
            }

            if (!path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) || size < 18)
            {
                return false;
            }

            long decompressed = 0;
            byte[] trailer = new byte[4];
            using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16))
            {
                file.Seek(-4, SeekOrigin.End);
                if (ReadFully(file, trailer) < trailer.Length)
                {
                    return false;
                }

                file.Seek(0, SeekOrigin.Begin);
                try
                {
                    using var gzip = new GZipStream(file, CompressionMode.Decompress, leaveOpen: true);
                    byte[] buffer = new byte[1 << 16];
                    int read;
                    while ((read = gzip.Read(buffer, 0, buffer.Length)) > 0)
                    {
                        decompressed += read;
                    }
                }
                catch (InvalidDataException)
                {
                    // zlib found a bad block or CRC: the content was altered, not cut.
                    return false;
                }
            }

            // A complete single-member file ends with ISIZE = uncompressed length mod 2^32.
            uint isize = BitConverter.ToUInt32(trailer, 0);
            return isize != (uint)decompressed;
        }

        private static ChecksumResult Fail(ChecksumResult result, ChecksumReason reason, string message)
        {
            result.Passed = false;
            result.Reason = reason;
            result.Message = message;
            return result;
        }

        private static int ReadFully(Stream stream, byte[] buffer)
        {
            int total = 0;
            int read;
            while (total < buffer.Length && (read = stream.Read(buffer, total, buffer.Length - total)) > 0)
            {
                total += read;
            }

            return total;
        }
    }
}
