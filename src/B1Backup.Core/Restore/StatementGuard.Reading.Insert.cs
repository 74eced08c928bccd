using System;
using System.Collections.Generic;
using System.Linq;
using B1Backup.Core.Connection;
using B1Backup.Core.Lexing;

namespace B1Backup.Core.Restore
{
    public sealed partial class StatementGuard
    {
        /// <summary>The allowlist's rules for iNSERT/REPLACE of literal rows, and the SETVAL of sequence positions.</summary>
        private sealed partial class Reading
        {
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
        }
    }
}
