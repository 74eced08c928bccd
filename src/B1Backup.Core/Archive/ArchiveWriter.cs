using System;
using System.IO;
using System.IO.Compression;
using System.Text;
using B1Backup.Core.Store;

namespace B1Backup.Core.Archive
{
    /// <summary>What a finished archive is: its final path, size, SHA-256 and uncompressed size.</summary>
    public sealed class ArchiveResult
    {
        public string Path { get; set; } = string.Empty;

        public long Size { get; set; }

        public long UncompressedSize { get; set; }

        public string Sha256 { get; set; } = string.Empty;
    }

    /// <summary>
    /// Writes a backup under a temporary name in the target folder, hashing the bytes as they leave,
    /// and publishes it under its final name only when complete and flushed to disk. Disposing an
    /// archive that was not completed deletes the partial file.
    /// </summary>
    public sealed class ArchiveWriter : IDisposable
    {
        public const string PartialMarker = ".partial-";

        private readonly FileStream file;
        private readonly HashingStream hashing;
        private readonly Stream compressor;
        private readonly CountingStream counting;
        private bool completed;

        private ArchiveWriter(string finalPath, CompressionKind compression)
        {
            FinalPath = finalPath;
            TemporaryPath = finalPath + PartialMarker + Guid.NewGuid().ToString("N").Substring(0, 8);
            file = new FileStream(TemporaryPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
            hashing = new HashingStream(file);
            compressor = compression switch
            {
                CompressionKind.Gzip => new GZipStream(hashing, CompressionLevel.Optimal, leaveOpen: true),
                CompressionKind.None => new NonClosingStream(hashing),
                _ => throw new B1BackupException("CompressionNotSupported", FailureKind.NotSupported, $"Compression {compression} is not supported yet; use Gzip or None."),
            };
            counting = new CountingStream(compressor);
            Text = new StreamWriter(counting, new UTF8Encoding(false), 1 << 16);
        }

        public string FinalPath { get; }

        public string TemporaryPath { get; }

        /// <summary>How many bytes of script have been written so far (flushes the text writer).</summary>
        public long UncompressedPosition
        {
            get
            {
                Text.Flush();
                return counting.BytesWritten;
            }
        }

        /// <summary>The dump's text goes here.</summary>
        public TextWriter Text { get; }

        public static ArchiveWriter Create(string finalPath, CompressionKind compression)
        {
            if (File.Exists(finalPath))
            {
                throw new B1BackupException("BackupExists", FailureKind.WriteError,
                    $"'{finalPath}' already exists and is never overwritten. Wait a second and run the backup again.") { Target = finalPath };
            }

            return new ArchiveWriter(finalPath, compression);
        }

        /// <summary>Closes the compressed stream, flushes the file to disk and renames it to its final name.</summary>
        public ArchiveResult Complete()
        {
            Text.Flush();
            counting.Flush();
            compressor.Dispose();
            hashing.Flush();
            file.Flush(flushToDisk: true);
            var result = new ArchiveResult
            {
                Path = FinalPath,
                Size = hashing.BytesWritten,
                UncompressedSize = counting.BytesWritten,
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
                    $"'{FinalPath}' appeared while the backup ran and is never overwritten; the new backup was discarded. Run it again.", e) { Target = FinalPath };
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
                Text.Dispose();
            }
            catch (Exception e) when (e is IOException || e is ObjectDisposedException || e is InvalidDataException)
            {
                // The disk may be full; the partial file is removed below either way.
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

        /// <summary>Lets the text writer close without closing the hashing stream under it.</summary>
        private sealed class NonClosingStream : Stream
        {
            private readonly Stream inner;

            public NonClosingStream(Stream inner) => this.inner = inner;

            public override bool CanRead => false;

            public override bool CanSeek => false;

            public override bool CanWrite => true;

            public override long Length => throw new NotSupportedException();

            public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

            public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

            public override void Flush() => inner.Flush();

            public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

            public override void SetLength(long value) => throw new NotSupportedException();
        }
    }
}
