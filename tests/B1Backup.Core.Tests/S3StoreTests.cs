using System;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Threading;
using B1Backup.Core.Engine;
using B1Backup.Core.Remote;
using B1Backup.Core.Store;
using Xunit;

namespace B1Backup.Core.Tests
{
    /// <summary>Backups in S3-compatible storage, against a real s3rver: the same promises as in Azure Blob Storage.</summary>
    public sealed class S3StoreTests : IClassFixture<TestS3>, IDisposable
    {
        private readonly TestS3 s3;
        private readonly string database;
        private readonly string localRoot = TestScripts.NewBackupRoot();

        public S3StoreTests(TestS3 s3)
        {
            this.s3 = s3;
            database = TestServer.CreateDatabase("b1s3");
            TestServer.Execute("CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(200)); INSERT INTO t SELECT seq, CONCAT(SHA2(seq, 256), SHA2(seq + 1, 256)) FROM seq_1_to_300000", database);
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
        public void ABackupStreamedIntoS3IsListedVerifiedAndCopiedBackAsTheSameFile()
        {
            var store = new StoredBackups(BackupLocations.OpenRoot(TestS3.NewLocation(), s3.Access));
            var request = new BackupRequest(TestServer.Settings.WithDatabase(database), localRoot, "production") { Readers = 2, MemberBytes = 1 << 20 };

            var result = StoreBackup.Run(request, store, null, _ => { }, default);
            var listed = Assert.Single(store.List(DateTime.Now, default));
            string key = StoredBackups.KeyOf("production", result.Name);
            var back = BackupCopier.Copy(store, key, new StoredBackups(new LocalFolderStore(localRoot)), DateTime.Now, null, _ => { }, default);

            Assert.StartsWith("s3://" + TestS3.Bucket + "/", result.FullName, StringComparison.Ordinal);
            Assert.Equal(result.FullName, listed.FullName);
            Assert.Equal(database, listed.Database);
            Assert.Equal(300000, listed.Rows);
            Assert.True(result.Size > AzureBlobStore.BlockSize, $"the backup ({result.Size} bytes) spans several parts");
            Assert.True(store.Verify(key, default).Passed);
            Assert.True(ChecksumVerifier.Verify(back.FullName).Passed);
            Assert.Equal(result.Sha256, ChecksumFile.ComputeSha256(back.FullName));
        }

        [Fact]
        public void AnObjectChangedInS3FailsItsChecksum()
        {
            var backup = TestScripts.Backup(database, localRoot);
            string key = StoredBackups.KeyOf("test", backup.Name);
            var store = new StoredBackups(BackupLocations.OpenRoot(TestS3.NewLocation(), s3.Access));
            BackupCopier.Copy(new StoredBackups(new LocalFolderStore(localRoot)), key, store, DateTime.Now, null, _ => { }, default);
            byte[] bytes = File.ReadAllBytes(backup.FullName);
            bytes[bytes.Length / 3] ^= 0x10;
            store.Store.Delete(key, default);
            store.Store.Upload(key, new MemoryStream(bytes), () => true, null, default);

            var check = store.Verify(key, default);

            Assert.False(check.Passed);
            Assert.Equal(ChecksumReason.ChecksumMismatch, check.Reason);
        }

        [Fact]
        public void AServerKilledDuringTheBackupLeavesNoObjectAndTheNextBackupWorks()
        {
            string location = TestS3.NewLocation();
            var store = new StoredBackups(BackupLocations.OpenRoot(location, s3.Access));
            int killed = 0;
            var progress = new Progress(p =>
            {
                if (p.BytesWritten > AzureBlobStore.BlockSize && Interlocked.Exchange(ref killed, 1) == 0)
                {
                    s3.Kill();
                }
            });
            var request = new BackupRequest(TestServer.Settings.WithDatabase(database), localRoot, "prod") { Readers = 2, MemberBytes = 1 << 20 };

            var failure = Assert.Throws<B1BackupException>(() => StoreBackup.Run(request, store, progress, _ => { }, default));
            s3.Restart();
            var left = store.Store.List(string.Empty, default).ToList();
            var next = StoreBackup.Run(request, store, null, _ => { }, default);

            Assert.Equal(1, killed);
            Assert.Contains(failure.ErrorId, new[] { "StorageUnreachable", "StorageRequestFailed" });
            Assert.Empty(left);
            Assert.True(store.Verify(StoredBackups.KeyOf("prod", next.Name), default).Passed);
        }

        [Fact]
        public void WrongKeysAreRefusedWithAClearErrorThatDoesNotCarryThem()
        {
            // s3rver checks the key ID, not the SigV4 signature: a wrong key ID is what it can refuse.
            string wrong = Convert.ToBase64String(RandomNumberGenerator.GetBytes(30));
            string wrongId = "AKIA" + Guid.NewGuid().ToString("N").Substring(0, 16).ToUpperInvariant();
            var access = new StoreAccess { S3 = new S3Credentials { Endpoint = s3.Endpoint, AccessKey = wrongId, SecretKey = wrong } };
            var store = new StoredBackups(BackupLocations.OpenRoot(TestS3.NewLocation(), access));

            var refused = Assert.Throws<B1BackupException>(() => store.List(DateTime.Now, default));

            Assert.Equal("StorageAccessDenied", refused.ErrorId);
            for (Exception? e = refused; e != null; e = e.InnerException)
            {
                Assert.DoesNotContain(wrong, e.ToString(), StringComparison.Ordinal);
                Assert.DoesNotContain(wrongId, e.ToString(), StringComparison.Ordinal);
            }
        }

        [Fact]
        public void AThousandBackupsAreListedAcrossSeveralPages()
        {
            var store = new StoredBackups(BackupLocations.OpenRoot(TestS3.NewLocation(), s3.Access));
            var start = new DateTime(2026, 1, 1, 0, 0, 0);
            System.Threading.Tasks.Parallel.For(0, 1000, new System.Threading.Tasks.ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
            {
                string name = BackupName.Format("staging", start.AddMinutes(i), CompressionKind.Gzip);
                string key = StoredBackups.KeyOf("staging", name);
                store.Store.WriteText(key, "x", default);
                store.Store.WriteText(key + ".sha256", ChecksumFile.FormatLine(new string('0', 64), name), default);
            });

            var listed = store.List(DateTime.Now, default);

            // 2,000 objects: S3 lists at most 1,000 a page.
            Assert.Equal(1000, listed.Count);
            Assert.Equal(start.AddMinutes(999), listed[0].Timestamp);
            Assert.All(listed, b => Assert.NotNull(b.ChecksumPath));
        }

        [Fact]
        public void AnS3LocationIsReadAsBucketAndKey()
        {
            var path = S3Path.Parse("s3://my-bucket/a/b/production/backup_production_20260101_000000.sql.gz");

            Assert.Equal("my-bucket", path.Bucket);
            Assert.Equal("a/b", path.Parent().Parent().Key);
            Assert.Equal("s3://my-bucket/a/b", path.Parent().Parent().Display);
            Assert.Equal("InvalidStoragePath", Assert.Throws<B1BackupException>(() => S3Path.Parse("s3://My_Bucket/x")).ErrorId);
            Assert.Equal("InvalidStoragePath", Assert.Throws<B1BackupException>(() => S3Path.Parse("s3://bucket/x/../y")).ErrorId);
            Assert.DoesNotContain("SECRET", Assert.Throws<B1BackupException>(() => S3Path.Parse("s3://bucket/x?X-Amz-Signature=SECRET")).Message, StringComparison.Ordinal);
        }

        /// <summary>Reports on the engine's thread, at once.</summary>
        private sealed class Progress : IProgress<BackupProgress>
        {
            private readonly Action<BackupProgress> report;

            public Progress(Action<BackupProgress> report) => this.report = report;

            public void Report(BackupProgress value) => report(value);
        }
    }
}
