using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using B1Backup.Core.Engine;
using B1Backup.Core.Remote;
using B1Backup.Core.Store;
using Xunit;

namespace B1Backup.Core.Tests
{
    /// <summary>A backup streamed into a store: never whole on local disk, committed only after its checks, nothing left when the store goes.</summary>
    public sealed class StreamedBackupTests : IClassFixture<TestAzurite>, IDisposable
    {
        private readonly TestAzurite azurite;
        private readonly string database;
        private readonly string scratch = TestScripts.NewBackupRoot();
        private readonly string destination = TestScripts.NewBackupRoot();

        public StreamedBackupTests(TestAzurite azurite)
        {
            this.azurite = azurite;
            database = TestServer.CreateDatabase("b1stream");
            // Random strings, so the data parts do not compress to nothing: about 12 MB of gzip.
            TestServer.Execute("CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(200)); INSERT INTO t SELECT seq, CONCAT(SHA2(seq, 256), SHA2(seq + 1, 256), SHA2(seq + 2, 256)) FROM seq_1_to_120000", database);
        }

        public void Dispose()
        {
            TestServer.DropDatabase(database);
            foreach (string folder in new[] { scratch, destination })
            {
                if (Directory.Exists(folder))
                {
                    Directory.Delete(folder, recursive: true);
                }
            }
        }

        [Fact]
        public void TheLocalFileKeepsOnlyTheDefinitionPartsAndTheUploadIsTheWholeCheckedBackup()
        {
            var store = new LocalFolderStore(destination);
            var request = new BackupRequest(TestServer.Settings.WithDatabase(database), scratch, "stream") { Readers = 2, MemberBytes = 2 << 20 };
            request.OpenUpload = key => store.BeginUpload(key, default);

            var result = BackupEngine.Run(request, null, _ => { }, default);
            string uploaded = Path.Combine(destination, "stream", result.Name);
            var manifest = BackupManifest.TryRead(result.FullName)!;
            File.Copy(ChecksumFile.PathFor(result.FullName), ChecksumFile.PathFor(uploaded));

            // The upload is the backup: its SHA-256 is the one the engine wrote down.
            Assert.True(ChecksumVerifier.Verify(uploaded).Passed);
            Assert.Equal(result.Sha256, ChecksumFile.ComputeSha256(uploaded));
            Assert.True(manifest.Members.Where(m => m.Kind == MemberKind.Data).Sum(m => m.Length) > 4 * manifest.Members.Where(m => m.Kind != MemberKind.Data).Sum(m => m.Length) + (4 << 20));
            // The local file has every part's offset, but the data parts are holes: zeros, and almost no disk.
            long length = new FileInfo(result.FullName).Length;
            Assert.Equal(new FileInfo(uploaded).Length, length);
            byte[] local = File.ReadAllBytes(result.FullName);
            byte[] whole = File.ReadAllBytes(uploaded);
            foreach (var member in manifest.Members)
            {
                var part = local.Skip((int)member.Offset).Take((int)member.Length);
                if (member.Kind == MemberKind.Data)
                {
                    Assert.All(part, b => Assert.Equal(0, b));
                }
                else
                {
                    Assert.Equal(whole.Skip((int)member.Offset).Take((int)member.Length), part);
                }
            }

            long allocated = AllocatedBytes(result.FullName);
            Assert.True(allocated < length / 4, $"{allocated} bytes on disk for a {length}-byte archive: the data parts were written locally");
        }

        [Fact]
        public void AStoreKilledDuringTheBackupLeavesNoBlobAndNoLocalFiles()
        {
            string location = azurite.NewLocation();
            var store = new StoredBackups(BackupLocations.OpenRoot(location, new BlobCredentials { ConnectionString = azurite.ConnectionString }));
            int killed = 0;
            var progress = new Progress(p =>
            {
                if (p.BytesWritten > 0 && Interlocked.Exchange(ref killed, 1) == 0)
                {
                    azurite.Kill();
                }
            });
            var request = new BackupRequest(TestServer.Settings.WithDatabase(database), scratch, "stream") { Readers = 2, MemberBytes = 1 << 20 };
            int before = Directory.GetDirectories(Path.GetTempPath(), "b1backup-*").Length;

            var failure = Assert.Throws<B1BackupException>(() => StoreBackup.Run(request, store, progress, _ => { }, default));
            azurite.Restart();
            // As the next run of a cmdlet would: a new client. (Azurite killed hard may also forget the container itself.)
            store = new StoredBackups(BackupLocations.OpenRoot(location, new BlobCredentials { ConnectionString = azurite.ConnectionString }));
            var left = ListOrEmpty(store);

            Assert.Equal(1, killed);
            Assert.Contains(failure.ErrorId, new[] { "StorageUnreachable", "StorageRequestFailed" });
            Assert.Empty(left);
            Assert.Equal(before, Directory.GetDirectories(Path.GetTempPath(), "b1backup-*").Length);
            var next = StoreBackup.Run(request, store, null, _ => { }, default);
            Assert.True(store.Verify(StoredBackups.KeyOf("stream", next.Name), default).Passed);
        }

        private static StoredObject[] ListOrEmpty(StoredBackups store)
        {
            try
            {
                return store.Store.List(string.Empty, default).ToArray();
            }
            catch (B1BackupException e) when (e.ErrorId == "StorageObjectNotFound")
            {
                // No container: no blob either.
                return Array.Empty<StoredObject>();
            }
        }

        private static long AllocatedBytes(string path)
        {
            var stat = Process.Start(new ProcessStartInfo("stat", $"-c %b*%B \"{path}\"") { RedirectStandardOutput = true })!;
            string[] parts = stat.StandardOutput.ReadToEnd().Trim().Split('*');
            stat.WaitForExit();
            return long.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture) * long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
        }

        /// <summary>Reports on the engine's thread, at once (System.Progress would post to the thread pool).</summary>
        private sealed class Progress : IProgress<BackupProgress>
        {
            private readonly Action<BackupProgress> report;

            public Progress(Action<BackupProgress> report) => this.report = report;

            public void Report(BackupProgress value) => report(value);
        }
    }
}
