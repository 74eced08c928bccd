using B1Backup.Core.Remote;
using Xunit;

namespace B1Backup.Core.Tests
{
    [Trait("Category", "Unit")]
    public sealed class BlobPathTests
    {
        [Theory]
        [InlineData("az://acct1/backups/prod", "https://acct1.blob.core.windows.net/", "acct1", "backups", "prod", "az://acct1/backups/prod")]
        [InlineData("az://Acct1/backups", "https://acct1.blob.core.windows.net/", "acct1", "backups", "", "az://acct1/backups")]
        [InlineData("https://acct1.blob.core.windows.net/backups/a/b/", "https://acct1.blob.core.windows.net/", "acct1", "backups", "a/b", "https://acct1.blob.core.windows.net/backups/a/b")]
        [InlineData("http://127.0.0.1:10000/devstoreaccount1/backups/x", "http://127.0.0.1:10000/devstoreaccount1/", "devstoreaccount1", "backups", "x", "http://127.0.0.1:10000/devstoreaccount1/backups/x")]
        [InlineData("https://stack.local:443/acct2/c-1/p", "https://stack.local/acct2/", "acct2", "c-1", "p", "https://stack.local/acct2/c-1/p")]
        public void EachWrittenFormNamesItsAccountContainerAndKey(string written, string endpoint, string account, string container, string key, string display)
        {
            var path = BlobPath.Parse(written);

            Assert.Equal(endpoint, path.AccountEndpoint.AbsoluteUri);
            Assert.Equal(account, path.Account);
            Assert.Equal(container, path.Container);
            Assert.Equal(key, path.Key);
            Assert.Equal(display, path.Display);
        }

        [Fact]
        public void ASasTokenIsKeptForTheRequestButNeverDisplayed()
        {
            var path = BlobPath.Parse("https://acct1.blob.core.windows.net/backups/prod?sv=2024&sig=SECRETsig%3D");

            Assert.Equal("sv=2024&sig=SECRETsig%3D", path.Sas);
            Assert.DoesNotContain("SECRET", path.Display, System.StringComparison.Ordinal);
            Assert.DoesNotContain("SECRET", path.Combine("production", "backup_production_20260101_000000.sql.gz").Display, System.StringComparison.Ordinal);
        }

        [Theory]
        [InlineData("az://acct1")]
        [InlineData("az://acct1/Backups")]
        [InlineData("az://acct1/ba")]
        [InlineData("az://acct1/back--ups")]
        [InlineData("az://a/backups")]
        [InlineData("az://acct1/backups/../other")]
        [InlineData("http://127.0.0.1:10000/devstoreaccount1")]
        [InlineData("ftp://acct1/backups")]
        public void ALocationThatIsNotAContainerIsRefusedWithTheFormItNeeds(string written)
        {
            var refused = Assert.Throws<B1BackupException>(() => BlobPath.Parse(written));

            Assert.Equal("InvalidStoragePath", refused.ErrorId);
        }

        [Fact]
        public void ARefusedLocationDoesNotRepeatItsToken()
        {
            var refused = Assert.Throws<B1BackupException>(() => BlobPath.Parse("https://acct1.blob.core.windows.net/X?sig=SECRETsig"));

            Assert.DoesNotContain("SECRET", refused.Message, System.StringComparison.Ordinal);
        }

        [Fact]
        public void EveryKindOfLocationIsKnownAsRemoteOrLocal()
        {
            Assert.True(BackupLocations.IsRemote("s3://bucket/prefix"));
            Assert.True(BackupLocations.IsRemote("az://acct1/backups"));
            Assert.False(BackupLocations.IsRemote("./backups"));
            Assert.False(BackupLocations.IsRemote(@"C:\backups"));
        }

        [Fact]
        public void ParentAndCombineWalkTheKey()
        {
            var blob = BlobPath.Parse("az://acct1/backups/root/production/backup_production_20260101_000000.sql.gz");

            Assert.Equal("root", blob.Parent().Parent().Key);
            Assert.Equal("backup_production_20260101_000000.sql.gz", blob.Name);
            Assert.Equal(string.Empty, blob.Parent().Parent().Parent().Key);
        }
    }
}
