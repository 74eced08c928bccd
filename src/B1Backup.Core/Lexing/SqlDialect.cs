using System;
using System.Collections.Generic;
using System.Linq;
using B1Backup.Core.Connection;
using B1Backup.Core.Engine;

namespace B1Backup.Core.Lexing
{
    /// <summary>
    /// How one server, in one session, reads SQL text: which quotes delimit strings (ANSI_QUOTES),
    /// whether a backslash escapes (NO_BACKSLASH_ESCAPES), and which executable comments run. The
    /// per-server rules live here and nowhere else.
    /// </summary>
    public sealed class SqlDialect
    {
        /// <summary>What a restore assumes before it has met its server; the verdicts it gave are checked again against the real one.</summary>
        public static readonly ServerFlavor AssumedServer = new ServerFlavor(ServerKind.MariaDb, new Version(10, 11, 0), "10.11.0-MariaDB (assumed)");

        public SqlDialect(ServerFlavor server)
        {
            Server = server;
        }

        public ServerFlavor Server { get; }

        /// <summary>sql_mode ANSI_QUOTES: "..." is an identifier, not a string.</summary>
        public bool AnsiQuotes { get; private set; }

        /// <summary>sql_mode NO_BACKSLASH_ESCAPES: a backslash inside a string is an ordinary character.</summary>
        public bool NoBackslashEscapes { get; private set; }

        /// <summary>The session's sql_mode as last set, upper case; null while the server's default holds.</summary>
        public string? SqlMode { get; private set; }

        public SqlDialect Clone()
        {
            var copy = new SqlDialect(Server);
            copy.SetSqlMode(SqlMode);
            return copy;
        }

        /// <summary>Sets the session's sql_mode as the server would read it; composite modes that imply ANSI_QUOTES count.</summary>
        public void SetSqlMode(string? mode)
        {
            SqlMode = mode?.ToUpperInvariant();
            AnsiQuotes = false;
            NoBackslashEscapes = false;
            if (SqlMode == null)
            {
                return;
            }

            foreach (string part in SqlMode.Split(','))
            {
                switch (part.Trim())
                {
                    case "ANSI_QUOTES":
                    case "ANSI":
                    case "DB2":
                    case "MAXDB":
                    case "MSSQL":
                    case "ORACLE":
                    case "POSTGRESQL":
                        AnsiQuotes = true;
                        break;
                    case "NO_BACKSLASH_ESCAPES":
                        NoBackslashEscapes = true;
                        break;
                }
            }
        }

        /// <summary>The version digits after /*! or /*M!, as this server reads them: their count, or 0 when it reads none.</summary>
        public int VersionDigits(string text, int start)
        {
            int run = 0;
            while (start + run < text.Length && run < 7 && text[start + run] >= '0' && text[start + run] <= '9')
            {
                run++;
            }

            if (run < 5)
            {
                return 0;
            }

            if (Server.Kind == ServerKind.MySql && run >= 6)
            {
                // MySQL 8.0.x (newer builds) read six digits when whitespace follows, older builds five: never guess.
                throw new SqlLexException("an executable comment with a six-digit version, which MySQL versions read differently", start);
            }

            return Server.Kind == ServerKind.MySql ? 5 : Math.Min(run, 6);
        }

        /// <summary>Does this server treat the opener as an executable comment at all (rather than an ordinary comment)?</summary>
        public bool Recognises(ConditionalMarker marker) => marker switch
        {
            ConditionalMarker.MariaDb => Server.Kind == ServerKind.MariaDb,
            ConditionalMarker.TiDb => Server.Kind == ServerKind.TiDb,
            _ => true,
        };

        /// <summary>Does the content of a recognised executable comment with this version (-1: none) run on this server?</summary>
        public bool Runs(ConditionalMarker marker, long version)
        {
            if (!Recognises(marker))
            {
                return false;
            }

            if (version < 0 || marker == ConditionalMarker.TiDb)
            {
                return true;
            }

            switch (Server.Kind)
            {
                case ServerKind.MariaDb:
                    // MariaDB ignores MySQL 5.7+ versions (50700-99999) unless the comment is /*M!.
                    long own = (Server.Version.Major * 10000L) + (Server.Version.Minor * 100L) + Math.Max(0, Server.Version.Build);
                    return version <= own && (version < 50700 || version > 99999 || marker == ConditionalMarker.MariaDb);
                case ServerKind.TiDb:
                    // TiDB's lexer runs every /*!NNNNN comment whatever its version (pingcap/tidb parser/lexer.go).
                    return true;
                default:
                    long mysql = (Server.Version.Major * 10000L) + (Server.Version.Minor * 100L) + Math.Max(0, Server.Version.Build);
                    return version <= mysql;
            }
        }

        /// <summary>Features TiDB's /*T![feature] comments name that every supported TiDB version knows (TiDB docs, "TiDB-specific comment syntax").</summary>
        public static bool IsKnownTidbFeature(string feature) => feature.Split(',').All(f => KnownTidbFeatures.Contains(f.Trim()));

        private static readonly HashSet<string> KnownTidbFeatures = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            "auto_rand", "auto_rand_base", "clustered_index", "force_inc", "placement", "auto_id_cache", "ttl", "resource_group",
        };
    }
}
