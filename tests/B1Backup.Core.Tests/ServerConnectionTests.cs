using System;
using B1Backup.Core.Connection;
using MySqlConnector;
using Xunit;

namespace B1Backup.Core.Tests
{
    /// <summary>Connections to the real test server: TLS by default, verification, failures explained.</summary>
    public class ServerConnectionTests
    {
        [Fact]
        public void UrlWithSpecialCharacterPasswordConnectsOverTls()
        {
            using var connection = TestServer.Open();
            using var command = new MySqlCommand("SHOW SESSION STATUS LIKE 'Ssl_cipher'", connection);
            using var reader = command.ExecuteReader();
            Assert.True(reader.Read());
            Assert.False(string.IsNullOrEmpty(reader.GetString(1)), "the connection is not encrypted");
        }

        [Fact]
        public void LoadSessionsOnMariaDbLeaveForeignKeysUncheckedButStayOffTheBulkInsertPath()
        {
            Engine.ServerFlavor flavor;
            using (var probe = TestServer.Open())
            {
                flavor = Engine.SnapshotSession.DetectFlavor(probe);
            }

            // The loader's own SET turns unique_checks off; the server's statements that follow must turn it back on.
            using var connection = Restore.ScriptLoader.OpenLoadSession(TestServer.Settings, flavor);
            using var command = new MySqlCommand("SELECT @@SESSION.unique_checks, @@SESSION.foreign_key_checks", connection);
            using var reader = command.ExecuteReader();
            Assert.True(reader.Read());
            Assert.Equal(1L, reader.GetInt64(0));
            Assert.Equal(0L, reader.GetInt64(1));
        }

        [Fact]
        public void VerifyIdentityWithTheTestCaSucceeds()
        {
            var settings = TestServer.Settings;
            Assert.NotNull(settings.SslCaPath);
            using var connection = DatabaseConnector.Open(settings.WithTls(TlsMode.VerifyIdentity, settings.SslCaPath));
            Assert.Equal(System.Data.ConnectionState.Open, connection.State);
        }

        [Fact]
        public void VerifyCaWithoutTheCaIsRefusedAndSaysWhy()
        {
            var settings = TestServer.Settings.WithTls(TlsMode.VerifyCA, null);
            var e = Assert.ThrowsAny<B1BackupException>(() => DatabaseConnector.Open(settings));
            Assert.Equal("TlsFailed", e.ErrorId);
            Assert.Contains("-SslCa", e.Message);
        }

        [Fact]
        public void WrongPasswordIsExplainedWithoutThePassword()
        {
            var real = TestServer.Settings;
            string wrong = "Wr0ng:p@ss/é%?";
            var settings = ConnectionParser.Resolve(new ConnectionRequest { ConnectionString = TestServer.Url, User = real.User, Password = wrong });
            var e = Assert.ThrowsAny<B1BackupException>(() => DatabaseConnector.Open(settings));
            Assert.Equal("AccessDenied", e.ErrorId);
            Assert.DoesNotContain(wrong, e.ToString());
            Assert.DoesNotContain(Uri.EscapeDataString(wrong), e.ToString());
            Assert.DoesNotContain(TestServer.Password, e.ToString());
        }

        [Fact]
        public void ClosedPortIsReportedAsUnreachable()
        {
            var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
            listener.Start();
            int port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            var settings = ConnectionParser.Resolve(new ConnectionRequest { ConnectionString = TestServer.Url, Port = port });
            var e = Assert.ThrowsAny<B1BackupException>(() => DatabaseConnector.Open(settings));
            Assert.Equal(FailureKind.ConnectionError, e.Kind);
            Assert.Contains("127.0.0.1:" + port, e.Message);
            Assert.DoesNotContain(TestServer.Password, e.ToString());
        }
    }
}
