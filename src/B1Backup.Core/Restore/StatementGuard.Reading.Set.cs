using System;
using System.Collections.Generic;
using System.Linq;
using B1Backup.Core.Lexing;

namespace B1Backup.Core.Restore
{
    public sealed partial class StatementGuard
    {
        /// <summary>The allowlist's rules for sET statements, and the statements that name a database (USE, CREATE DATABASE).</summary>
        private sealed partial class Reading
        {
            private JudgedStatement JudgeSet()
            {
                if (count > 1 && tokens[1].Kind == SqlTokenKind.Word)
                {
                    switch (Upper(1))
                    {
                        case "NAMES":
                        case "CHARSET":
                            return SetNames(2);
                        case "CHARACTER" when Is(2, "SET"):
                            return SetNames(3);
                        case "PASSWORD":
                        case "ROLE":
                        case "DEFAULT" when Is(2, "ROLE"):
                            throw Refused("it manages accounts or privileges");
                        case "GLOBAL":
                        case "PERSIST":
                        case "PERSIST_ONLY":
                            throw Refused("it changes server-wide settings");
                        case "TRANSACTION":
                        case "STATEMENT":
                            throw Refused($"it is a SET {Upper(1)}, which a backup never holds");
                    }
                }

                var actions = new HashSet<StatementAction>();
                var charsetChanges = new List<(string Name, string? Value)>();
                var modeChanges = new List<string?>();
                var variableChanges = new List<(string Name, string? Mode)>();
                string? timeZone = null;
                int i = 1;
                while (true)
                {
                    string variable;
                    bool user = false;
                    if (i < count && tokens[i].Kind == SqlTokenKind.Variable)
                    {
                        variable = tokens[i].Name!;
                        user = true;
                        i++;
                    }
                    else if (i < count && tokens[i].Kind == SqlTokenKind.SystemVariable)
                    {
                        string scope = tokens[i].Name!;
                        i++;
                        if (i + 1 < count && tokens[i].IsSymbol('.'))
                        {
                            if (!scope.Equals("session", StringComparison.OrdinalIgnoreCase) && !scope.Equals("local", StringComparison.OrdinalIgnoreCase))
                            {
                                // @@GLOBAL.GTID_PURGED of a mysqldump with GTIDs: replication state, never run.
                                if (scope.Equals("global", StringComparison.OrdinalIgnoreCase) && tokens[i + 1].IsName && IsServerState(tokens[i + 1].Name!))
                                {
                                    return Result(StatementAction.SkipServerState, "SET");
                                }

                                throw Refused("it changes server-wide settings");
                            }

                            variable = tokens[i + 1].Name ?? string.Empty;
                            i += 2;
                        }
                        else
                        {
                            variable = scope;
                        }
                    }
                    else
                    {
                        if (i < count && (Is(i, "GLOBAL") || Is(i, "PERSIST") || Is(i, "PERSIST_ONLY")))
                        {
                            throw Refused("it changes server-wide settings");
                        }

                        if (i < count && (Is(i, "SESSION") || Is(i, "LOCAL")))
                        {
                            i++;
                        }

                        if (i >= count || !tokens[i].IsName)
                        {
                            throw Refused("it is a SET this restore cannot read");
                        }

                        variable = tokens[i].Name!;
                        i++;
                    }

                    if (i >= count || !(tokens[i].IsSymbol('=') || (tokens[i].IsSymbol(':') && i + 1 < count && tokens[i + 1].IsSymbol('='))))
                    {
                        throw Refused("it is a SET this restore cannot read");
                    }

                    i += tokens[i].IsSymbol(':') ? 2 : 1;
                    int valueStart = i;
                    int valueEnd = ValueEnd(i);
                    if (valueEnd < 0)
                    {
                        throw Refused($"it sets {variable} to something other than a plain value");
                    }

                    if (user)
                    {
                        variableChanges.Add((variable, ModeValue(valueStart, valueEnd, userValue: true)));
                        actions.Add(StatementAction.Execute);
                    }
                    else
                    {
                        if (!SessionVariables.TryGetValue(variable, out var action))
                        {
                            throw Refused($"it sets the server variable {variable}, which a restore does not change");
                        }

                        if (variable.Equals("time_zone", StringComparison.OrdinalIgnoreCase) && tokens[valueStart].Kind == SqlTokenKind.String)
                        {
                            timeZone = SqlLexer.StringValue(text, tokens[valueStart], guard.Dialect);
                        }

                        if (action == StatementAction.SkipCharacterSet)
                        {
                            charsetChanges.Add((variable.ToLowerInvariant(), PlainName(valueStart, valueEnd)));
                        }

                        if (variable.Equals("sql_mode", StringComparison.OrdinalIgnoreCase))
                        {
                            modeChanges.Add(ModeValue(valueStart, valueEnd, userValue: false) ?? throw Refused("it sets sql_mode to a value this restore cannot follow (only a literal, or a variable saved from @@sql_mode)"));
                        }

                        actions.Add(action);
                    }

                    i = valueEnd;
                    if (i == count)
                    {
                        break;
                    }

                    if (!tokens[i].IsSymbol(','))
                    {
                        throw Refused("it is a SET this restore cannot read");
                    }

                    i++;
                }

                if (actions.Count > 1 && actions.Any(a => a != StatementAction.Execute))
                {
                    throw Refused("it mixes settings a restore runs with ones it never runs (character set or replication state)");
                }

                var result = actions.Single();
                foreach (var (name, value) in result == StatementAction.SkipCharacterSet ? charsetChanges : new List<(string, string?)>())
                {
                    // A restore to a saved @variable (mysqldump's pattern) reads as null: back to the loader's own.
                    if (name == "character_set_client")
                    {
                        guard.objectCharacterSetClient = value;
                    }
                    else if (name == "collation_connection" || name == "character_set_connection")
                    {
                        guard.objectCollationConnection = name == "collation_connection" ? value : null;
                    }
                }

                if (result == StatementAction.Execute)
                {
                    // Assignments happen left to right: a saved mode is the one before this statement's own change.
                    foreach (var (name, mode) in variableChanges)
                    {
                        guard.userVariables[name] = mode;
                    }

                    foreach (string? mode in modeChanges)
                    {
                        guard.Dialect.SetSqlMode(mode);
                    }

                    guard.TimeZone = timeZone ?? guard.TimeZone;
                }

                return Result(result, "SET");
            }

            /// <summary>SET NAMES x [COLLATE y]: noted for the objects that follow, never run.</summary>
            private JudgedStatement SetNames(int at)
            {
                string? charset = at < count ? PlainName(at, at + 1) : null;
                string? collation = at + 2 < count && Is(at + 1, "COLLATE") ? PlainName(at + 2, at + 3) : null;
                guard.objectCharacterSetClient = charset != null && charset.Equals("DEFAULT", StringComparison.OrdinalIgnoreCase) ? null : charset;
                guard.objectCollationConnection = collation;
                return Result(StatementAction.SkipCharacterSet, "SET NAMES");
            }

            /// <summary>A one-token value that names something (a word, a quoted name, a string); null for variables and the like.</summary>
            private string? PlainName(int start, int end)
            {
                if (end != start + 1 || start >= count)
                {
                    return null;
                }

                var token = tokens[start];
                return token.Kind == SqlTokenKind.Word || token.Kind == SqlTokenKind.QuotedIdentifier ? token.Name
                    : token.Kind == SqlTokenKind.String ? SqlLexer.StringValue(text, token, guard.Dialect)
                    : null;
            }

            private static bool IsServerState(string name) =>
                SessionVariables.TryGetValue(name, out var action) && action == StatementAction.SkipServerState;

            /// <summary>Where a plain value (literal, word, variable) starting at <paramref name="i"/> ends; -1 for anything else.</summary>
            private int ValueEnd(int i)
            {
                if (i < count && (tokens[i].IsSymbol('-') || tokens[i].IsSymbol('+')))
                {
                    i++;
                }

                if (i >= count)
                {
                    return -1;
                }

                var token = tokens[i];
                switch (token.Kind)
                {
                    case SqlTokenKind.String:
                    case SqlTokenKind.Number:
                    case SqlTokenKind.Variable:
                        i++;
                        break;
                    case SqlTokenKind.SystemVariable:
                        i++;
                        if (i + 1 < count && tokens[i].IsSymbol('.'))
                        {
                            i += 2;
                        }

                        break;
                    case SqlTokenKind.Word:
                    case SqlTokenKind.QuotedIdentifier:
                        i++;
                        break;
                    default:
                        return -1;
                }

                // GTID_PURGED's '+' prefix and the like are not values a restore runs anyway; everything else must end here.
                return i == count || tokens[i].IsSymbol(',') ? i : -1;
            }

            /// <summary>The sql_mode a value stands for; null when it cannot be known. User variables may hold anything: then null is fine.</summary>
            private string? ModeValue(int start, int end, bool userValue)
            {
                var token = tokens[start];
                switch (token.Kind)
                {
                    case SqlTokenKind.String when end == start + 1:
                        return SqlLexer.StringValue(text, token, guard.Dialect);
                    case SqlTokenKind.SystemVariable when string.Equals(LastName(start, end), "sql_mode", StringComparison.OrdinalIgnoreCase):
                        return guard.Dialect.SqlMode ?? string.Empty;
                    case SqlTokenKind.Variable when guard.userVariables.TryGetValue(token.Name!, out string? saved):
                        return saved;
                    default:
                        return null;
                }
            }

            private string? LastName(int start, int end) => tokens[end - 1].IsName ? tokens[end - 1].Name : tokens[start].Name;

            private JudgedStatement DatabaseStatement(int nameAt, string kind)
            {
                if (nameAt >= count || !tokens[nameAt].IsName)
                {
                    throw Refused($"it is a {kind} this restore cannot read");
                }

                string name = tokens[nameAt].Name!;
                guard.SourceDatabase ??= name;
                if (name == Source || name == guard.target)
                {
                    var result = Result(StatementAction.SkipDatabaseSwitch, kind);
                    if (kind == "USE" || kind.StartsWith("CREATE", StringComparison.Ordinal))
                    {
                        result.Database = name;
                    }

                    if (kind.StartsWith("CREATE", StringComparison.Ordinal))
                    {
                        ReadCharset(nameAt + 1, result);
                    }

                    return result;
                }

                if (guard.target == null && (kind == "USE" || kind == "CREATE DATABASE"))
                {
                    // Read without a target, a dump of several databases is told as such by the caller (it counts these).
                    var switched = Result(StatementAction.SkipDatabaseSwitch, kind);
                    switched.Database = name;
                    return switched;
                }

                throw Refused($"it names the database '{name}', not the one the backup holds");
            }

            private void ReadCharset(int from, JudgedStatement result)
            {
                for (int i = from; i < count; i++)
                {
                    if ((Is(i, "CHARSET") || (Is(i, "CHARACTER") && Is(i + 1, "SET"))) && result.CharacterSet == null)
                    {
                        int at = Is(i, "CHARSET") ? i + 1 : i + 2;
                        at += at < count && tokens[at].IsSymbol('=') ? 1 : 0;
                        result.CharacterSet = at < count && tokens[at].IsName ? tokens[at].Name : null;
                    }
                    else if (Is(i, "COLLATE") && result.Collation == null)
                    {
                        int at = i + 1 + (i + 1 < count && tokens[i + 1].IsSymbol('=') ? 1 : 0);
                        result.Collation = at < count && tokens[at].IsName ? tokens[at].Name : null;
                    }
                }
            }
        }
    }
}
