using System;
using System.IO;
using System.Text;

namespace B1Backup.Core.Archive
{
    /// <summary>
    /// Writes a backup under a temporary name in the target folder, member by member, hashing the
    /// bytes as they leave, and publishes it under its final name only when complete and flushed to
    /// disk. Disposing an archive that was not completed deletes the partial file.
    /// Streamed (a backup into a store), every byte also goes to an upload, which the caller commits
    /// after its checks, and the local file keeps only the parts those checks read (header, schema,
    /// objects, footer): the data parts are holes, so the backup is never on local disk whole.
    /// </summary>
    public sealed class ArchiveWriter : IDisposable
    {
        public const string PartialMarker = ".partial-";

        private readonly FileStream file;
        private readonly HashingStream hashing;
        private readonly SparseTee? tee;
        private long uncompressed;
        private bool completed;

        private ArchiveWriter(string finalPath, Remote.IStagedUpload? upload)
        {
            FinalPath = finalPath;
            TemporaryPath = finalPath + PartialMarker + Guid.NewGuid().ToString("N").Substring(0, 8);
            file = new FileStream(TemporaryPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
            FileProtection.RestrictFile(TemporaryPath);
            tee = upload != null ? new SparseTee(file, upload) : null;
            hashing = new HashingStream((Stream?)tee ?? file);
        }

        /// <summary>True when the archive goes to an upload and the local file holds only the definition parts.</summary>
        public bool IsStreamed => tee != null;

        public string FinalPath { get; }

        public string TemporaryPath { get; }

        /// <summary>Bytes written to the file so far: where the next member starts.</summary>
        public long Position => hashing.BytesWritten;

        public static ArchiveWriter Create(string finalPath, Remote.IStagedUpload? upload = null)
        {
            if (File.Exists(finalPath))
            {
                throw new B1BackupException("BackupExists", FailureKind.WriteError,
                    $"'{finalPath}' already exists and is never overwritten. Wait a second and run the backup again.")
                { Target = finalPath };
            }

            return new ArchiveWriter(finalPath, upload);
        }

        /// <summary>Appends one compressed member; returns the offset it starts at.</summary>
        public long WriteMember(byte[] data, int count, long uncompressedLength, string kind)
        {
            long offset = StartMember(uncompressedLength, kind);
            hashing.Write(data, 0, count);
            return offset;
        }

        /// <summary>Appends one compressed member held in segments; returns the offset it starts at.</summary>
        internal long WriteMember(SegmentedBuffer data, long uncompressedLength, string kind)
        {
            long offset = StartMember(uncompressedLength, kind);
            data.WriteTo(hashing);
            return offset;
        }

        private long StartMember(long uncompressedLength, string kind)
        {
            if (tee != null)
            {
                tee.KeepLocally = kind != Store.MemberKind.Data;
            }

            uncompressed += uncompressedLength;
            return hashing.BytesWritten;
        }

        /// <summary>Flushes the file to disk and renames it to its final name.</summary>
        public ArchiveResult Complete()
        {
            hashing.Flush();
            if (tee != null)
            {
                // The file ends where the archive ends, even when its last bytes were a hole.
                file.SetLength(hashing.BytesWritten);
            }

            file.Flush(flushToDisk: true);
            var result = new ArchiveResult
            {
                Path = FinalPath,
                Size = hashing.BytesWritten,
                UncompressedSize = uncompressed,
                Sha256 = hashing.HashHex(),
            };
            file.Dispose();
            try
            {
                File.Move(TemporaryPath, FinalPath);
            }
            catch (IOException e) when (File.Exists(FinalPath))
            {
                throw new B1BackupException("BackupExists", FailureKind.WriteError,
                    $"'{FinalPath}' appeared while the backup ran and is never overwritten; the new backup was discarded. Run it again.", e)
                { Target = FinalPath };
            }

            completed = true;
            return result;
        }

        public void Dispose()
        {
            if (completed)
            {
                return;
            }

            try
            {
                file.Dispose();
            }
            catch (IOException)
            {
                // Flushing the last buffer of a full disk fails; the file goes anyway.
            }

            File.Delete(TemporaryPath);
        }

        /// <summary>Writes a small sidecar under a temporary name, flushes it and renames it into place.</summary>
        public static void WriteSidecar(string path, string content)
        {
            string temporary = path + PartialMarker + Guid.NewGuid().ToString("N").Substring(0, 8);
            try
            {
                using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
                {
                    FileProtection.RestrictFile(temporary);
                    byte[] bytes = new UTF8Encoding(false).GetBytes(content);
                    stream.Write(bytes, 0, bytes.Length);
                    stream.Flush(flushToDisk: true);
                }

                File.Move(temporary, path);
            }
            finally
            {
                if (File.Exists(temporary))
                {
                    File.Delete(temporary);
                }
            }
        }
    }
}
