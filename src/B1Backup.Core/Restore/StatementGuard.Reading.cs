using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using B1Backup.Core.Lexing;

namespace B1Backup.Core.Restore
{
    public sealed partial class StatementGuard
    {
        /// <summary>One statement's tokens, read by the allowlist's rules.</summary>
        private sealed partial class Reading
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
