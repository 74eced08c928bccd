using System;
using System.Collections.Generic;
using MySqlConnector;

namespace B1Backup.Core.Connection
{
    /// <summary>
    /// One resolved description of where to connect and how. The password is kept here only to
    /// open connections: it is not a public property and never appears in <see cref="ToString"/>.
    /// </summary>
    public sealed class ConnectionSettings
    {
        public const TlsMode DefaultTlsMode = TlsMode.Required;

        private readonly string password;

        public ConnectionSettings(
            string host,
            int port,
            string user,
            string password,
            string? database,
            TlsMode tlsMode,
            string? sslCaPath,
            ServerKind kindHint = ServerKind.Unknown,
            int connectTimeoutSeconds = 15,
            IReadOnlyList<string>? ignoredOptions = null)
        {
            if (string.IsNullOrWhiteSpace(host))
            {
                throw new B1BackupException("MissingServer", FailureKind.InvalidArgument,
                    "No database server was given. Set DATABASE_URL (mysql://user:password@host:port/database) or pass -Server.");
            }

            if (port <= 0 || port > 65535)
            {
                throw new B1BackupException("InvalidPort", FailureKind.InvalidArgument,
                    $"The port {port} is not valid; give a number from 1 to 65535.");
            }

            Host = host;
            Port = port;
            User = user ?? string.Empty;
            this.password = password ?? string.Empty;
            Database = string.IsNullOrEmpty(database) ? null : database;
            TlsMode = tlsMode;
            SslCaPath = string.IsNullOrEmpty(sslCaPath) ? null : sslCaPath;
            KindHint = kindHint;
            ConnectTimeoutSeconds = connectTimeoutSeconds;
            IgnoredOptions = ignoredOptions ?? Array.Empty<string>();
        }

        public string Host { get; }

        public int Port { get; }

        public string User { get; }

        public string? Database { get; }

        public TlsMode TlsMode { get; }

        public string? SslCaPath { get; }

        /// <summary>What the URL scheme said (tidb:// means TiDB); the server's own version string decides later.</summary>
        public ServerKind KindHint { get; }

        public int ConnectTimeoutSeconds { get; }

        /// <summary>Options of the connection string that B1Backup does not use, so the caller can warn.</summary>
        public IReadOnlyList<string> IgnoredOptions { get; }

        public bool HasPassword => password.Length > 0;

        /// <summary>True when the caller chose a mode that may send data in plain text.</summary>
        public bool TlsLowered => TlsMode < TlsMode.Required;

        /// <summary>host:port, the form shown to people: never credentials.</summary>
        public string Server => (Host.IndexOf(':') >= 0 && !Host.StartsWith("[", StringComparison.Ordinal) ? "[" + Host + "]" : Host) + ":" + Port;

        public ConnectionSettings WithDatabase(string? database) =>
            new ConnectionSettings(Host, Port, User, password, database, TlsMode, SslCaPath, KindHint, ConnectTimeoutSeconds, IgnoredOptions);

        /// <summary>The same connection, giving up sooner (tab completion must not hang on a server that does not answer).</summary>
        public ConnectionSettings WithConnectTimeout(int seconds) =>
            new ConnectionSettings(Host, Port, User, password, Database, TlsMode, SslCaPath, KindHint, seconds, IgnoredOptions);

        public ConnectionSettings WithTls(TlsMode mode, string? sslCaPath) =>
            new ConnectionSettings(Host, Port, User, password, Database, mode, sslCaPath, KindHint, ConnectTimeoutSeconds, IgnoredOptions);

        /// <summary>
        /// The driver settings B1Backup relies on: no silent type conversions, no local infile,
        /// no pooling (a killed connection must not come back from a pool).
        /// </summary>
        public MySqlConnectionStringBuilder ToConnectionStringBuilder()
        {
            var builder = new MySqlConnectionStringBuilder
            {
                Server = Host.Trim('[', ']'),
                Port = (uint)Port,
                UserID = User,
                Password = password,
                SslMode = ToDriverSslMode(TlsMode),
                AllowLoadLocalInfile = false,
                AllowUserVariables = true,
                TreatTinyAsBoolean = false,
                GuidFormat = MySqlGuidFormat.None,
                AllowZeroDateTime = true,
                ConvertZeroDateTime = false,
                CharacterSet = "utf8mb4",
                Pooling = false,
                ConnectionTimeout = (uint)ConnectTimeoutSeconds,
                DefaultCommandTimeout = 0,
                ApplicationName = "B1Backup",
                UseAffectedRows = false,

                // MySQL 8's caching_sha2_password needs the server's RSA key to send a password without
                // TLS. Only where the user lowered TLS to Disabled (and was warned) is it fetched.
                AllowPublicKeyRetrieval = TlsMode == TlsMode.Disabled,
            };
            if (Database != null)
            {
                builder.Database = Database;
            }

            if (SslCaPath != null)
            {
                builder.SslCa = SslCaPath;
            }

            return builder;
        }

        /// <summary>Removes the password (plain and percent-encoded) from text that may have come from a driver.</summary>
        public string Scrub(string text)
        {
            if (password.Length == 0 || string.IsNullOrEmpty(text))
            {
                return text;
            }

            return text.Replace(password, "***").Replace(Uri.EscapeDataString(password), "***");
        }

        public override string ToString() =>
            (User.Length > 0 ? User + "@" : string.Empty) + Server + (Database != null ? "/" + Database : string.Empty);

        private static MySqlSslMode ToDriverSslMode(TlsMode mode) => mode switch
        {
            TlsMode.Disabled => MySqlSslMode.None,
            TlsMode.Preferred => MySqlSslMode.Preferred,
            TlsMode.Required => MySqlSslMode.Required,
            TlsMode.VerifyCA => MySqlSslMode.VerifyCA,
            _ => MySqlSslMode.VerifyFull,
        };
    }
}
