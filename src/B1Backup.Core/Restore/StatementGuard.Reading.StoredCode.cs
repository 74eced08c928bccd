using System;
using System.Collections.Generic;
using B1Backup.Core.Lexing;

namespace B1Backup.Core.Restore
{
    public sealed partial class StatementGuard
    {
        /// <summary>The allowlist's rules for what stored code and running statements may name: other databases, dynamic SQL, server administration.</summary>
        private sealed partial class Reading
        {
            /// <summary>
            /// A table statement that runs now: one statement, no name of another database (the backup's
            /// own is left out), no other server, file or engine that reaches outside the database.
            /// </summary>
            private void CheckRunningStatement(int from)
            {
                string? forbidden = Forbidden(0, count);
                if (forbidden != null)
                {
                    throw Refused(forbidden);
                }

                for (int i = from; i < count; i++)
                {
                    var token = tokens[i];
                    if (token.Kind == SqlTokenKind.Semicolon)
                    {
                        throw Refused("it holds a second statement after a ';'");
                    }

                    if (token.IsName && i + 2 < count && tokens[i + 1].IsSymbol('.') && tokens[i + 2].IsName && !(i > 0 && tokens[i - 1].IsSymbol('.')))
                    {
                        QualifiedByOwnDatabase(i, running: true);
                        i += 2;
                        continue;
                    }

                    if (Is(i, "SELECT"))
                    {
                        throw Refused("it reads from a query (SELECT), which a backup's table statements never do");
                    }

                    if ((Is(i, "ENGINE") || Is(i, "TYPE")) && i + 1 < count)
                    {
                        int at = i + 1 + (tokens[i + 1].IsSymbol('=') ? 1 : 0);
                        if (at < count && tokens[at].IsName && IsOutwardEngine(tokens[at].Name!))
                        {
                            throw Refused($"its table uses the {tokens[at].Name} engine, which reaches other servers or files");
                        }
                    }

                    if (Is(i, "CONNECTION") || ((Is(i, "DATA") || Is(i, "INDEX")) && Is(i + 1, "DIRECTORY")) || Is(i, "TABLESPACE"))
                    {
                        throw Refused("its table names another server, directory or tablespace");
                    }
                }
            }

            private static bool IsOutwardEngine(string engine) =>
                engine.Equals("FEDERATED", StringComparison.OrdinalIgnoreCase) || engine.Equals("FEDERATEDX", StringComparison.OrdinalIgnoreCase)
                || engine.Equals("CONNECT", StringComparison.OrdinalIgnoreCase) || engine.Equals("SPIDER", StringComparison.OrdinalIgnoreCase)
                || engine.Equals("OQGRAPH", StringComparison.OrdinalIgnoreCase) || engine.Equals("S3", StringComparison.OrdinalIgnoreCase);

            /// <summary>
            /// The body of a view, routine, trigger or event: its statements stay inside the one compound
            /// statement (no ';' after its last END), run no dynamic SQL and nothing that administers the
            /// server, and name no other database, unless the user trusts the backup's stored code.
            /// </summary>
            private void CheckStoredCode(int from, string kind)
            {
                int depth = 0;
                for (int i = from; i < count; i++)
                {
                    var token = tokens[i];
                    if (Is(i, "BEGIN") || Is(i, "CASE"))
                    {
                        depth++;
                    }
                    else if (Is(i, "END") && (Is(i + 1, "IF") || Is(i + 1, "LOOP") || Is(i + 1, "WHILE") || Is(i + 1, "REPEAT") || Is(i + 1, "FOR")))
                    {
                        // END IF, END LOOP, ...: their openers are not counted, and the word after END is no opener.
                        i++;
                    }
                    else if (Is(i, "END"))
                    {
                        depth--;
                        if (Is(i + 1, "CASE"))
                        {
                            i++;
                        }

                        if (depth < 0)
                        {
                            throw Refused("its body ends more blocks than it begins");
                        }
                    }
                    else if (token.Kind == SqlTokenKind.Semicolon && depth == 0)
                    {
                        throw Refused(guard.Dialect.SqlMode?.Contains("ORACLE") == true
                            ? "it is Oracle-mode stored code with ';' outside BEGIN ... END (a package or declarations), which this restore cannot yet tell from a second statement; restore it with the mariadb client"
                            : "it holds a second statement after the end of its body");
                    }
                }

                bool trusted = guard.Options.TrustStoredCode;
                string? forbidden = trusted ? null : Forbidden(from, count);
                if (forbidden != null)
                {
                    throw Refused($"its {kind.ToLowerInvariant()} code {forbidden.Substring(3)}; pass -TrustStoredCode to restore it anyway");
                }

                foreach (var (index, database, certain) in ReferencedDatabases(from))
                {
                    // Restored under another name, the code's own database qualifier would keep pointing at the
                    // source: where the name is certainly a database (a three-part name, a routine call, a
                    // table after FROM/JOIN/...), it is left out, so the code names its own database.
                    if (certain && guard.target != null && database == Source && Source != guard.target)
                    {
                        Cut(tokens[index].Start, tokens[index + 1].End);
                        continue;
                    }

                    // Without a target yet (reading the backup before the server), the check is made again with it.
                    if (trusted || guard.target == null || database == guard.target || string.Equals(database, "information_schema", StringComparison.OrdinalIgnoreCase))
                    {
                        continue;
                    }

                    throw Refused($"it names the database '{database}'");
                }
            }

            /// <summary>
            /// Databases stored code names: the first part of a three-part name, of a qualified routine
            /// call, of a qualified name after FROM/JOIN/INTO/UPDATE/TABLE/CALL/..., and of any
            /// qualified name whose first part is a database of the server's or a system database.
            /// </summary>
            private IEnumerable<(int Index, string Database, bool Certain)> ReferencedDatabases(int from)
            {
                for (int i = from; i + 2 < count; i++)
                {
                    if (!(tokens[i].IsName && tokens[i + 1].IsSymbol('.') && tokens[i + 2].IsName) || (i > 0 && tokens[i - 1].IsSymbol('.')))
                    {
                        continue;
                    }

                    string first = tokens[i].Name!;
                    bool threeParts = i + 4 < count && tokens[i + 3].IsSymbol('.') && tokens[i + 4].IsName;
                    bool call = i + 3 < count && tokens[i + 3].IsSymbol('(');
                    bool tableContext = i > 0 && (Is(i - 1, "FROM") || Is(i - 1, "JOIN") || Is(i - 1, "INTO") || Is(i - 1, "UPDATE") || Is(i - 1, "TABLE")
                        || Is(i - 1, "TABLES") || Is(i - 1, "CALL") || Is(i - 1, "REFERENCES") || Is(i - 1, "EXISTS") || Is(i - 1, "LIKE") || Is(i - 1, "DELETE")
                        || Is(i - 1, "TRUNCATE") || Is(i - 1, "INSERT") || Is(i - 1, "REPLACE") || Is(i - 1, "DESCRIBE") || Is(i - 1, "DESC"));
                    bool knownDatabase = SystemDatabases.Contains(first) || (guard.OtherDatabases.Contains(first) && !string.Equals(first, guard.target, StringComparison.OrdinalIgnoreCase));
                    if (threeParts || call || tableContext || knownDatabase)
                    {
                        yield return (i, first, threeParts || call || tableContext);
                    }
                }
            }

            /// <summary>A reason to refuse statements of kinds no backup holds, wherever they stand; null when there is none.</summary>
            private string? Forbidden(int from, int to)
            {
                for (int i = from; i < to; i++)
                {
                    if (tokens[i].Kind != SqlTokenKind.Word && tokens[i].Kind != SqlTokenKind.SystemVariable)
                    {
                        continue;
                    }

                    if (tokens[i].Kind == SqlTokenKind.SystemVariable)
                    {
                        string scope = tokens[i].Name!;
                        if ((scope.Equals("global", StringComparison.OrdinalIgnoreCase) || scope.StartsWith("persist", StringComparison.OrdinalIgnoreCase)) && i + 1 < to && tokens[i + 1].IsSymbol('.'))
                        {
                            return "it changes server-wide settings";
                        }

                        continue;
                    }

                    switch (Upper(i))
                    {
                        case "GRANT":
                        case "REVOKE":
                            return "it manages accounts or privileges";
                        case "USER" when i > from && (Is(i - 1, "CREATE") || Is(i - 1, "ALTER") || Is(i - 1, "DROP") || Is(i - 1, "RENAME")):
                        case "ROLE" when i > from && (Is(i - 1, "CREATE") || Is(i - 1, "DROP") || Is(i - 1, "SET") || Is(i - 1, "DEFAULT")):
                        case "PASSWORD" when i > from && Is(i - 1, "SET"):
                            return "it manages accounts or privileges";
                        case "GLOBAL":
                        case "PERSIST":
                        case "PERSIST_ONLY":
                            if (i + 2 < to && tokens[i + 1].IsName && (tokens[i + 2].IsSymbol('=') || tokens[i + 2].IsSymbol(':')))
                            {
                                return "it changes server-wide settings";
                            }

                            break;
                        case "PREPARE" when i + 2 < to && tokens[i + 1].IsName && Is(i + 2, "FROM"):
                        case "EXECUTE" when Is(i + 1, "IMMEDIATE") || (i + 1 < to && tokens[i + 1].IsName && (i + 2 >= to || Is(i + 2, "USING") || tokens[i + 2].Kind == SqlTokenKind.Semicolon)):
                            return "it runs dynamic SQL (PREPARE, EXECUTE), whose text no check can see";
                        case "LOAD" when Is(i + 1, "DATA") || Is(i + 1, "XML"):
                        case "LOAD_FILE":
                        case "OUTFILE":
                        case "DUMPFILE":
                            return "it reads or writes files";
                        case "SHUTDOWN":
                        case "KILL":
                        case "INSTALL":
                        case "UNINSTALL":
                        case "SONAME":
                        case "FLUSH":
                        case "PURGE":
                        case "BINLOG":
                            return "it administers the server";
                        case "RESET" when Is(i + 1, "MASTER") || Is(i + 1, "SLAVE") || Is(i + 1, "REPLICA") || Is(i + 1, "QUERY") || Is(i + 1, "BINARY"):
                        case "CHANGE" when Is(i + 1, "MASTER") || Is(i + 1, "REPLICATION"):
                        case "START" when Is(i + 1, "SLAVE") || Is(i + 1, "REPLICA") || Is(i + 1, "ALL"):
                        case "STOP" when Is(i + 1, "SLAVE") || Is(i + 1, "REPLICA") || Is(i + 1, "ALL"):
                        case "SERVER" when i > from && (Is(i - 1, "CREATE") || Is(i - 1, "ALTER") || Is(i - 1, "DROP")):
                        case "INSTANCE" when i > from && Is(i - 1, "ALTER"):
                            return "it administers the server";
                        case "DATABASE" when i > from && (Is(i - 1, "CREATE") || Is(i - 1, "ALTER") || Is(i - 1, "DROP")) && from > 0:
                        case "SCHEMA" when i > from && (Is(i - 1, "CREATE") || Is(i - 1, "ALTER") || Is(i - 1, "DROP")) && from > 0:
                            return "it creates, alters or drops a database";
                        case "SOURCE":
                        case "SYSTEM" when i == 0:
                            return "it is a mysql client command, which a restore never runs";
                    }
                }

                return null;
            }
        }
    }
}
