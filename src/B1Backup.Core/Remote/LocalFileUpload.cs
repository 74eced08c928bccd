using System;
using System.IO;
using B1Backup.Core.Archive;

namespace B1Backup.Core.Remote
{
    /// <summary>A file written under a private temporary name beside its final one, renamed into place on commit.</summary>
    internal sealed class LocalFileUpload : IStagedUpload
    {
        private readonly string path;
        private readonly string temporary;
        private readonly FileStream file;
        private bool committed;

        public LocalFileUpload(string path)
        {
            this.path = path;
            if (File.Exists(path))
            {
                throw new B1BackupException("BackupExists", FailureKind.WriteError, $"'{path}' already exists and is not overwritten.") { Target = path };
            }

            temporary = path + ArchiveWriter.PartialMarker + Guid.NewGuid().ToString("N").Substring(0, 8);
            file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
            FileProtection.RestrictFile(temporary);
        }

        public void Write(byte[] buffer, int offset, int count) => file.Write(buffer, offset, count);

        public void Finish() => file.Flush(flushToDisk: true);

        public void Commit()
        {
            Finish();
            file.Dispose();
            File.Move(temporary, path);
            committed = true;
        }

        public void Dispose()
        {
            file.Dispose();
            if (!committed && File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }
}
