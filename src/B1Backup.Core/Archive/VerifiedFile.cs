using System;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;
using B1Backup.Core.Store;

namespace B1Backup.Core.Archive
{
    /// <summary>
    /// A backup file opened once: its SHA-256 (and each part's) computed on this handle, and every later
    /// read made through the same handle and hashed again. Replacing the file by path after the check
    /// changes nothing (the handle keeps the checked file); rewriting its bytes in place is found when
    /// a part's hash differs, before the restored copy is swapped in.
    /// </summary>
    public sealed class VerifiedFile : IDisposable
    {
        private readonly FileStream file;
        private readonly Dictionary<(long Offset, long Length), byte[]> rangeHashes = new Dictionary<(long Offset, long Length), byte[]>();

        private VerifiedFile(string path, FileStream file)
        {
            Path = path;
            this.file = file;
            Length = file.Length;
        }

        public string Path { get; }

        public long Length { get; }

        /// <summary>The whole file's SHA-256, lower-case hex, as sha256sum writes it.</summary>
        public string Sha256 { get; private set; } = string.Empty;

        /// <summary>
        /// Opens the file and hashes it in one pass: the whole, and each range (offset, length) given,
        /// so that reads of those ranges later can be checked against what was verified.
        /// </summary>
        public static VerifiedFile Open(string path, IReadOnlyList<(long Offset, long Length)>? ranges = null)
        {
            // Unbuffered: every read after the check goes to the file, so a change is seen and caught by the hashes, never masked by a stale buffer.
            var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.None);
            var verified = new VerifiedFile(path, stream);
            try
            {
                verified.HashAll(ranges ?? Array.Empty<(long, long)>());
                return verified;
            }
            catch
            {
                stream.Dispose();
                throw;
            }
        }

        /// <summary>A forward-only read of one verified range; <see cref="VerifiedRange.Finish"/> checks its hash.</summary>
        internal VerifiedRange OpenRange(long offset, long length)
        {
            byte[]? expected;
            lock (rangeHashes)
            {
                rangeHashes.TryGetValue((offset, length), out expected);
            }

            if (expected == null && !(offset == 0 && length == Length))
            {
                throw new InvalidOperationException("Only ranges hashed when the file was opened can be read.");
            }

            return new VerifiedRange(this, offset, length, expected ?? wholeHash!);
        }

        /// <summary>The whole file, checked against the SHA-256 it was verified with.</summary>
        internal VerifiedRange OpenAll() => OpenRange(0, Length);

        internal int ReadAt(long position, byte[] buffer, int offset, int count)
        {
            lock (file)
            {
                file.Seek(position, SeekOrigin.Begin);
                return file.Read(buffer, offset, count);
            }
        }

        public void Dispose() => file.Dispose();

        private byte[]? wholeHash;

        private void HashAll(IReadOnlyList<(long Offset, long Length)> ranges)
        {
            using var whole = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var sorted = new List<(long Offset, long Length)>(ranges);
            sorted.Sort((a, b) => a.Offset != b.Offset ? a.Offset.CompareTo(b.Offset) : a.Length.CompareTo(b.Length));
            bool sliced = sorted.Count > 0 && IsTiling(sorted);
            byte[] buffer = new byte[1 << 20];
            long position = 0;
            int next = 0;
            IncrementalHash? part = sliced ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256) : null;
            try
            {
                file.Seek(0, SeekOrigin.Begin);
                while (true)
                {
                    // A range ends here (empty ones too): its hash is complete.
                    while (sliced && next < sorted.Count && position == sorted[next].Offset + sorted[next].Length)
                    {
                        rangeHashes[(sorted[next].Offset, sorted[next].Length)] = part!.GetHashAndReset();
                        next++;
                    }

                    if (position >= Length)
                    {
                        break;
                    }

                    // Never read across the end of a range: each range's hash is its own.
                    long limit = sliced ? sorted[next].Offset + sorted[next].Length : Length;
                    int read = file.Read(buffer, 0, (int)Math.Min(buffer.Length, limit - position));
                    if (read <= 0)
                    {
                        throw new IOException("The backup file became shorter while it was being verified.");
                    }

                    whole.AppendData(buffer, 0, read);
                    part?.AppendData(buffer, 0, read);
                    position += read;
                }

                wholeHash = whole.GetHashAndReset();
                Sha256 = ChecksumFile.ToHex(wholeHash);
            }
            finally
            {
                part?.Dispose();
            }
        }

        /// <summary>Ranges that cover the file exactly, one after another: otherwise they are not hashed one by one.</summary>
        private bool IsTiling(List<(long Offset, long Length)> sorted)
        {
            long expected = 0;
            foreach (var (offset, length) in sorted)
            {
                if (offset != expected || length < 0)
                {
                    return false;
                }

                expected += length;
            }

            return expected == Length;
        }
    }
}
