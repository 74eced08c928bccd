using B1Backup.Core.Connection;
using Xunit;

namespace B1Backup.Core.Tests
{
    [Trait("Category", "Unit")]
    public class ConnectionParserTests
    {
        private static ConnectionSettings Parse(string text) => ConnectionParser.Resolve(new ConnectionRequest { ConnectionString = text });

        [Fact]
        public void MysqlUrlGivesHostPortUserDatabase()
        {
            var s = Parse("mysql://app:secret@db.example:3307/shop");
            Assert.Equal("db.example", s.Host);
            Assert.Equal(3307, s.Port);
            Assert.Equal("app", s.User);
            Assert.Equal("shop", s.Database);
            Assert.Equal("db.example:3307", s.Server);
            Assert.True(s.HasPassword);
            Assert.Equal("secret", s.ToConnectionStringBuilder().Password);
        }

        [Theory]
        [InlineData("mysql://u:p@h/db", 3306, ServerKind.Unknown)]
        [InlineData("mariadb://u:p@h/db", 3306, ServerKind.MariaDb)]
        [InlineData("tidb://u:p@h/db", 4000, ServerKind.TiDb)]
        public void SchemeSetsDefaultPortAndKind(string url, int port, ServerKind kind)
        {
            var s = Parse(url);
            Assert.Equal(port, s.Port);
            Assert.Equal(kind, s.KindHint);
        }

        [Theory]
        [InlineData("mysql://app:s3cr?et@127.0.0.1:3307/shop", "s3cr?et")]
        [InlineData("mysql://app:s3cr/et:99@127.0.0.1:3307/shop", "s3cr/et:99")]
        [InlineData("mysql://app:s3cr?port=x/y@127.0.0.1:3307/shop?ssl-mode=REQUIRED", "s3cr?port=x/y")]
        [InlineData("mysql://app:50%zz@127.0.0.1:3307/shop", "50%zz")]
        public void UnencodedSpecialCharactersInAPasswordStayInThePassword(string url, string password)
        {
            var s = Parse(url);
            Assert.Equal("127.0.0.1", s.Host);
            Assert.Equal(3307, s.Port);
            Assert.Equal("shop", s.Database);
            Assert.Equal(password, s.ToConnectionStringBuilder().Password);
        }

        [Theory]
        [InlineData("mysql://u:p@h/db?ssl-mode=DISABLED", true)]
        [InlineData("mysql://u:p@h/db?ssl-mode=PREFERRED", false)]
        [InlineData("mysql://u:p@h/db", false)]
        public void ThePublicKeyIsFetchedOnlyWhereTlsWasTurnedOff(string url, bool allowed) =>
            Assert.Equal(allowed, Parse(url).ToConnectionStringBuilder().AllowPublicKeyRetrieval);

        [Fact]
        public void AnAdoPasswordSplitByASemicolonIsNeverNamedInAWarning()
        {
            var s = Parse("Server=127.0.0.1;User ID=app;Password=ab;zz9Secret=1;Pooling=false");
            Assert.DoesNotContain(s.IgnoredOptions, o => o.Contains("zz9Secret"));
            Assert.Contains(s.IgnoredOptions, o => o.Contains("not shown"));
        }

        [Fact]
        public void PercentEncodedUserAndPasswordAreDecoded()
        {
            var s = Parse("mysql://app%40corp:B1%3Ap%40ss%2Fw%25rd%3F%C3%A9@h:4000/db");
            Assert.Equal("app@corp", s.User);
            Assert.Equal("B1:p@ss/w%rd?é", s.ToConnectionStringBuilder().Password);
        }

        [Fact]
        public void UnencodedAtInPasswordUsesTheLastAt()
        {
            var s = Parse("mysql://app:p@ss@h:3306/db");
            Assert.Equal("h", s.Host);
            Assert.Equal("p@ss", s.ToConnectionStringBuilder().Password);
        }

        [Fact]
        public void NoDatabaseInPathMeansNone()
        {
            Assert.Null(Parse("mysql://u:p@h:3306/").Database);
            Assert.Null(Parse("mysql://u:p@h:3306").Database);
        }

        [Fact]
        public void Ipv6HostInBrackets()
        {
            var s = Parse("mysql://u:p@[::1]:3307/db");
            Assert.Equal("::1", s.Host);
            Assert.Equal(3307, s.Port);
            Assert.Equal("[::1]:3307", s.Server);
        }

        [Fact]
        public void TlsIsRequiredByDefault()
        {
            Assert.Equal(TlsMode.Required, Parse("mysql://u:p@h/db").TlsMode);
            Assert.Equal(TlsMode.Required, Parse("Server=h;User ID=u;Password=p").TlsMode);
            Assert.Equal(TlsMode.Required, ConnectionParser.Resolve(new ConnectionRequest { Server = "h", User = "u", Password = "p" }).TlsMode);
            Assert.False(Parse("mysql://u:p@h/db").TlsLowered);
        }

        [Theory]
        [InlineData("ssl-mode=DISABLED", TlsMode.Disabled)]
        [InlineData("ssl-mode=PREFERRED", TlsMode.Preferred)]
        [InlineData("ssl-mode=REQUIRED", TlsMode.Required)]
        [InlineData("ssl-mode=VERIFY_CA", TlsMode.VerifyCA)]
        [InlineData("ssl-mode=VERIFY_IDENTITY", TlsMode.VerifyIdentity)]
        [InlineData("sslmode=verify-full", TlsMode.VerifyIdentity)]
        [InlineData("sslmode=require", TlsMode.Required)]
        [InlineData("ssl_mode=verify_ca", TlsMode.VerifyCA)]
        [InlineData("ssl={\"rejectUnauthorized\":true}", TlsMode.VerifyIdentity)]
        [InlineData("ssl=%7B%22rejectUnauthorized%22%3Atrue%7D", TlsMode.VerifyIdentity)]
        [InlineData("ssl={\"rejectUnauthorized\":false}", TlsMode.Required)]
        [InlineData("ssl={}", TlsMode.VerifyIdentity)]
        [InlineData("sslaccept=strict", TlsMode.VerifyIdentity)]
        [InlineData("sslaccept=accept_invalid_certs", TlsMode.Required)]
        [InlineData("tls=true", TlsMode.VerifyIdentity)]
        [InlineData("tls=skip-verify", TlsMode.Required)]
        public void UrlTlsOptions(string query, TlsMode expected)
        {
            var s = Parse("mysql://u:p@h:4000/db?" + query);
            Assert.Equal(expected, s.TlsMode);
            Assert.Equal(expected < TlsMode.Required, s.TlsLowered);
        }

        [Theory]
        [InlineData("ssl-ca=/etc/ssl/ca.pem")]
        [InlineData("sslca=/etc/ssl/ca.pem")]
        [InlineData("ssl-ca=%2Fetc%2Fssl%2Fca.pem")]
        [InlineData("sslcert=/etc/ssl/ca.pem")]
        public void UrlCaOptions(string query)
        {
            var s = Parse("mysql://u:p@h/db?ssl-mode=VERIFY_CA&" + query);
            Assert.Equal("/etc/ssl/ca.pem", s.SslCaPath);
            Assert.Equal("/etc/ssl/ca.pem", s.ToConnectionStringBuilder().SslCa);
        }

        [Fact]
        public void UnknownOptionsAreReportedNotDropped()
        {
            var s = Parse("mysql://u:p@h/db?connection_limit=5&frobnicate=1");
            Assert.Contains("connection_limit", s.IgnoredOptions);
            Assert.Contains("frobnicate (unknown)", s.IgnoredOptions);
        }

        [Fact]
        public void AdoStringIsRead()
        {
            var s = Parse("Server=db.example;Port=4000;User ID=app;Password='p;w=d';Database=shop;SslMode=VerifyCA;SslCa=/ca.pem");
            Assert.Equal("db.example", s.Host);
            Assert.Equal(4000, s.Port);
            Assert.Equal("app", s.User);
            Assert.Equal("p;w=d", s.ToConnectionStringBuilder().Password);
            Assert.Equal("shop", s.Database);
            Assert.Equal(TlsMode.VerifyCA, s.TlsMode);
            Assert.Equal("/ca.pem", s.SslCaPath);
        }

        [Fact]
        public void AdoAliasesAndHostWithPort()
        {
            var s = Parse("Host=db:3307;Uid=app;Pwd=x;Initial Catalog=shop;Ssl Mode=None");
            Assert.Equal(3307, s.Port);
            Assert.Equal("app", s.User);
            Assert.Equal("shop", s.Database);
            Assert.Equal(TlsMode.Disabled, s.TlsMode);
        }

        [Fact]
        public void SeparateParametersWinOverTheString()
        {
            var s = ConnectionParser.Resolve(new ConnectionRequest
            {
                ConnectionString = "mysql://u:p@h:3306/db?ssl-mode=DISABLED&ssl-ca=/a.pem",
                Server = "other",
                Port = 4001,
                Database = "db2",
                User = "admin",
                Password = "pw2",
                TlsMode = TlsMode.VerifyIdentity,
                SslCa = "/b.pem",
            });
            Assert.Equal("other:4001", s.Server);
            Assert.Equal("db2", s.Database);
            Assert.Equal("admin", s.User);
            Assert.Equal("pw2", s.ToConnectionStringBuilder().Password);
            Assert.Equal(TlsMode.VerifyIdentity, s.TlsMode);
            Assert.Equal("/b.pem", s.SslCaPath);
        }

        [Fact]
        public void ServerParameterMayCarryAPort()
        {
            var s = ConnectionParser.Resolve(new ConnectionRequest { Server = "db.example:4000" });
            Assert.Equal("db.example:4000", s.Server);
        }

        [Fact]
        public void DriverSettingsAvoidSilentConversions()
        {
            var b = Parse("mysql://u:p@h/db").ToConnectionStringBuilder();
            Assert.False(b.AllowLoadLocalInfile);
            Assert.False(b.TreatTinyAsBoolean);
            Assert.Equal(MySqlConnector.MySqlGuidFormat.None, b.GuidFormat);
            Assert.True(b.AllowZeroDateTime);
            Assert.Equal(MySqlConnector.MySqlSslMode.Required, b.SslMode);
        }

        [Theory]
        [InlineData("mysql://user:Sup3r$ecret@h:notaport/db")]
        [InlineData("postgres://user:Sup3r$ecret@h/db")]
        [InlineData("mysql://user:Sup3r$ecret@h/db?ssl-mode=SOMETIMES")]
        [InlineData("mysql://user:Sup3r$ecret@h/db?sslaccept=maybe")]
        [InlineData("Server=h;Password='Sup3r$ecret")]
        [InlineData("just Sup3r$ecret")]
        [InlineData("mysql://user:Sup3r$ecret@/db")]
        public void BadInputErrorsNeverShowThePassword(string text)
        {
            var e = Assert.ThrowsAny<B1BackupException>(() => Parse(text));
            Assert.DoesNotContain("Sup3r", e.Message);
            Assert.Equal(FailureKind.InvalidArgument, e.Kind);
            Assert.False(string.IsNullOrWhiteSpace(e.ErrorId));
        }

        [Fact]
        public void DisplayFormsHoldNoPassword()
        {
            var s = Parse("mysql://app:Sup3rSecret@db.example:4000/shop");
            Assert.Equal("app@db.example:4000/shop", s.ToString());
            Assert.DoesNotContain("Sup3rSecret", s.Server);
        }

        [Fact]
        public void NothingGivenSaysWhatToSet()
        {
            var e = Assert.ThrowsAny<B1BackupException>(() => ConnectionParser.Resolve(new ConnectionRequest()));
            Assert.Equal("MissingServer", e.ErrorId);
            Assert.Contains("DATABASE_URL", e.Message);
        }
    }
}
