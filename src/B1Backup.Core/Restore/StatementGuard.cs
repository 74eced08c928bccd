using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using B1Backup.Core.Connection;
using B1Backup.Core.Engine;
using B1Backup.Core.Lexing;

namespace B1Backup.Core.Restore
{
    /// <summary>
    /// Keeps a restore inside its target database, by an allowlist: every statement is read with the
    /// server's own lexing rules (<see cref="SqlLexer"/>) and must be one of the statements a backup
    /// holds (ours, mysqldump's, mariadb-dump's): SET of a few session variables, CREATE/DROP/ALTER of
    /// tables and the target's views, routines, triggers, events and sequences, INSERT of literal rows,
    /// the dump's lock and database statements (skipped). Anything else, any second statement hidden
    /// in one, any name of another database, is refused before it runs, naming the line.
    /// </summary>
    public sealed class StatementGuard
    {
        private const RegexOptions Flags = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant;

        private static readonly Regex DataInsert = new Regex(@"\AINSERT\s+INTO\s+`(?<table>(?:[^`]|``)+)`\s*\((?:\s*`(?:[^`]|``)+`\s*,?)+\)\s*VALUES\s", Flags);
        // The data connections run in the loader's session (backslash escapes on), so a string ends where this pattern says.
        private const string Literal = @"(?:'(?:[^'\\]|\\.|'')*'|0x[0-9A-Fa-f]+)";
        private static readonly Regex DataVariable = new Regex(@"\ASET\s+@(?<var>b1_value\d+)\s*=\s*(?:(?<null>NULL)|(?<piece>" + Literal + @")|CONCAT\(\s*@b1_value\d+\s*,\s*(?<piece>" + Literal + @")\s*\))\s*\z", Flags | RegexOptions.Singleline);

        /// <summary>Session variables a dump may set, and how a restore treats them.</summary>
        private static readonly Dictionary<string, StatementAction> SessionVariables = new Dictionary<string, StatementAction>(StringComparer.OrdinalIgnoreCase)
        {
            ["sql_mode"] = StatementAction.Execute,
            ["time_zone"] = StatementAction.Execute,
            ["foreign_key_checks"] = StatementAction.Execute,
            ["unique_checks"] = StatementAction.Execute,
            ["sql_notes"] = StatementAction.Execute,
            ["sql_quote_show_create"] = StatementAction.Execute,
            ["note_verbosity"] = StatementAction.Execute,
            ["autocommit"] = StatementAction.Execute,
            ["check_constraint_checks"] = StatementAction.Execute,
            ["system_versioning_insert_history"] = StatementAction.Execute,
            ["explicit_defaults_for_timestamp"] = StatementAction.Execute,
            ["default_storage_engine"] = StatementAction.Execute,
            ["storage_engine"] = StatementAction.Execute,
            ["character_set_client"] = StatementAction.SkipCharacterSet,
            ["character_set_results"] = StatementAction.SkipCharacterSet,
            ["character_set_connection"] = StatementAction.SkipCharacterSet,
            ["collation_connection"] = StatementAction.SkipCharacterSet,
            ["sql_log_bin"] = StatementAction.SkipServerState,
            ["gtid_purged"] = StatementAction.SkipServerState,
            ["gtid_next"] = StatementAction.SkipServerState,
        };

        /// <summary>Databases whose names in stored code always count as another database: the server's own.</summary>
        internal static readonly HashSet<string> SystemDatabases = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "mysql", "sys", "performance_schema", "metrics_schema", "inspection_schema" };

        private static readonly string[] ObjectKinds = { "VIEW", "PROCEDURE", "FUNCTION", "TRIGGER", "EVENT", "PACKAGE" };

        private readonly string? target;
        private readonly string initialSqlMode;
        private readonly Dictionary<string, string?> userVariables = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);

        /// <param name="targetDatabase">The restore's target; null while it is not known yet (then the databases that object definitions name are collected for a later check).</param>
        public StatementGuard(string? sourceDatabase, string? targetDatabase, SqlDialect? dialect = null, RestoreOptions? options = null)
        {
            SourceDatabase = sourceDatabase;
            target = targetDatabase;
            Dialect = dialect ?? new SqlDialect(SqlDialect.AssumedServer);
            Options = options ?? new RestoreOptions();
            initialSqlMode = DumpWriter.SessionSqlMode;
            Dialect.SetSqlMode(initialSqlMode);
        }

        /// <summary>The database the dump came from: named by the dump's header, or by its first USE or CREATE DATABASE.</summary>
        public string? SourceDatabase { get; set; }

        /// <summary>How the server reads the script now: the sql_mode follows the script's SET statements.</summary>
        public SqlDialect Dialect { get; }

        public RestoreOptions Options { get; }

        /// <summary>Databases on the server besides the target: stored code that names one of them is refused.</summary>
        public ISet<string> OtherDatabases { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

        /// <summary>Whether any statement judged so far creates a stored function or a trigger (binary logging makes those need more).</summary>
        public bool CreatesFunctionsOrTriggers { get; private set; }

        private string? objectCharacterSetClient;
        private string? objectCollationConnection;
        private string? objectDatabaseCollation;

        /// <summary>Each collation a definition names (COLLATE x), with the line that first names it: the target must have them all.</summary>
        public IDictionary<string, long> CollationsUsed { get; } = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);

        /// <summary>The session's time_zone as the script last set it to a literal; the loader's '+00:00' otherwise.</summary>
        public string TimeZone { get; private set; } = "+00:00";

        /// <summary>A guard with the same target, options and known databases, in a fresh loader session: for statements another connection runs.</summary>
        public StatementGuard ForAnotherConnection()
        {
            var copy = new StatementGuard(SourceDatabase, target, new SqlDialect(Dialect.Server), Options);
            copy.OtherDatabases.UnionWith(OtherDatabases);
            copy.LimitToPacket(maxStatementBytes == ScriptReader.DefaultMaxStatementBytes ? 0 : maxStatementBytes + 1024);
            return copy;
        }

        private int maxStatementBytes = ScriptReader.DefaultMaxStatementBytes;
        private string? limitReason;

        /// <summary>The server accepts no statement longer than its max_allowed_packet: longer ones are refused while reading.</summary>
        public void LimitToPacket(long maxAllowedPacket)
        {
            if (maxAllowedPacket > 1024 && maxAllowedPacket - 1024 < ScriptReader.DefaultMaxStatementBytes)
            {
                maxStatementBytes = (int)(maxAllowedPacket - 1024);
                limitReason = $"the server's max_allowed_packet ({maxAllowedPacket:N0} bytes) allows";
            }
        }

        /// <summary>Reads a script as this guard's session reads it (quoting), within the statement length the server accepts.</summary>
        public ScriptReader Reader(System.IO.Stream script, bool dataPart = false) =>
            new ScriptReader(script, dataPart ? null : Dialect, maxStatementBytes, limitReason);

        /// <summary>A new connection starts in the loader's own session: the script's sql_mode, time zone and variables are gone.</summary>
        public void BeginSession()
        {
            Dialect.SetSqlMode(initialSqlMode);
            TimeZone = "+00:00";
            userVariables.Clear();
        }

        /// <summary>What to do with a statement, and the text to send; throws StatementRefused for anything a backup does not hold.</summary>
        public JudgedStatement Judge(ScriptStatement statement)
        {
            try
            {
                // An INSERT's values are read one token at a time: a statement of many megabytes of tiny
                // values must not become a list of millions of tokens. Anything else is read whole, within a bound.
                var lexer = new SqlLexer(statement.Text, Dialect);
                var head = new List<SqlToken>();
                bool insert = false;
                while (lexer.Next(out var token))
                {
                    head.Add(token);
                    if (head.Count == 1)
                    {
                        insert = token.IsWord("INSERT") || token.IsWord("REPLACE");
                    }

                    if (insert && (token.IsWord("VALUES") || token.IsWord("VALUE")))
                    {
                        return new Reading(this, statement, head, lexer).Judge();
                    }

                    if (head.Count > MaxTokens)
                    {
                        throw Refuse(statement, $"it has more than {MaxTokens:N0} tokens outside the values of an INSERT, more than any backup's statement");
                    }
                }

                return new Reading(this, statement, head, null).Judge();
            }
            catch (SqlLexException e)
            {
                throw Refuse(statement, "it holds " + e.Message);
            }
        }

        /// <summary>What a data part of a system-versioned table says before its INSERTs, so row_start and row_end can be given.</summary>
        internal const string InsertHistory = "SET SESSION system_versioning_insert_history = 1";

        /// <summary>A bound on the tokens of one statement read whole (a view, a routine, a table): about 50 MB of memory.</summary>
        private const int MaxTokens = 2_000_000;

        /// <summary>
        /// The stricter rule for the data parts of a B1Backup file: only the INSERTs of literal values
        /// and the variable pieces of large values that B1Backup itself writes. Thread-safe: data parts
        /// load side by side, each on a connection in the loader's session (no sql_mode of the script's).
        /// </summary>
        public static JudgedStatement JudgeData(ScriptStatement statement)
        {
            string text = statement.Text;
            // Only a SET can be a variable piece: an INSERT of megabytes is checked in one pass without copies.
            var variable = text.StartsWith("SET", StringComparison.OrdinalIgnoreCase) ? DataVariable.Match(text) : null;
            if (variable != null && variable.Success)
            {
                // What the loader needs to check that the value the pieces build is not cut to NULL.
                string piece = variable.Groups["piece"].Value;
                return new JudgedStatement(StatementAction.Execute, text, statement.Line, "SET")
                {
                    Variable = variable.Groups["var"].Value,
                    PieceBytes = variable.Groups["null"].Success ? -1 : piece.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? (piece.Length - 2) / 2 : piece.Length,
                };
            }

            if (string.Equals(text.TrimEnd(';', ' '), InsertHistory, StringComparison.Ordinal))
            {
                // Before the INSERTs of a system-versioned table's history rows (MariaDB 10.11+): exactly this text, nothing else.
                return new JudgedStatement(StatementAction.Execute, InsertHistory, statement.Line, "SET");
            }

            var insert = DataInsert.Match(text);
            if (insert.Success && LiteralsOnly(text, insert.Length, out long rows))
            {
                return new JudgedStatement(StatementAction.Execute, text, statement.Line, "INSERT") { InsertTable = insert.Groups["table"].Value.Replace("``", "`"), Rows = rows };
            }

            throw Refuse(statement, "a data part of a B1Backup file holds only INSERTs of literal values, and this is something else");
        }

        /// <summary>
        /// True when, from <paramref name="start"/> on, the statement holds only what B1Backup writes as
        /// values: numbers, NULL, 'strings', 0x hex and @b1_value variables. One pass, no copies: data
        /// statements are megabytes long and this runs on every one.
        /// </summary>
        internal static bool LiteralsOnly(string text, int start) => LiteralsOnly(text, start, out _);

        /// <summary>As above, counting the rows: the parenthesised groups at depth zero.</summary>
        internal static bool LiteralsOnly(string text, int start, out long rows)
        {
            rows = 0;
            int depth = 0;
            int i = start;
            while (i < text.Length)
            {
                char c = text[i];
                if (c == '\'')
                {
                    i = EndOfString(text, i + 1) + 1;
                }
                else if (c == '0' && i + 1 < text.Length && (text[i + 1] == 'x' || text[i + 1] == 'X'))
                {
                    for (i += 2; i < text.Length && Uri.IsHexDigit(text[i]); i++)
                    {
                    }
                }
                else if ((c >= '0' && c <= '9') || c == ',' || c == '(' || c == ')' || c == '.' || c == '-' || c == '+' || c == ' ' || c == '\n' || c == '\r' || c == '\t')
                {
                    if (c == '-' && i + 1 < text.Length && text[i + 1] == '-')
                    {
                        return false;
                    }

                    if (c == '(' && depth++ == 0)
                    {
                        rows++;
                    }
                    else if (c == ')')
                    {
                        depth--;
                    }

                    i++;
                }
                else if ((c == 'e' || c == 'E') && i > start && (char.IsDigit(text[i - 1]) || text[i - 1] == '.'))
                {
                    i++;
                }
                else if (c == 'N' && string.CompareOrdinal(text, i, "NULL", 0, 4) == 0)
                {
                    i += 4;
                }
                else if (c == '@' && string.CompareOrdinal(text, i, "@b1_value", 0, 9) == 0)
                {
                    for (i += 9; i < text.Length && char.IsDigit(text[i]); i++)
                    {
                    }
                }
                else
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>The index of the quote that closes a '...' string whose content starts at <paramref name="i"/>; text.Length if none.</summary>
        private static int EndOfString(string text, int i)
        {
            while (i < text.Length)
            {
                int found = text.AsSpan(i).IndexOfAny('\'', '\\');
                if (found < 0)
                {
                    return text.Length;
                }

                i += found;
                if (text[i] == '\\')
                {
                    i += 2;
                }
                else if (i + 1 < text.Length && text[i + 1] == '\'')
                {
                    i += 2;
                }
                else
                {
                    return i;
                }
            }

            return text.Length;
        }

        internal static B1BackupException Refuse(ScriptStatement statement, string why)
        {
            string excerpt = statement.Text.Length > 100 ? statement.Text.Substring(0, 100) + "..." : statement.Text;
            return new B1BackupException("StatementRefused", FailureKind.SecurityError,
                $"The backup's statement on line {statement.Line} was refused because {why}: {Printable(excerpt)}. A restore only runs what a backup of one database holds, and only in its target; nothing of this statement ran.");
        }

        /// <summary>Control characters shown as escapes, so an excerpt cannot forge lines of its own in a log.</summary>
        private static string Printable(string text)
        {
            var builder = new StringBuilder(text.Length);
            foreach (char c in text)
            {
                builder.Append(c == '\n' || c == '\r' || c == '\t' ? ' ' : c < ' ' || c == '\x7f' ? '?' : c);
            }

            return builder.ToString();
        }

        /// <summary>One statement's tokens, read by the allowlist's rules.</summary>
        private sealed class Reading
        {
            private readonly StatementGuard guard;
            private readonly ScriptStatement statement;
            private readonly string text;
            private readonly List<SqlToken> tokens;

            /// <summary>Spans of the text to leave out of what is sent: DEFINER clauses, the backup's own database qualifier.</summary>
            private readonly List<(int Start, int End, string With)> cuts = new List<(int, int, string)>();

            /// <summary>For an INSERT: the lexer positioned after VALUES, whose tokens are read as they come.</summary>
            private readonly SqlLexer? values;
            private int count;

            public Reading(StatementGuard guard, ScriptStatement statement, List<SqlToken> tokens, SqlLexer? values)
            {
                this.guard = guard;
                this.statement = statement;
                text = statement.Text;
                this.tokens = tokens;
                this.values = values;
                count = tokens.Count;
            }

            private string? Source => guard.SourceDatabase;

            public JudgedStatement Judge()
            {
                // One trailing ';' (a script with another delimiter) ends the statement; any other is a second statement.
                if (count > 0 && tokens[count - 1].Kind == SqlTokenKind.Semicolon && !tokens[count - 1].InExecutableComment)
                {
                    count--;
                    Cut(tokens[count].Start, text.Length);
                }

                if (count == 0)
                {
                    return Result(StatementAction.SkipNothing, "comment");
                }

                string first = Upper(0);
                if (first != "CREATE" && tokens.Take(count).Any(t => t.Kind == SqlTokenKind.Semicolon))
                {
                    // Only a routine's, trigger's or event's body may hold ';', and only inside its BEGIN ... END.
                    throw Refused("it holds a second statement after a ';'");
                }

                switch (first)
                {
                    case "SET":
                        return JudgeSet();
                    case "USE":
                        return DatabaseStatement(1, "USE");
                    case "CREATE":
                        return JudgeCreate();
                    case "DROP":
                        return JudgeDrop();
                    case "ALTER":
                        return JudgeAlter();
                    case "INSERT":
                    case "REPLACE":
                        return JudgeInsert(first);
                    case "LOCK":
                    case "UNLOCK":
                        if (count > 1 && (Is(1, "TABLES") || Is(1, "TABLE")))
                        {
                            return Result(StatementAction.SkipTableLocks, first + " TABLES");
                        }

                        break;
                    case "START":
                    case "BEGIN":
                    case "COMMIT":
                        if (first != "START" || Is(1, "TRANSACTION"))
                        {
                            return Result(StatementAction.SkipTransaction, first);
                        }

                        break;
                    case "SELECT":
                    case "DO":
                        return JudgeSetval(first);
                }

                throw Refused(Forbidden(0, count) ?? $"it is a {first} statement, which a backup of a database never holds");
            }

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

            private JudgedStatement JudgeDrop()
            {
                int i = 1;
                if (Is(i, "DATABASE") || Is(i, "SCHEMA"))
                {
                    i++;
                    if (Is(i, "IF") && Is(i + 1, "EXISTS"))
                    {
                        i += 2;
                    }

                    return DatabaseStatement(i, "DROP DATABASE");
                }

                if (Is(i, "TABLE") || Is(i, "TABLES") || Is(i, "VIEW") || Is(i, "SEQUENCE") || Is(i, "PROCEDURE") || Is(i, "FUNCTION") || Is(i, "TRIGGER") || Is(i, "EVENT") || Is(i, "PACKAGE") || Is(i, "INDEX"))
                {
                    CheckRunningStatement(1);
                    return Result(StatementAction.Execute, "DROP " + Upper(i));
                }

                throw Refused(Forbidden(0, count) ?? $"it drops something a backup of a database never drops ({Upper(i)})");
            }

            private JudgedStatement JudgeAlter()
            {
                if (Is(1, "DATABASE") || Is(1, "SCHEMA"))
                {
                    // mysqldump sets the database's collation around routines: never run, but the routines that follow
                    // are created under it (the loader sets it on the target and puts the target's own back).
                    var altered = count > 2 && tokens[2].IsName && !IsCharsetWord(2)
                        ? DatabaseStatement(2, "ALTER DATABASE")
                        : Result(StatementAction.SkipDatabaseSwitch, "ALTER DATABASE");
                    if (Enumerable.Range(2, Math.Max(0, count - 2)).Any(i => Is(i, "CHARACTER") || Is(i, "CHARSET")))
                    {
                        // A character set alone means its default collation, which this guard does not know.
                        guard.objectDatabaseCollation = null;
                    }

                    for (int i = 2; i + 1 < count; i++)
                    {
                        if (Is(i, "COLLATE"))
                        {
                            int at = tokens[i + 1].IsSymbol('=') ? i + 2 : i + 1;
                            guard.objectDatabaseCollation = PlainName(at, at + 1);
                        }
                    }

                    return altered;
                }

                if (Is(1, "TABLE") && (count == 4 || (count == 6 && tokens[3].IsSymbol('.'))) && (Is(count - 1, "CACHE") || Is(count - 1, "NOCACHE")))
                {
                    int after = OwnName(2, running: true);
                    // TiDB's cached tables: RENAME refuses them (8242), so caching waits for the swap.
                    if (guard.Dialect.Server.Kind != ServerKind.TiDb)
                    {
                        return Result(StatementAction.SkipServerFeature, "ALTER TABLE " + Upper(after));
                    }

                    var caching = Result(StatementAction.Execute, "ALTER TABLE " + Upper(after));
                    caching.CachesTable = Is(after, "CACHE");
                    caching.Table = tokens[after - 1].Name;
                    return caching;
                }

                if (Is(1, "TABLE") || (Is(1, "ONLINE") && Is(2, "TABLE")) || (Is(1, "IGNORE") && Is(2, "TABLE")) || Is(1, "SEQUENCE"))
                {
                    CheckRunningStatement(1);
                    return Result(StatementAction.Execute, "ALTER TABLE");
                }

                throw Refused(Forbidden(0, count) ?? $"it alters something a backup of a database never alters ({Upper(1)})");
            }

            private bool IsCharsetWord(int i) => Is(i, "DEFAULT") || Is(i, "CHARACTER") || Is(i, "CHARSET") || Is(i, "COLLATE");

            private JudgedStatement JudgeInsert(string kind)
            {
                int i = 1;
                while (Is(i, "IGNORE") || Is(i, "LOW_PRIORITY") || Is(i, "HIGH_PRIORITY") || Is(i, "DELAYED"))
                {
                    i++;
                }

                if (Is(i, "INTO"))
                {
                    i++;
                }

                string table = i + 2 < count && tokens[i].IsName && tokens[i + 1].IsSymbol('.') && tokens[i + 2].IsName ? tokens[i + 2].Name! : i < count && tokens[i].IsName ? tokens[i].Name! : string.Empty;
                i = OwnName(i, running: true);
                if (i < count && tokens[i].IsSymbol('('))
                {
                    for (i++; i < count && !tokens[i].IsSymbol(')'); i++)
                    {
                        if (!(tokens[i].IsName || tokens[i].IsSymbol(',')))
                        {
                            throw Refused($"its column list holds something other than column names");
                        }
                    }

                    i++;
                }

                if (!(Is(i, "VALUES") || Is(i, "VALUE")))
                {
                    throw Refused($"it is an {kind} of something other than literal VALUES");
                }

                if (values == null)
                {
                    throw Refused($"it is an {kind} of something other than literal VALUES");
                }

                long rows = 0;
                int depth = 0;
                SqlToken? introducer = null;
                SqlToken? semicolon = null;
                while (values.Next(out var token))
                {
                    if (semicolon != null)
                    {
                        throw Refused("it holds a second statement after a ';'");
                    }

                    if (token.Kind == SqlTokenKind.Semicolon)
                    {
                        if (token.InExecutableComment)
                        {
                            throw Refused("it holds a second statement after a ';'");
                        }

                        semicolon = token;
                        continue;
                    }

                    if (introducer != null)
                    {
                        // _utf8mb4'..', _binary 0x.., X'..', B'..', N'..': a literal's prefix must stand right before it.
                        bool prefixOfString = introducer.Value.Name!.Length == 1;
                        bool fits = token.Kind == SqlTokenKind.String || (!prefixOfString && token.Kind == SqlTokenKind.Number);
                        if (!fits || (prefixOfString && token.Start != introducer.Value.End))
                        {
                            throw Refused($"it is an {kind} of something other than literal values ({Excerpt(introducer.Value)})");
                        }

                        introducer = null;
                        continue;
                    }

                    if (token.IsSymbol('(') && depth++ == 0)
                    {
                        rows++;
                    }
                    else if (token.IsSymbol(')'))
                    {
                        depth--;
                    }

                    if (token.Kind == SqlTokenKind.Word && IsIntroducerName(token.Name!))
                    {
                        introducer = token;
                        continue;
                    }

                    bool literal = token.Kind == SqlTokenKind.String || token.Kind == SqlTokenKind.Number
                        || (token.Kind == SqlTokenKind.Symbol && (token.Name == "(" || token.Name == ")" || token.Name == "," || token.Name == "-" || token.Name == "+"))
                        || (token.Kind == SqlTokenKind.Word && (token.IsWord("NULL") || token.IsWord("TRUE") || token.IsWord("FALSE") || token.IsWord("DEFAULT")))
                        || (token.Kind == SqlTokenKind.Variable && token.Name!.StartsWith("b1_value", StringComparison.Ordinal));
                    if (!literal)
                    {
                        string why = token.IsWord("LOAD_FILE") ? "it reads or writes files"
                            : token.IsWord("SELECT") ? "it reads from a query (SELECT), which a backup's INSERTs never do"
                            : $"it is an {kind} of something other than literal values ({Excerpt(token)})";
                        throw Refused(why);
                    }
                }

                if (introducer != null || depth != 0)
                {
                    throw Refused($"its values end unbalanced or with a prefix and no literal");
                }

                if (semicolon != null)
                {
                    Cut(semicolon.Value.Start, text.Length);
                }

                var result = Result(StatementAction.Execute, kind);
                result.InsertTable = table;
                result.Rows = rows;
                return result;
            }

            /// <summary>_utf8mb4 (a character set introducer) or X, B, N: words that prefix a literal.</summary>
            private static bool IsIntroducerName(string name) =>
                (name.Length > 1 && name[0] == '_' && name.Skip(1).All(char.IsLetterOrDigit))
                || name == "X" || name == "x" || name == "B" || name == "b" || name == "N" || name == "n";

            /// <summary>SELECT SETVAL(seq, n, b[, r]) / DO SETVAL(...): a sequence's position, as dumps restore it.</summary>
            private JudgedStatement JudgeSetval(string kind)
            {
                if (!(Is(1, "SETVAL") && count > 3 && tokens[2].IsSymbol('(')))
                {
                    throw Refused(Forbidden(0, count) ?? $"it is a {kind} statement, which a backup never holds (only SETVAL of a sequence)");
                }

                int i = OwnName(3, running: true);
                var commas = new List<int>();
                for (; i < count - 1; i++)
                {
                    if (!(tokens[i].IsSymbol(',') || tokens[i].Kind == SqlTokenKind.Number || tokens[i].IsSymbol('-') || Is(i, "TRUE") || Is(i, "FALSE")))
                    {
                        throw Refused("its SETVAL holds something other than numbers");
                    }

                    if (tokens[i].IsSymbol(','))
                    {
                        commas.Add(i);
                    }
                }

                if (!tokens[count - 1].IsSymbol(')'))
                {
                    throw Refused("its SETVAL holds something other than numbers");
                }

                if (commas.Count >= 2 && guard.Dialect.Server.Kind == ServerKind.TiDb)
                {
                    // TiDB's SETVAL takes (sequence, value): MariaDB's is_used and round arguments are dropped,
                    // so the next value is one step on (a gap, never a repeat).
                    Cut(tokens[commas[1]].Start, tokens[count - 1].Start);
                }

                return Result(StatementAction.Execute, kind + " SETVAL");
            }

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

            private string Excerpt(SqlToken token)
            {
                int length = Math.Min(40, token.End - token.Start);
                return text.Substring(token.Start, length);
            }

            private bool Is(int i, string word) => i >= 0 && i < count && tokens[i].IsWord(word);

            /// <summary>Leaves text out of what is sent (a space in its place, or the given replacement).</summary>
            private void Cut(int start, int end, string with = " ") => cuts.Add((start, end, with));

            private string Upper(int i) => i < count && tokens[i].Kind == SqlTokenKind.Word ? tokens[i].Name!.ToUpperInvariant() : i < count ? text.Substring(tokens[i].Start, Math.Min(20, tokens[i].End - tokens[i].Start)) : string.Empty;

            private B1BackupException Refused(string why) => Refuse(statement, why);

            private JudgedStatement Result(StatementAction action, string kind)
            {
                string sql = text;
                if (cuts.Count > 0)
                {
                    var builder = new StringBuilder(text.Length);
                    int position = 0;
                    foreach (var (start, end, with) in cuts.OrderBy(c => c.Start))
                    {
                        if (start < position)
                        {
                            continue;
                        }

                        builder.Append(text, position, start - position).Append(with);
                        position = end;
                    }

                    builder.Append(text, position, text.Length - position);
                    sql = builder.ToString();
                }

                if (action == StatementAction.Execute && (kind.StartsWith("CREATE", StringComparison.Ordinal) || kind.StartsWith("ALTER", StringComparison.Ordinal)))
                {
                    NoteCollations();
                }

                return new JudgedStatement(action, sql, statement.Line, kind);
            }

            private void NoteCollations()
            {
                for (int i = 0; i + 1 < count; i++)
                {
                    if (!Is(i, "COLLATE"))
                    {
                        continue;
                    }

                    int at = tokens[i + 1].IsSymbol('=') ? i + 2 : i + 1;
                    string? name = at >= count ? null
                        : tokens[at].IsName ? tokens[at].Name
                        : tokens[at].Kind == SqlTokenKind.String ? SqlLexer.StringValue(text, tokens[at], guard.Dialect)
                        : null;
                    if (name != null && !guard.CollationsUsed.ContainsKey(name))
                    {
                        guard.CollationsUsed[name] = statement.Line;
                    }
                }
            }
        }
    }
}
