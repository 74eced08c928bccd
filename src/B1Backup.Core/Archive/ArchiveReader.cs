using System;
using System.IO;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using B1Backup.Core.Store;

namespace B1Backup.Core.Archive
{
    /// <summary>Opens a backup's SQL text whatever its compression, and checks that it is whole.</summary>
    public static class ArchiveReader
    {
        /// <summary>The last line mysqldump and mariadb-dump write ("-- Dump completed on ..." or "-- Dump completed").</summary>
        public const string MysqldumpEndMarker = "-- Dump completed";

        public static CompressionKind CompressionOf(string path) =>
            path.EndsWith(MemberCipher.Suffix, StringComparison.OrdinalIgnoreCase) ? CompressionOf(path.Substring(0, path.Length - MemberCipher.Suffix.Length))
            : path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? CompressionKind.Gzip
            : path.EndsWith(".zst", StringComparison.OrdinalIgnoreCase) ? CompressionKind.Zstd
            : CompressionKind.None;

        /// <summary>The decompressed script of a backup file, read from <paramref name="file"/>.</summary>
        public static Stream OpenContent(Stream file, CompressionKind compression) => compression switch
        {
            CompressionKind.Gzip => new GZipStream(file, CompressionMode.Decompress),
            CompressionKind.Zstd => new ZstdSharp.DecompressionStream(file),
            _ => file,
        };

        public static FileStream OpenFile(string path) =>
            new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);

        /// <summary>The decompressed text of one member of a file.</summary>
        public static string ReadMemberText(string path, BackupManifest manifest, int index, MemberCipher? cipher)
        {
            using var file = OpenFile(path);
            using var content = OpenMember(file, path, manifest, index, cipher);
            using var reader = new StreamReader(content, Encoding.UTF8);
            return reader.ReadToEnd();
        }

        /// <summary>One member's decompressed content, decrypted first when the backup is encrypted.</summary>
        public static Stream OpenMember(FileStream file, string path, BackupManifest manifest, int index, MemberCipher? cipher)
        {
            var member = manifest.Members[index];
            lock (file)
            {
                file.Seek(member.Offset, SeekOrigin.Begin);
                if (cipher != null)
                {
                    return OpenContent(new MemoryStream(cipher.Decrypt(ReadEncryptedPart(file, member.Length), index, path)), CompressionOf(path));
                }
            }

            return OpenContent(new BoundedStream(file, member.Length), CompressionOf(path));
        }

        /// <summary>One member of a verified file, decrypted when encrypted; call Finish on <paramref name="range"/> once it is read.</summary>
        internal static Stream OpenMember(VerifiedFile source, BackupManifest manifest, int index, MemberCipher? cipher, out VerifiedRange range)
        {
            var member = manifest.Members[index];
            range = source.OpenRange(member.Offset, member.Length);
            if (cipher == null)
            {
                return OpenContent(range, CompressionOf(source.Path));
            }

            byte[] data = ReadEncryptedPart(range, member.Length);
            range.Finish();
            return OpenContent(new MemoryStream(cipher.Decrypt(data, index, source.Path)), CompressionOf(source.Path));
        }

        /// <summary>An encrypted part is decrypted whole: its bytes, exactly.</summary>
        private static byte[] ReadEncryptedPart(Stream input, long length)
        {
            byte[] data = new byte[length];
            int read = 0;
            while (read < data.Length)
            {
                int n = input.Read(data, read, data.Length - read);
                if (n <= 0)
                {
                    throw new EndOfStreamException("The file ends inside an encrypted part.");
                }

                read += n;
            }

            return data;
        }

        /// <summary>True when the text's last non-empty line is an end-of-dump line.</summary>
        public static bool EndsWithEndMarker(string text)
        {
            string last = text.TrimEnd('\n', '\r', ' ', '\t');
            last = last.Substring(last.LastIndexOf('\n') + 1).Trim();
            return last.StartsWith(Engine.DumpWriter.EndMarkerPrefix, StringComparison.Ordinal) || last.StartsWith(MysqldumpEndMarker, StringComparison.Ordinal);
        }

        /// <summary>Reads the whole file once: SHA-256 of the bytes on disk, and the script's last line.</summary>
        public static ContentCheck Check(string path, Action<long, long>? progress = null)
        {
            var check = new ContentCheck();
            using var file = OpenFile(path);
            long total = file.Length;
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            using var hashing = new ReadHashingStream(file, sha);
            try
            {
                using var content = OpenContent(hashing, CompressionOf(path));
                var tail = new TailKeeper(4096);
                byte[] buffer = new byte[1 << 16];
                int read;
                long reported = 0;
                while ((read = content.Read(buffer, 0, buffer.Length)) > 0)
                {
                    check.UncompressedSize += read;
                    tail.Add(buffer, read);
                    if (progress != null && hashing.Position - reported > (8 << 20))
                    {
                        reported = hashing.Position;
                        progress(reported, total);
                    }
                }

                // Bytes after the last gzip member that the decompressor did not ask for still count.
                hashing.DrainRest();
                check.LastLine = tail.LastLine();
                check.HasEndMarker = check.LastLine.StartsWith(Engine.DumpWriter.EndMarkerPrefix, StringComparison.Ordinal)
                    || check.LastLine.StartsWith(MysqldumpEndMarker, StringComparison.Ordinal);
                if (!check.HasEndMarker)
                {
                    check.Problem = "The script does not end with an end-of-dump line: the dump was cut short when it was written, or the file was truncated since.";
                }
            }
            catch (Exception e) when (e is InvalidDataException || e is ZstdSharp.ZstdException || e is EndOfStreamException)
            {
                hashing.DrainRest();
                check.Problem = "The file cannot be decompressed: " + e.Message;
            }

            check.Sha256 = ChecksumFile.ToHex(sha.GetHashAndReset());
            return check;
        }

        /// <summary>Hashes what the decompressor reads from the file, and whatever it leaves unread at the end.</summary>
        private sealed class ReadHashingStream : Stream
        {
            private readonly Stream inner;
            private readonly IncrementalHash hash;
            private long position;

            public ReadHashingStream(Stream inner, IncrementalHash hash)
            {
                this.inner = inner;
                this.hash = hash;
            }

            public override bool CanRead => true;

            public override bool CanSeek => false;

            public override bool CanWrite => false;

            public override long Length => inner.Length;

            public override long Position { get => position; set => throw new NotSupportedException(); }

            public override int Read(byte[] buffer, int offset, int count)
            {
                int read = inner.Read(buffer, offset, count);
                hash.AppendData(buffer, offset, read);
                position += read;
                return read;
            }

            public void DrainRest()
            {
                byte[] buffer = new byte[1 << 16];
                while (Read(buffer, 0, buffer.Length) > 0)
                {
                }
            }

            public override void Flush()
            {
            }

            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

            public override void SetLength(long value) => throw new NotSupportedException();

            public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

            protected override void Dispose(bool disposing)
            {
                // The file is disposed by its owner: only this wrapper goes.
                base.Dispose(disposing);
            }
        }
    }
}
