using System;
using System.Collections.Generic;
using System.Data.Common;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;

namespace B1Backup.Core.Connection
{
    /// <summary>
    /// Turns DATABASE_URL strings (mysql://, mariadb://, tidb://), ADO-style strings and separate
    /// values into one <see cref="ConnectionSettings"/>. No error message repeats the input, so a
    /// password inside it cannot leak through an error.
    /// </summary>
    public static class ConnectionParser
    {
        private static readonly char[] Ampersand = { '&' };

        private const string UrlHelp = "Expected mysql://user:password@host:port/database?ssl-mode=REQUIRED (percent-encode special characters in the user and password) or Server=host;Port=3306;User ID=user;Password=...;Database=name.";

        private static readonly string[] IgnoredUrlOptions =
        {
            "connection_limit", "pool_timeout", "socket_timeout", "charset", "timezone", "pgbouncer",
            "schema", "statement_cache_size", "max_idle_connection_lifetime", "application_name",
        };

        public static ConnectionSettings Resolve(ConnectionRequest request)
        {
            var parts = string.IsNullOrWhiteSpace(request.ConnectionString)
                ? new Parts()
                : Parse(request.ConnectionString!);

            if (!string.IsNullOrEmpty(request.Server))
            {
                ApplyServer(parts, request.Server!);
            }

            if (request.Port.HasValue)
            {
                parts.Port = request.Port.Value;
            }

            if (!string.IsNullOrEmpty(request.Database))
            {
                parts.Database = request.Database;
            }

            if (request.User != null)
            {
                parts.User = request.User;
                parts.Password = request.Password ?? string.Empty;
            }
            else if (request.Password != null)
            {
                parts.Password = request.Password;
            }

            if (request.TlsMode.HasValue)
            {
                parts.TlsMode = request.TlsMode.Value;
            }

            if (!string.IsNullOrEmpty(request.SslCa))
            {
                parts.SslCa = request.SslCa;
            }

            if (string.IsNullOrEmpty(parts.Host))
            {
                throw new B1BackupException("MissingServer", FailureKind.InvalidArgument,
                    "No database server was given. Set the DATABASE_URL environment variable, pass -ConnectionString, or pass -Server. " + UrlHelp);
            }

            int port = parts.Port ?? (parts.Kind == ServerKind.TiDb ? 4000 : 3306);
            return new ConnectionSettings(
                parts.Host!,
                port,
                parts.User ?? string.Empty,
                parts.Password ?? string.Empty,
                parts.Database,
                parts.TlsMode ?? ConnectionSettings.DefaultTlsMode,
                parts.SslCa,
                parts.Kind,
                parts.ConnectTimeout ?? 15,
                parts.Ignored);
        }

        /// <summary>Reads an ssl-mode value in any of the spellings people paste (VERIFY_IDENTITY, verify-full, require, ...).</summary>
        public static TlsMode ParseTlsMode(string value)
        {
            string key = new string(value.Where(char.IsLetterOrDigit).ToArray()).ToLowerInvariant();
            switch (key)
            {
                case "disabled":
                case "disable":
                case "none":
                case "false":
                case "off":
                    return TlsMode.Disabled;
                case "preferred":
                case "prefer":
                    return TlsMode.Preferred;
                case "required":
                case "require":
                case "true":
                case "on":
                    return TlsMode.Required;
                case "verifyca":
                    return TlsMode.VerifyCA;
                case "verifyidentity":
                case "verifyfull":
                    return TlsMode.VerifyIdentity;
                default:
                    throw new B1BackupException("InvalidSslMode", FailureKind.InvalidArgument,
                        $"'{value}' is not an SSL mode. Use one of DISABLED, PREFERRED, REQUIRED, VERIFY_CA, VERIFY_IDENTITY.");
            }
        }

        private static Parts Parse(string connectionString)
        {
            string text = connectionString.Trim();
            if (text.IndexOf("://", StringComparison.Ordinal) > 0)
            {
                return ParseUrl(text);
            }

            if (text.IndexOf('=') > 0)
            {
                return ParseAdo(text);
            }

            throw new B1BackupException("InvalidConnectionString", FailureKind.InvalidArgument,
                "The connection string is neither a URL nor a Key=Value list. " + UrlHelp);
        }

        private static Parts ParseUrl(string url)
        {
            var parts = new Parts();
            int schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
            string scheme = url.Substring(0, schemeEnd).ToLowerInvariant();
            parts.Kind = scheme switch
            {
                "mysql" or "mysqlx" => ServerKind.Unknown,
                "mariadb" => ServerKind.MariaDb,
                "tidb" => ServerKind.TiDb,
                _ => throw new B1BackupException("UnsupportedUrlScheme", FailureKind.InvalidArgument,
                    $"The URL scheme '{Sanitize(scheme)}' is not supported; use mysql://, mariadb:// or tidb://."),
            };

            string rest = url.Substring(schemeEnd + 3);

            // The user information ends at the last '@' of the URL, so an unencoded '@', '?' or '/' in a
            // password still parses and never becomes a host, port or option that an error would echo.
            int at = rest.LastIndexOf('@');
            string userInfo = at >= 0 ? rest.Substring(0, at) : string.Empty;
            string afterUser = at >= 0 ? rest.Substring(at + 1) : rest;
            string query = string.Empty;
            int queryStart = afterUser.IndexOf('?');
            if (queryStart >= 0)
            {
                query = afterUser.Substring(queryStart + 1);
                afterUser = afterUser.Substring(0, queryStart);
            }

            string hostAndPath = afterUser;
            if (at >= 0)
            {
                int colon = userInfo.IndexOf(':');
                parts.User = Decode(colon >= 0 ? userInfo.Substring(0, colon) : userInfo, "user name");
                parts.Password = colon >= 0 ? DecodeLenient(userInfo.Substring(colon + 1)) : string.Empty;
            }

            int slash = hostAndPath.IndexOf('/');
            string hostPort = slash >= 0 ? hostAndPath.Substring(0, slash) : hostAndPath;
            string path = slash >= 0 ? hostAndPath.Substring(slash + 1).TrimEnd('/') : string.Empty;
            if (path.Length > 0)
            {
                parts.Database = Decode(path, "database name");
            }

            if (hostPort.Length == 0)
            {
                throw new B1BackupException("InvalidConnectionString", FailureKind.InvalidArgument,
                    "The URL names no host. " + UrlHelp);
            }

            ApplyServer(parts, hostPort);
            foreach (string pair in query.Split(Ampersand, StringSplitOptions.RemoveEmptyEntries))
            {
                int eq = pair.IndexOf('=');
                string name = Decode(eq >= 0 ? pair.Substring(0, eq) : pair, "option name");
                string value = eq >= 0 ? Decode(pair.Substring(eq + 1), "option value") : string.Empty;
                ApplyUrlOption(parts, name, value);
            }

            return parts;
        }

        private static void ApplyUrlOption(Parts parts, string name, string value)
        {
            switch (name.ToLowerInvariant().Replace('_', '-'))
            {
                case "ssl-mode":
                case "sslmode":
                    parts.TlsMode = ParseTlsMode(value);
                    break;
                case "ssl-ca":
                case "sslca":
                case "sslrootcert":
                case "sslcert": // Prisma's name for the CA that signs the server certificate
                    parts.SslCa = value;
                    break;
                case "sslaccept":
                    parts.TlsMode = value.ToLowerInvariant() switch
                    {
                        "strict" => TlsMode.VerifyIdentity,
                        "accept-invalid-certs" or "accept_invalid_certs" => TlsMode.Required,
                        _ => throw new B1BackupException("InvalidSslMode", FailureKind.InvalidArgument,
                            $"sslaccept='{Sanitize(value)}' is not known; use strict or accept_invalid_certs."),
                    };
                    break;
                case "ssl":
                    parts.TlsMode = ParseNodeSsl(value);
                    break;
                case "tls":
                    // Go driver's DSN: tls=true verifies, skip-verify only encrypts.
                    parts.TlsMode = value.ToLowerInvariant() switch
                    {
                        "true" => TlsMode.VerifyIdentity,
                        "skip-verify" => TlsMode.Required,
                        _ => ParseTlsMode(value),
                    };
                    break;
                case "connect-timeout":
                case "connecttimeout":
                    if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int seconds) || seconds <= 0)
                    {
                        throw new B1BackupException("InvalidConnectionString", FailureKind.InvalidArgument,
                            "connect_timeout must be a whole number of seconds.");
                    }

                    parts.ConnectTimeout = seconds;
                    break;
                default:
                    parts.Ignored.Add(IgnoredUrlOptions.Contains(name.ToLowerInvariant()) ? name : name + " (unknown)");
                    break;
            }
        }

        /// <summary>Node's mysql/mysql2 form: ssl={"rejectUnauthorized":true}, or ssl=true.</summary>
        private static TlsMode ParseNodeSsl(string value)
        {
            string trimmed = value.Trim();
            if (trimmed.StartsWith("{", StringComparison.Ordinal))
            {
                // An ssl object verifies the certificate unless it says rejectUnauthorized:false.
                var match = Regex.Match(trimmed, "\"?rejectUnauthorized\"?\\s*:\\s*(true|false)", RegexOptions.IgnoreCase);
                return match.Success && match.Groups[1].Value.Equals("false", StringComparison.OrdinalIgnoreCase)
                    ? TlsMode.Required
                    : TlsMode.VerifyIdentity;
            }

            return ParseTlsMode(trimmed);
        }

        private static Parts ParseAdo(string text)
        {
            var builder = new DbConnectionStringBuilder();
            try
            {
                builder.ConnectionString = text;
            }
            catch (ArgumentException)
            {
                // The framework's message quotes the string, password included: say it in our words.
                throw new B1BackupException("InvalidConnectionString", FailureKind.InvalidArgument,
                    "The Key=Value connection string could not be read: check for an unmatched quote or a missing '='. " + UrlHelp);
            }

            var parts = new Parts();
            foreach (string key in builder.Keys.Cast<string>())
            {
                string value = Convert.ToString(builder[key], CultureInfo.InvariantCulture) ?? string.Empty;
                switch (new string(key.Where(char.IsLetterOrDigit).ToArray()).ToLowerInvariant())
                {
                    case "server":
                    case "host":
                    case "datasource":
                    case "address":
                    case "addr":
                    case "networkaddress":
                        ApplyServer(parts, value);
                        break;
                    case "port":
                        parts.Port = ParsePort(value);
                        break;
                    case "userid":
                    case "uid":
                    case "user":
                    case "username":
                        parts.User = value;
                        break;
                    case "password":
                    case "pwd":
                        parts.Password = value;
                        break;
                    case "database":
                    case "initialcatalog":
                        parts.Database = value;
                        break;
                    case "sslmode":
                        parts.TlsMode = ParseTlsMode(value);
                        break;
                    case "sslca":
                    case "cacertificatefile":
                        parts.SslCa = value;
                        break;
                    case "connectiontimeout":
                    case "connecttimeout":
                        parts.ConnectTimeout = int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int t) && t > 0 ? t
                            : throw new B1BackupException("InvalidConnectionString", FailureKind.InvalidArgument, "Connection Timeout must be a whole number of seconds.");
                        break;
                    default:
                        // A ';' inside an unquoted password splits it into keys: name only keys MySqlConnector knows.
                        parts.Ignored.Add(IsKnownAdoKey(key) ? key : "a key this tool does not know (not shown: quote a password that holds ';')");
                        break;
                }
            }

            return parts;
        }

        /// <summary>Accepts host, host:port, [v6]:port and bare IPv6 addresses.</summary>
        private static void ApplyServer(Parts parts, string server)
        {
            string value = server.Trim();
            if (value.StartsWith("[", StringComparison.Ordinal))
            {
                int close = value.IndexOf(']');
                if (close < 0)
                {
                    throw new B1BackupException("InvalidConnectionString", FailureKind.InvalidArgument, "An IPv6 address in the server name lacks its closing ']'.");
                }

                parts.Host = value.Substring(1, close - 1);
                string after = value.Substring(close + 1);
                if (after.StartsWith(":", StringComparison.Ordinal))
                {
                    parts.Port = ParsePort(after.Substring(1));
                }

                return;
            }

            int colon = value.IndexOf(':');
            if (colon >= 0 && colon == value.LastIndexOf(':'))
            {
                parts.Host = value.Substring(0, colon);
                parts.Port = ParsePort(value.Substring(colon + 1));
            }
            else
            {
                parts.Host = value;
            }
        }

        private static int ParsePort(string text)
        {
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int port) && port > 0 && port <= 65535)
            {
                return port;
            }

            throw new B1BackupException("InvalidPort", FailureKind.InvalidArgument,
                $"The port '{Sanitize(text)}' is not valid; give a number from 1 to 65535.");
        }

        private static string Decode(string text, string what)
        {
            try
            {
                return Uri.UnescapeDataString(text);
            }
            catch (UriFormatException)
            {
                throw new B1BackupException("InvalidConnectionString", FailureKind.InvalidArgument,
                    $"The {what} in the URL has a bad percent-encoding. " + UrlHelp);
            }
        }

        private static bool IsKnownAdoKey(string key)
        {
            try
            {
                return new MySqlConnector.MySqlConnectionStringBuilder().ContainsKey(key);
            }
            catch (ArgumentException)
            {
                return false;
            }
        }

        /// <summary>
        /// A password as written in a URL: percent-decoded when it is valid percent-encoding, otherwise
        /// taken as it stands (a '%' in a password typed unencoded). Never an error that could quote it.
        /// </summary>
        private static string DecodeLenient(string text)
        {
            try
            {
                return Uri.UnescapeDataString(text);
            }
            catch (UriFormatException)
            {
                return text;
            }
        }

        /// <summary>Short, printable excerpts of non-secret parts only.</summary>
        private static string Sanitize(string text) =>
            text.Length > 40 ? text.Substring(0, 40) + "..." : text;

        private sealed class Parts
        {
            public string? Host { get; set; }

            public int? Port { get; set; }

            public string? User { get; set; }

            public string? Password { get; set; }

            public string? Database { get; set; }

            public TlsMode? TlsMode { get; set; }

            public string? SslCa { get; set; }

            public ServerKind Kind { get; set; }

            public int? ConnectTimeout { get; set; }

            public List<string> Ignored { get; } = new List<string>();
        }
    }
}
