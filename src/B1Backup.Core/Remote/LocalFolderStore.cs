using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using B1Backup.Core.Archive;

namespace B1Backup.Core.Remote
{
    /// <summary>A backup folder on disk seen as a store: keys are paths under it, uploads are a private temporary file renamed into place.</summary>
    public sealed class LocalFolderStore : IObjectStore
    {
        private readonly string root;

        public LocalFolderStore(string root)
        {
            this.root = Path.GetFullPath(root);
        }

        public string Describe(string key) => PathOf(key);

        public IEnumerable<StoredObject> List(string prefix, CancellationToken cancel)
        {
            if (!Directory.Exists(root))
            {
                yield break;
            }

            foreach (string file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
            {
                cancel.ThrowIfCancellationRequested();
                string key = file.Substring(root.Length).TrimStart(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar).Replace('\\', '/');
                if (key.StartsWith(prefix, StringComparison.Ordinal) && !key.Contains(ArchiveWriter.PartialMarker))
                {
                    var info = new FileInfo(file);
                    yield return new StoredObject(key, info.Length, info.LastWriteTimeUtc);
                }
            }
        }

        public StoredObject? Find(string key, CancellationToken cancel)
        {
            var info = new FileInfo(PathOf(key));
            return info.Exists ? new StoredObject(key, info.Length, info.LastWriteTimeUtc) : null;
        }

        public Stream OpenRead(string key, CancellationToken cancel) =>
            new FileStream(PathOf(key), FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);

        public Stream OpenReadStart(string key, long bytes, CancellationToken cancel) => OpenRead(key, cancel);

        public string? ReadText(string key, long maxBytes, CancellationToken cancel)
        {
            var info = new FileInfo(PathOf(key));
            if (!info.Exists)
            {
                return null;
            }

            if (info.Length > maxBytes)
            {
                throw new B1BackupException("SidecarTooLarge", FailureKind.InvalidData, $"'{info.FullName}' is larger than {maxBytes} bytes: it is not a file B1Backup wrote.");
            }

            return File.ReadAllText(info.FullName, Encoding.UTF8);
        }

        public void WriteText(string key, string text, CancellationToken cancel)
        {
            string path = PathOf(key);
            EnsureFolder(path);
            if (File.Exists(path))
            {
                File.Delete(path);
            }

            ArchiveWriter.WriteSidecar(path, text);
        }

        public IStagedUpload BeginUpload(string key, CancellationToken cancel)
        {
            string path = PathOf(key);
            EnsureFolder(path);
            return new LocalFileUpload(path);
        }

        public void Delete(string key, CancellationToken cancel)
        {
            string path = PathOf(key);
            if (File.Exists(path))
            {
                File.Delete(path);
            }
        }

        private string PathOf(string key)
        {
            if (key.Split('/').Any(s => s == ".." || s == "."))
            {
                throw new B1BackupException("InvalidKey", FailureKind.InvalidArgument, $"'{key}' is not a name inside the backup folder.");
            }

            return Path.Combine(root, key.Replace('/', Path.DirectorySeparatorChar));
        }

        private static void EnsureFolder(string path)
        {
            string folder = Path.GetDirectoryName(path)!;
            if (!Directory.Exists(folder))
            {
                Directory.CreateDirectory(folder);
                FileProtection.RestrictDirectory(folder);
            }
        }
    }
}
