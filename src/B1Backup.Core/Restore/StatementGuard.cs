using System;
using System.Collections.Generic;
using System.Text;
using System.Text.RegularExpressions;
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
    public sealed partial class StatementGuard
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

        /// <summary>
        /// Reads a script as this guard's session reads it (quoting), within the statement length the server accepts.
        /// A data part's reader lends its buffer: each statement is valid until the next one is read.
        /// </summary>
        public ScriptReader Reader(System.IO.Stream script, bool dataPart = false) =>
            new ScriptReader(script, dataPart ? null : Dialect, maxStatementBytes, limitReason, lendsBuffer: dataPart);

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
            var chars = statement.Chars;
            var text = chars.Span;
            // Only a SET can be a variable piece: an INSERT of megabytes is checked in one pass without copies.
            var variable = text.StartsWith("SET".AsSpan(), StringComparison.OrdinalIgnoreCase) ? DataVariable.Match(statement.Text) : null;
            if (variable != null && variable.Success)
            {
                // What the loader needs to check that the value the pieces build is not cut to NULL.
                string piece = variable.Groups["piece"].Value;
                return new JudgedStatement(StatementAction.Execute, statement.Text, statement.Line, "SET")
                {
                    Variable = variable.Groups["var"].Value,
                    PieceBytes = variable.Groups["null"].Success ? -1 : piece.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? (piece.Length - 2) / 2 : piece.Length,
                };
            }

            if (text.TrimEnd("; ".AsSpan()).SequenceEqual(InsertHistory.AsSpan()))
            {
                // Before the INSERTs of a system-versioned table's history rows (MariaDB 10.11+): exactly this text, nothing else.
                return new JudgedStatement(StatementAction.Execute, InsertHistory, statement.Line, "SET");
            }

            var insert = MatchDataInsertHead(statement);
            if (insert.Success && LiteralsOnly(text, insert.Length, out long rows))
            {
                return new JudgedStatement(StatementAction.Execute, chars, statement.Line, "INSERT") { InsertTable = insert.Groups["table"].Value.Replace("``", "`"), Rows = rows, ValuesStart = insert.Length };
            }

            throw Refuse(statement, "a data part of a B1Backup file holds only INSERTs of literal values, and this is something else");
        }

        /// <summary>
        /// <see cref="DataInsert"/> on the statement. On .NET it finds the head's length in the lent characters and
        /// takes the groups from the head alone: the pattern ends in "VALUES\s" and looks at nothing after its match,
        /// so the head gives the very match the whole text would, without a string of the whole text.
        /// </summary>
        private static Match MatchDataInsertHead(ScriptStatement statement)
        {
#if NET8_0_OR_GREATER
            foreach (var head in DataInsert.EnumerateMatches(statement.Chars.Span))
            {
                return DataInsert.Match(statement.Chars.Span.Slice(0, head.Length).ToString());
            }

            return Match.Empty;
#else
            return DataInsert.Match(statement.Text);
#endif
        }

        /// <summary>
        /// True when, from <paramref name="start"/> on, the statement holds only what B1Backup writes as
        /// values: numbers, NULL, 'strings', 0x hex and @b1_value variables. One pass, no copies: data
        /// statements are megabytes long and this runs on every one.
        /// </summary>
        internal static bool LiteralsOnly(ReadOnlySpan<char> text, int start) => LiteralsOnly(text, start, out _);

        /// <summary>As above, counting the rows: the parenthesised groups at depth zero.</summary>
        internal static bool LiteralsOnly(ReadOnlySpan<char> text, int start, out long rows)
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
                else if (c == 'N' && text.Slice(i).StartsWith("NULL".AsSpan(), StringComparison.Ordinal))
                {
                    i += 4;
                }
                else if (c == '@' && text.Slice(i).StartsWith("@b1_value".AsSpan(), StringComparison.Ordinal))
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
        private static int EndOfString(ReadOnlySpan<char> text, int i)
        {
            while (i < text.Length)
            {
                int found = text.Slice(i).IndexOfAny('\'', '\\');
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
            return new StatementRefusedException(
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
    }
}
