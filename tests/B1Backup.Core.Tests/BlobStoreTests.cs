using System;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Threading;
using B1Backup.Core.Remote;
using B1Backup.Core.Store;
using Xunit;

namespace B1Backup.Core.Tests
{
    /// <summary>Backups copied to, listed in, verified in and deleted from Azure Blob Storage, against a real Azurite.</summary>
    public sealed class BlobStoreTests : IClassFixture<TestAzurite>, IDisposable
    {
        private readonly TestAzurite azurite;
        private readonly string database;
        private readonly string localRoot = TestScripts.NewBackupRoot();
        private readonly BlobCredentials credentials;

        public BlobStoreTests(TestAzurite azurite)
        {
            this.azurite = azurite;
            credentials = new BlobCredentials { ConnectionString = azurite.ConnectionString };
            database = TestServer.CreateDatabase("b1blob");
            TestServer.Execute("CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(40)); INSERT INTO t SELECT seq, CONCAT('row ', seq) FROM seq_1_to_500", database);
        }

        public void Dispose()
        {
            TestServer.DropDatabase(database);
            if (Directory.Exists(localRoot))
            {
                Directory.Delete(localRoot, recursive: true);
            }
        }

        [Fact]
        public void ABackupCopiedToTheStoreIsListedFromItsManifestAndPassesItsChecksumThere()
        {
            var backup = TestScripts.Backup(database, localRoot, environment: "production");
            var store = new StoredBackups(BackupLocations.OpenRoot(azurite.NewLocation(), credentials));
            string key = StoredBackups.KeyOf("production", backup.Name);

            var copied = BackupCopier.Copy(new StoredBackups(new LocalFolderStore(localRoot)), key, store, DateTime.Now, null, _ => { }, default);

            var listed = Assert.Single(store.List(DateTime.Now, default));
            Assert.Equal(copied.FullName, listed.FullName);
            Assert.StartsWith(azurite.Endpoint + "/", listed.FullName, StringComparison.Ordinal);
            Assert.EndsWith("/backups/production/" + backup.Name, listed.FullName, StringComparison.Ordinal);
            Assert.Equal(database, listed.Database);
            Assert.Equal(500, listed.Rows);
            Assert.Equal(new FileInfo(backup.FullName).Length, listed.Size);
            Assert.Null(listed.Problem);
            Assert.NotNull(listed.ChecksumPath);
            var check = store.Verify(key, default);
            Assert.True(check.Passed, check.Message);
            // The .sha256 is the one sha256sum reads after a download: byte for byte the local one.
            Assert.Equal(File.ReadAllText(ChecksumFile.PathFor(backup.FullName)), store.Store.ReadText(key + ".sha256", 4096, default));
        }

        [Fact]
        public void ABackupCopiedBackFromTheStoreIsTheSameFileAndPassesTheLocalCheck()
        {
            var backup = TestScripts.Backup(database, localRoot);
            string key = StoredBackups.KeyOf("test", backup.Name);
            var store = new StoredBackups(BackupLocations.OpenRoot(azurite.NewLocation(), credentials));
            BackupCopier.Copy(new StoredBackups(new LocalFolderStore(localRoot)), key, store, DateTime.Now, null, _ => { }, default);
            string elsewhere = TestScripts.NewBackupRoot();
            try
            {
                var back = BackupCopier.Copy(store, key, new StoredBackups(new LocalFolderStore(elsewhere)), DateTime.Now, null, _ => { }, default);

                Assert.Equal(File.ReadAllBytes(backup.FullName), File.ReadAllBytes(back.FullName));
                Assert.True(ChecksumVerifier.Verify(back.FullName).Passed);
                Assert.True(File.Exists(BackupManifest.PathFor(back.FullName)));
                Assert.Equal(database, BackupStore.Describe(back.FullName, DateTime.Now).Database);
            }
            finally
            {
                Directory.Delete(elsewhere, recursive: true);
            }
        }

        [Fact]
        public void AnObjectChangedInTheStoreFailsItsChecksumAndIsNotCopiedBack()
        {
            var backup = TestScripts.Backup(database, localRoot);
            string key = StoredBackups.KeyOf("test", backup.Name);
            var store = new StoredBackups(BackupLocations.OpenRoot(azurite.NewLocation(), credentials));
            BackupCopier.Copy(new StoredBackups(new LocalFolderStore(localRoot)), key, store, DateTime.Now, null, _ => { }, default);
            byte[] bytes = File.ReadAllBytes(backup.FullName);
            bytes[bytes.Length / 2] ^= 0x20;
            store.Store.Delete(key, default);
            store.Store.Upload(key, new MemoryStream(bytes), () => true, null, default);

            var check = store.Verify(key, default);
            string elsewhere = TestScripts.NewBackupRoot();
            var refused = Assert.Throws<B1BackupException>(() => BackupCopier.Copy(store, key, new StoredBackups(new LocalFolderStore(elsewhere)), DateTime.Now, null, _ => { }, default));

            Assert.False(check.Passed);
            Assert.Equal(ChecksumReason.ChecksumMismatch, check.Reason);
            Assert.Equal("CopyNotCommitted", refused.ErrorId);
            // Nothing under the backup's name, and no temporary file either.
            Assert.Empty(Directory.Exists(elsewhere) ? Directory.GetFiles(elsewhere, "*", SearchOption.AllDirectories) : Array.Empty<string>());
        }

        [Fact]
        public void ALocalBackupThatNoLongerMatchesItsChecksumIsNotCommittedToTheStore()
        {
            var backup = TestScripts.Backup(database, localRoot);
            string key = StoredBackups.KeyOf("test", backup.Name);
            using (var file = new FileStream(backup.FullName, FileMode.Open, FileAccess.ReadWrite))
            {
                file.Position = file.Length / 2;
                int b = file.ReadByte();
                file.Position--;
                file.WriteByte((byte)(b ^ 1));
            }

            var store = new StoredBackups(BackupLocations.OpenRoot(azurite.NewLocation(), credentials));
            var refused = Assert.Throws<B1BackupException>(() => BackupCopier.Copy(new StoredBackups(new LocalFolderStore(localRoot)), key, store, DateTime.Now, null, _ => { }, default));

            Assert.Equal("CopyNotCommitted", refused.ErrorId);
            Assert.Empty(store.Store.List(string.Empty, default));
        }

        [Fact]
        public void AStoreKilledMidUploadLeavesNoBlobAndTheNextCopyWorks()
        {
            // A file as large as a real backup's first blocks: random bytes with their own .sha256.
            string name = "backup_test_20261201_010203.sql.gz";
            string folder = Path.Combine(localRoot, "test");
            Directory.CreateDirectory(folder);
            string path = Path.Combine(folder, name);
            byte[] data = RandomNumberGenerator.GetBytes((AzureBlobStore.BlockSize * 6) + 12345);
            File.WriteAllBytes(path, data);
            File.WriteAllText(ChecksumFile.PathFor(path), ChecksumFile.FormatLine(ChecksumFile.ToHex(SHA256.HashData(data)), name));
            string location = azurite.NewLocation();
            var source = new StoredBackups(new LocalFolderStore(localRoot));
            string key = StoredBackups.KeyOf("test", name);
            int killed = 0;

            var failure = Assert.Throws<B1BackupException>(() => BackupCopier.Copy(source, key, new StoredBackups(BackupLocations.OpenRoot(location, credentials)), DateTime.Now,
                (read, total) =>
                {
                    // Several blocks read, so some are staged or on their way when the service goes.
                    if (read > 3L * AzureBlobStore.BlockSize && Interlocked.Exchange(ref killed, 1) == 0)
                    {
                        azurite.Kill();
                    }
                },
                _ => { }, default));
            azurite.Restart();
            var store = new StoredBackups(BackupLocations.OpenRoot(location, credentials));
            var committedAfterKill = store.Store.Find(key, default);
            var copied = BackupCopier.Copy(source, key, store, DateTime.Now, null, _ => { }, default);

            Assert.Equal(1, killed);
            Assert.Contains(failure.ErrorId, new[] { "StorageUnreachable", "StorageRequestFailed" });
            Assert.Contains(location.Substring(0, location.IndexOf("/backups", StringComparison.Ordinal)), failure.Message, StringComparison.Ordinal);
            Assert.Null(committedAfterKill);
            Assert.Equal(data.Length, copied.Size);
            Assert.True(store.Verify(key, default).Passed);
        }

        [Fact]
        public void AWrongAccountKeyIsRefusedWithAClearErrorThatDoesNotCarryTheKey()
        {
            string wrongKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(64));
            var store = new StoredBackups(BackupLocations.OpenRoot(azurite.NewLocation(), new BlobCredentials { AccountKey = wrongKey }));

            var refused = Assert.Throws<B1BackupException>(() => store.List(DateTime.Now, default));

            Assert.Equal("StorageAccessDenied", refused.ErrorId);
            Assert.Contains("account key", refused.Message, StringComparison.Ordinal);
            AssertNoSecret(refused, wrongKey);
            AssertNoSecret(refused, TestAzurite.Key);
        }

        [Fact]
        public void ASasTokenInTheLocationIsUsedButNeverShown()
        {
            string location = azurite.NewLocation();
            string signature = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
            string withToken = location + "?sv=2023-11-03&sr=c&sp=rl&se=2099-01-01T00%3A00%3A00Z&sig=" + Uri.EscapeDataString(signature);

            var store = new StoredBackups(BackupLocations.OpenRoot(withToken, new BlobCredentials()));
            var refused = Assert.Throws<B1BackupException>(() => store.List(DateTime.Now, default));

            Assert.Equal(location + "/x", store.Store.Describe("x"));
            Assert.Equal("StorageAccessDenied", refused.ErrorId);
            AssertNoSecret(refused, signature);
            AssertNoSecret(refused, Uri.EscapeDataString(signature));
            AssertNoSecret(refused, "sig=");
        }

        [Fact]
        public void AThousandBackupsAreListedAcrossSeveralPages()
        {
            var store = new StoredBackups(BackupLocations.OpenRoot(azurite.NewLocation(), credentials));
            var start = new DateTime(2026, 1, 1, 0, 0, 0);
            System.Threading.Tasks.Parallel.For(0, 1000, new System.Threading.Tasks.ParallelOptions { MaxDegreeOfParallelism = 16 }, i =>
            {
                string name = BackupName.Format("staging", start.AddMinutes(i), CompressionKind.Gzip);
                string key = StoredBackups.KeyOf("staging", name);
                store.Store.Upload(key, new MemoryStream(new byte[] { 1, 2, 3 }), () => true, null, default);
                store.Store.WriteText(key + ".sha256", ChecksumFile.FormatLine(new string('0', 64), name), default);
            });

            var listed = store.List(DateTime.Now, default);

            Assert.True(2000 > AzureBlobStore.ListPageSize, "the listing must span pages");
            Assert.Equal(1000, listed.Count);
            Assert.Equal(1000, listed.Select(b => b.Name).Distinct().Count());
            Assert.Equal(start.AddMinutes(999), listed[0].Timestamp);
            Assert.All(listed, b => Assert.NotNull(b.ChecksumPath));
        }

        [Fact]
        public void DeletingFromTheStoreRemovesTheDataAndEverySidecar()
        {
            var backup = TestScripts.Backup(database, localRoot);
            string key = StoredBackups.KeyOf("test", backup.Name);
            var store = new StoredBackups(BackupLocations.OpenRoot(azurite.NewLocation(), credentials));
            BackupCopier.Copy(new StoredBackups(new LocalFolderStore(localRoot)), key, store, DateTime.Now, null, _ => { }, default);
            Assert.Equal(3, store.Store.List(string.Empty, default).Count());

            store.Delete(key, default);

            Assert.Empty(store.Store.List(string.Empty, default));
        }

        [Fact]
        public void ABackupIsNeverReplacedInTheStoreButACopyRunTwiceFinishes()
        {
            var first = TestScripts.Backup(database, localRoot);
            string key = StoredBackups.KeyOf("test", first.Name);
            var store = new StoredBackups(BackupLocations.OpenRoot(azurite.NewLocation(), credentials));
            var local = new StoredBackups(new LocalFolderStore(localRoot));
            BackupCopier.Copy(local, key, store, DateTime.Now, null, _ => { }, default);
            // The store's sidecar lost, as if a copy stopped after its data: a second copy puts it back.
            store.Store.Delete(key + ".sha256", default);

            var again = BackupCopier.Copy(local, key, store, DateTime.Now, null, _ => { }, default);
            byte[] other = File.ReadAllBytes(first.FullName);
            other[other.Length - 1] ^= 1;
            var refused = Assert.Throws<B1BackupException>(() => store.Store.Upload(key, new MemoryStream(other), () => true, null, default));

            Assert.NotNull(again.ChecksumPath);
            Assert.True(store.Verify(key, default).Passed);
            Assert.Equal("BackupExists", refused.ErrorId);
        }

        private static void AssertNoSecret(Exception e, string secret)
        {
            for (Exception? x = e; x != null; x = x.InnerException)
            {
                Assert.DoesNotContain(secret, x.Message, StringComparison.Ordinal);
                Assert.DoesNotContain(secret, x.ToString(), StringComparison.Ordinal);
            }
        }
    }
}
