using System;
using System.Globalization;
using System.IO;
using System.Linq;
using B1Backup.Core.Drill;
using B1Backup.Core.Store;
using Xunit;

namespace B1Backup.Core.Tests
{
    /// <summary>Manifests edited by hand or by an attacker: the backup is listed as unreadable, and the others keep working.</summary>
    public sealed class ManifestTrustTests : IDisposable
    {
        private readonly string root = TestScripts.NewBackupRoot();
        private readonly string folder;

        public ManifestTrustTests()
        {
            folder = Path.Combine(root, "prod");
            Directory.CreateDirectory(folder);
        }

        public void Dispose() => Directory.Delete(root, true);

        private string Write(string name, string? manifestJson)
        {
            string path = Path.Combine(folder, name);
            File.WriteAllText(path, "not really gzip, but checksummed");
            File.WriteAllText(ChecksumFile.PathFor(path), ChecksumFile.FormatLine(ChecksumFile.ComputeSha256(path), name));
            if (manifestJson != null)
            {
                File.WriteAllText(BackupManifest.PathFor(path), manifestJson);
            }

            return path;
        }

        [Theory]
        [InlineData("{\"Tables\": null}", "lacks")]
        [InlineData("{\"Tables\": [{\"Name\": \"a\", \"Rows\": 9223372036854775807}, {\"Name\": \"b\", \"Rows\": 9223372036854775807}]}", "add up")]
        [InlineData("{\"Tables\": [{\"Name\": \"a\", \"Rows\": 99999999999999999999999}]}", "cannot be read")]
        [InlineData("{\"Tables\": [{\"Name\": \"a\", \"Rows\": -1}]}", "negative")]
        [InlineData("{\"Encryption\": {\"Salt\": \"AAAAAAAAAAAAAAAAAAAAAA==\", \"Iterations\": 0}}", "iterations")]
        [InlineData("{\"Encryption\": {\"Salt\": \"AAAAAAAAAAAAAAAAAAAAAA==\", \"Iterations\": -5}}", "iterations")]
        [InlineData("{\"Encryption\": {\"Salt\": \"AAAAAAAAAAAAAAAAAAAAAA==\", \"Iterations\": 2000000000}}", "iterations")]
        [InlineData("{\"Encryption\": {\"Salt\": \"not base64!\", \"Iterations\": 200000}}", "salt")]
        [InlineData("{\"Encryption\": {\"Salt\": \"AA==\", \"Iterations\": 200000}}", "salt")]
        [InlineData("{\"StartedUtc\": \"2099-01-01T00:00:00Z\"}", "future")]
        public void AnUnusableManifestIsReportedAndTheOthersStillList(string manifest, string why)
        {
            Write("backup_prod_20261201_000000.sql.gz", "{\"Database\": \"shop\", \"StartedUtc\": \"2026-12-01T00:00:00Z\"}");
            string bad = Write("backup_prod_20261202_000000.sql.gz", manifest);
            var listed = BackupStore.List(root, DateTime.Now);
            Assert.Equal(2, listed.Count);
            var problem = listed.Single(b => b.FullName == bad).Problem;
            Assert.NotNull(problem);
            Assert.Contains(why, problem);
            Assert.Null(listed.Single(b => b.FullName != bad).Problem);
            var e = Assert.ThrowsAny<B1BackupException>(() => Restore.RestoreEngine.Prepare(bad));
            Assert.Equal("ManifestInvalid", e.ErrorId);
        }

        [Fact]
        public void ABackupDatedInTheFutureIsNeverFreshNorTheNewestGoodOne()
        {
            string real = Write("backup_prod_" + DateTime.Now.AddHours(-1).ToString("yyyyMMdd_HHmmss", CultureInfo.InvariantCulture) + ".sql.gz", null);
            Write("backup_prod_20991231_000000.sql.gz", null);
            Assert.Equal(real, BackupStore.NewestGoodBackup(folder, "prod", null, DateTime.Now));
            var status = RpoCheck.Evaluate(BackupStore.List(root, DateTime.Now), TimeSpan.FromHours(24)).Single();
            Assert.True(status.Passed, status.Message);
            File.Delete(real);
            var stale = RpoCheck.Evaluate(BackupStore.List(root, DateTime.Now), TimeSpan.FromHours(24)).Single();
            Assert.False(stale.Passed);
            Assert.Contains("future", stale.Message);
        }
    }
}

namespace B1Backup.Core.Tests
{
    /// <summary>Clear errors for what a hand-edited or damaged file holds.</summary>
    public sealed class DamagedInputTests : IDisposable
    {
        private readonly string folder = TestScripts.NewBackupRoot();

        public DamagedInputTests() => Directory.CreateDirectory(folder);

        public void Dispose() => Directory.Delete(folder, true);

        private string Gzip(string name, params string[] members)
        {
            string path = Path.Combine(folder, name);
            using (var file = File.Create(path))
            {
                foreach (string member in members)
                {
                    using var gzip = new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true);
                    byte[] text = System.Text.Encoding.UTF8.GetBytes(member);
                    gzip.Write(text, 0, text.Length);
                }
            }

            return path;
        }

        private static void Sign(string path) =>
            File.WriteAllText(ChecksumFile.PathFor(path), ChecksumFile.FormatLine(ChecksumFile.ComputeSha256(path), Path.GetFileName(path)));

        [Fact]
        public void DeepChecksReportBytesAfterTheLastGzipMemberButNotASecondMember()
        {
            const string Script = "-- Database: shop\nCREATE TABLE a (i INT);\nINSERT INTO a VALUES (1);\n";
            string junk = Gzip("backup_prod_20261201_000000.sql.gz", Script + "-- Dump completed on 2026-12-01\n");
            File.AppendAllText(junk, "this is not gzip at all, appended after the stream");
            Sign(junk);
            var result = DeepVerifier.Verify(junk);
            Assert.False(result.Passed, result.Message);
            Assert.Equal(ChecksumReason.TrailingData, result.Reason);

            string two = Gzip("backup_prod_20261202_000000.sql.gz", Script, "INSERT INTO a VALUES (2);\n-- Dump completed on 2026-12-02\n");
            Sign(two);
            var whole = DeepVerifier.Verify(two);
            Assert.True(whole.Passed, whole.Message);
        }

        [Fact]
        public void InvalidUtf8OutsideStringsIsToldWithItsLine()
        {
            byte[] script = System.Text.Encoding.ASCII.GetBytes("CREATE TABLE a (i INT);\nCREATE TABLE b\xff (i INT);\n");
            script[script.Length - 12] = 0xff;
            var e = Assert.ThrowsAny<B1BackupException>(() => new Restore.ScriptReader(new MemoryStream(script)).ReadStatements().ToList());
            Assert.Equal("ScriptEncoding", e.ErrorId);
            Assert.Contains("line 2", e.Message);
        }
    }
}
