using System;
using System.Linq;
using B1Backup.Core.Connection;
using B1Backup.Core.Lexing;

namespace B1Backup.Core.Restore
{
    public sealed partial class StatementGuard
    {
        /// <summary>The allowlist's rules for cREATE of tables and stored objects: definers, the backup's own database qualifier, TTL.</summary>
        private sealed partial class Reading
        {
            private JudgedStatement JudgeCreate()
            {
                int i = 1;
                if (Is(i, "OR") && Is(i + 1, "REPLACE"))
                {
                    i += 2;
                }

                if (Is(i, "DATABASE") || Is(i, "SCHEMA"))
                {
                    i++;
                    if (Is(i, "IF") && Is(i + 1, "NOT") && Is(i + 2, "EXISTS"))
                    {
                        i += 3;
                    }

                    return DatabaseStatement(i, "CREATE DATABASE");
                }

                if (Is(i, "TABLE") || Is(i, "SEQUENCE"))
                {
                    return JudgeTable(i, "CREATE " + Upper(i));
                }

                if (Is(i, "UNIQUE") || Is(i, "FULLTEXT") || Is(i, "SPATIAL") || Is(i, "INDEX"))
                {
                    return JudgeTable(i, "CREATE INDEX");
                }

                // CREATE [ALGORITHM=..] [DEFINER=..] [SQL SECURITY ..] [AGGREGATE] VIEW|PROCEDURE|FUNCTION|TRIGGER|EVENT|PACKAGE
                int kindAt = i;
                while (kindAt < count && !ObjectKinds.Any(k => Is(kindAt, k)))
                {
                    if (Is(kindAt, "DEFINER") && !Is(kindAt - 1, "SECURITY"))
                    {
                        kindAt = Definer(kindAt);
                        continue;
                    }

                    if (!(Is(kindAt, "ALGORITHM") || Is(kindAt, "SQL") || Is(kindAt, "SECURITY") || Is(kindAt, "AGGREGATE") || tokens[kindAt].IsSymbol('=')
                        || (kindAt > 0 && (Is(kindAt - 1, "SECURITY") || (tokens[kindAt - 1].IsSymbol('=') && Is(kindAt - 2, "ALGORITHM"))))))
                    {
                        throw Refused(Forbidden(0, count) ?? $"it creates something a backup of a database never holds ({Upper(i)})");
                    }

                    kindAt++;
                }

                if (kindAt >= count)
                {
                    throw Refused("it is a CREATE this restore cannot read");
                }

                return JudgeObject(kindAt);
            }

            /// <summary>Skips DEFINER = user; cuts it out unless the restore keeps definers. Returns the index after it.</summary>
            private int Definer(int at)
            {
                int i = at + 1;
                if (i < count && tokens[i].IsSymbol('='))
                {
                    i++;
                }

                if (Is(i, "CURRENT_USER"))
                {
                    i++;
                    if (i + 1 < count && tokens[i].IsSymbol('(') && tokens[i + 1].IsSymbol(')'))
                    {
                        i += 2;
                    }
                }
                else if (i < count && (tokens[i].IsName || tokens[i].Kind == SqlTokenKind.String))
                {
                    i++;
                    if (i < count && tokens[i].Kind == SqlTokenKind.Variable)
                    {
                        i++;
                    }
                }
                else
                {
                    throw Refused("its DEFINER clause cannot be read");
                }

                if (!guard.Options.KeepDefiners)
                {
                    Cut(tokens[at].Start, tokens[i - 1].End);
                }

                return i;
            }

            private JudgedStatement JudgeObject(int kindAt)
            {
                string kind = Upper(kindAt);
                int i = kindAt + 1;
                if (kind == "PACKAGE" && Is(i, "BODY"))
                {
                    kind = "PACKAGE BODY";
                    i++;
                }

                if (Is(i, "IF") && Is(i + 1, "NOT") && Is(i + 2, "EXISTS"))
                {
                    i += 3;
                }

                string objectName = i < count && tokens[i].IsName ? (i + 2 < count && tokens[i + 1].IsSymbol('.') && tokens[i + 2].IsName ? tokens[i + 2].Name! : tokens[i].Name!) : string.Empty;
                i = OwnName(i, running: true);
                int bodyStart = i;
                if (kind == "TRIGGER")
                {
                    // BEFORE|AFTER INSERT|UPDATE|DELETE ON table: the table is the staging copy's.
                    while (i < count && !Is(i, "ON"))
                    {
                        i++;
                    }

                    i = OwnName(i + 1, running: true);
                    bodyStart = i;
                }

                if (kind != "VIEW" && !guard.Dialect.Server.HasRoutinesTriggersEvents)
                {
                    throw Refused($"the target server ({guard.Dialect.Server.Kind}) has no stored {kind.ToLowerInvariant()}s; restore this backup into MySQL or MariaDB, or remove its routines, triggers and events first");
                }

                CheckStoredCode(bodyStart, kind);
                var result = Result(StatementAction.Execute, "CREATE " + kind);
                result.CreatesEvent = kind == "EVENT";
                // The loader never runs the script's character-set SETs (it speaks UTF-8); it creates the object under them.
                result.ObjectCharacterSetClient = guard.objectCharacterSetClient;
                result.ObjectCollationConnection = guard.objectCollationConnection;
                result.ObjectDatabaseCollation = kind == "VIEW" ? null : guard.objectDatabaseCollation;
                guard.CreatesFunctionsOrTriggers |= kind == "FUNCTION" || kind == "TRIGGER";
                result.ObjectName = objectName;
                return result;
            }

            /// <summary>
            /// A name the statement creates or changes now: unqualified, or qualified by the backup's own
            /// database (left out, so it lands in the staging copy). Returns the index after it.
            /// </summary>
            private int OwnName(int i, bool running)
            {
                if (i >= count || !tokens[i].IsName)
                {
                    throw Refused("it names no object this restore can read");
                }

                if (i + 2 < count && tokens[i + 1].IsSymbol('.') && tokens[i + 2].IsName)
                {
                    QualifiedByOwnDatabase(i, running);
                    return i + 3;
                }

                return i + 1;
            }

            private void QualifiedByOwnDatabase(int i, bool running)
            {
                string database = tokens[i].Name!;
                if (database == Source && running)
                {
                    Cut(tokens[i].Start, tokens[i + 1].End);
                    return;
                }

                throw Refused($"it names the database '{database}'");
            }

            private JudgedStatement JudgeTable(int kindAt, string kind)
            {
                int i = kindAt;
                while (i < count && !(tokens[i].IsName && !IsKeywordBeforeName(i)))
                {
                    i++;
                }

                string? table = null;
                if (kind == "CREATE TABLE" && i < count)
                {
                    table = tokens[i].Name;
                    if (i + 2 < count && tokens[i + 1].IsSymbol('.') && tokens[i + 2].IsName)
                    {
                        table = tokens[i + 2].Name;
                    }

                    int after = i + (i + 2 < count && tokens[i + 1].IsSymbol('.') ? 3 : 1);
                    if (Is(after, "LIKE") || (after + 1 < count && tokens[after].IsSymbol('(') && Is(after + 1, "LIKE")))
                    {
                        throw Refused("it copies another table's definition (CREATE TABLE ... LIKE), which a backup never holds");
                    }
                }

                CheckRunningStatement(kindAt);
                bool ttl = kind == "CREATE TABLE" && guard.Dialect.Server.Kind == ServerKind.TiDb && LoadsWithTtlOff();
                var result = Result(StatementAction.Execute, kind);
                result.Table = table;
                result.EnablesTtlAfterSwap = ttl;
                return result;
            }

            /// <summary>
            /// TiDB's TTL deletes expired rows in the background: in the staging copy that would change the data
            /// before it is verified. The table is created with TTL_ENABLE='OFF'; the loader turns it on after the swap.
            /// </summary>
            private bool LoadsWithTtlOff()
            {
                // Table options only: outside the parentheses, where a column or a CHECK could have the same words.
                bool hasTtl = false;
                int depth = 0;
                for (int i = 0; i + 1 < count; i++)
                {
                    depth += tokens[i].IsSymbol('(') ? 1 : tokens[i].IsSymbol(')') ? -1 : 0;
                    if (depth != 0)
                    {
                        continue;
                    }

                    hasTtl |= Is(i, "TTL") && tokens[i + 1].IsSymbol('=');
                    if (Is(i, "TTL_ENABLE"))
                    {
                        int at = tokens[i + 1].IsSymbol('=') ? i + 2 : i + 1;
                        if (at < count && tokens[at].Kind == SqlTokenKind.String)
                        {
                            bool on = string.Equals(SqlLexer.StringValue(text, tokens[at], guard.Dialect), "ON", StringComparison.OrdinalIgnoreCase);
                            Cut(tokens[at].Start, tokens[at].End, "'OFF'");
                            return on;
                        }
                    }
                }

                if (hasTtl)
                {
                    // TTL without TTL_ENABLE is on by default; TiDB writes its table options after any partitioning.
                    Cut(tokens[count - 1].End, tokens[count - 1].End, " TTL_ENABLE='OFF'");
                }

                return hasTtl;
            }

            private bool IsKeywordBeforeName(int i) =>
                Is(i, "TABLE") || Is(i, "SEQUENCE") || Is(i, "IF") || Is(i, "NOT") || Is(i, "EXISTS") || Is(i, "UNIQUE") || Is(i, "FULLTEXT") || Is(i, "SPATIAL") || Is(i, "INDEX");
        }
    }
}
