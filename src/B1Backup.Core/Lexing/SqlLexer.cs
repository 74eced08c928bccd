using System.Collections.Generic;

namespace B1Backup.Core.Lexing
{
    /// <summary>
    /// Reads one statement's text into tokens exactly as the server of a <see cref="SqlDialect"/> would:
    /// strings and identifiers under the session's sql_mode, comments ('-- ' needs whitespace or a
    /// control character after it, '#', '/* */'), executable comments whose content runs or is skipped
    /// by the server's version, and ';' as a token of its own. What servers read differently
    /// (nested executable comments, a stray '*/', control characters or a backslash outside a string)
    /// is refused rather than guessed: a restore must never see other statements than the server.
    /// </summary>
    public sealed class SqlLexer
    {
        private readonly string text;
        private readonly SqlDialect dialect;
        private readonly List<SqlToken> pending = new List<SqlToken>(2);
        private bool inExecutable;
        private int executableStart;
        private int i;
        private int lastEnd = -1;
        private bool lastWasName;

        public SqlLexer(string text, SqlDialect dialect)
        {
            this.text = text;
            this.dialect = dialect;
        }

        /// <summary>Every token of <paramref name="text"/> at once: for statements of ordinary length.</summary>
        public static List<SqlToken> Tokenize(string text, SqlDialect dialect)
        {
            var lexer = new SqlLexer(text, dialect);
            var tokens = new List<SqlToken>();
            while (lexer.Next(out var token))
            {
                tokens.Add(token);
            }

            return tokens;
        }

        /// <summary>The next token, one at a time: a statement of many megabytes is read without a list of all its tokens.</summary>
        public bool Next(out SqlToken token)
        {
            while (pending.Count == 0)
            {
                if (i >= text.Length)
                {
                    if (inExecutable)
                    {
                        throw new SqlLexException("an executable comment that is never closed", executableStart);
                    }

                    token = default;
                    return false;
                }

                Step();
            }

            token = pending[0];
            pending.RemoveAt(0);
            lastEnd = token.End;
            lastWasName = token.IsName;
            return true;
        }

        /// <summary>Reads from the current position until at least one token is pending, or only skips whitespace and comments.</summary>
        private void Step()
        {
            char c = text[i];
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f')
            {
                i++;
            }
            else if (c == '#')
            {
                i = EndOfLine(text, i);
            }
            else if (c == '-' && i + 1 < text.Length && text[i + 1] == '-' && (i + 2 == text.Length || text[i + 2] <= ' ' || text[i + 2] == '\x7f'))
            {
                i = EndOfLine(text, i);
            }
            else if (c == '/' && i + 1 < text.Length && text[i + 1] == '*')
            {
                i = Comment(text, i, dialect, ref inExecutable, ref executableStart);
            }
            else if (c == '*' && i + 1 < text.Length && text[i + 1] == '/')
            {
                if (!inExecutable)
                {
                    throw new SqlLexException("'*/' outside a comment", i);
                }

                inExecutable = false;
                i += 2;
            }
            else if (c == '\'' || (c == '"' && !dialect.AnsiQuotes))
            {
                int end = EndOfQuoted(text, i, c, !dialect.NoBackslashEscapes);
                pending.Add(new SqlToken(SqlTokenKind.String, i, end, null));
                i = end;
            }
            else if (c == '`' || c == '"')
            {
                int end = EndOfQuoted(text, i, c, backslashEscapes: false);
                pending.Add(new SqlToken(SqlTokenKind.QuotedIdentifier, i, end, Unquote(text, i, end)));
                i = end;
            }
            else if (c == '@')
            {
                i = Variable(text, i, dialect, pending);
            }
            else if (c == ';')
            {
                pending.Add(new SqlToken(SqlTokenKind.Semicolon, i, i + 1, ";", inExecutable));
                i++;
            }
            else if (IsNameChar(c))
            {
                i = WordOrNumber(text, i, pending);
            }
            else if (c == '.' && i + 1 < text.Length && char.IsDigit(text[i + 1]) && !(lastEnd == i && lastWasName))
            {
                int end = i + 1;
                while (end < text.Length && (char.IsDigit(text[end]) || text[end] == 'e' || text[end] == 'E'))
                {
                    end++;
                }

                pending.Add(new SqlToken(SqlTokenKind.Number, i, end, null));
                i = end;
            }
            else if (c == '\\')
            {
                throw new SqlLexException("a backslash outside a string (a mysql client command)", i);
            }
            else if (c < ' ' || c == '\x7f')
            {
                throw new SqlLexException($"the control character 0x{(int)c:X2} outside a string", i);
            }
            else
            {
                pending.Add(new SqlToken(SqlTokenKind.Symbol, i, i + 1, c.ToString()));
                i++;
            }
        }

        /// <summary>Letters, digits, '_', '$' and every non-ASCII character: what servers read into an unquoted name.</summary>
        public static bool IsNameChar(char c) =>
            (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$' || c >= '\x80';

        /// <summary>The content of a quoted identifier; the value of a string (escapes resolved as the dialect reads them).</summary>
        public static string Unquote(string text, int start, int end)
        {
            char quote = text[start];
            var builder = new System.Text.StringBuilder(end - start);
            for (int i = start + 1; i < end - 1; i++)
            {
                if (text[i] == quote && i + 1 < end - 1 && text[i + 1] == quote)
                {
                    i++;
                }

                builder.Append(text[i]);
            }

            return builder.ToString();
        }

        /// <summary>The value of a string token: escapes resolved as the dialect reads them.</summary>
        public static string StringValue(string text, SqlToken token, SqlDialect dialect)
        {
            char quote = text[token.Start];
            var builder = new System.Text.StringBuilder(token.End - token.Start);
            for (int i = token.Start + 1; i < token.End - 1; i++)
            {
                char c = text[i];
                if (c == '\\' && !dialect.NoBackslashEscapes && i + 1 < token.End - 1)
                {
                    char e = text[++i];
                    if (BackslashEscape.KeepsBackslash(e))
                    {
                        builder.Append('\\');
                    }

                    builder.Append(BackslashEscape.Unescape(e));
                }
                else if (c == quote && i + 1 < token.End - 1 && text[i + 1] == quote)
                {
                    builder.Append(c);
                    i++;
                }
                else
                {
                    builder.Append(c);
                }
            }

            return builder.ToString();
        }

        private static int EndOfLine(string text, int i)
        {
            int end = text.IndexOf('\n', i);
            return end < 0 ? text.Length : end + 1;
        }

        /// <summary>The index after the closing quote; a quote doubled stands for itself.</summary>
        private static int EndOfQuoted(string text, int start, char quote, bool backslashEscapes)
        {
            int i = start + 1;
            while (i < text.Length)
            {
                char c = text[i];
                if (c == '\\' && backslashEscapes)
                {
                    i += 2;
                }
                else if (c == quote)
                {
                    if (i + 1 < text.Length && text[i + 1] == quote)
                    {
                        i += 2;
                    }
                    else
                    {
                        return i + 1;
                    }
                }
                else
                {
                    i++;
                }
            }

            throw new SqlLexException(quote == '`' || quote == '"' && !backslashEscapes ? "a quoted name that is never closed" : "a string that is never closed", start);
        }

        private static int Comment(string text, int i, SqlDialect dialect, ref bool inExecutable, ref int executableStart)
        {
            int start = i;
            ConditionalMarker? marker = null;
            int after = i + 2;
            if (after < text.Length && text[after] == '!')
            {
                marker = ConditionalMarker.Any;
                after++;
            }
            else if (after + 1 < text.Length && text[after + 1] == '!' && (text[after] == 'M' || text[after] == 'T'))
            {
                marker = text[after] == 'M' ? ConditionalMarker.MariaDb : ConditionalMarker.TiDb;
                after += 2;
            }

            if (marker == null || !dialect.Recognises(marker.Value))
            {
                // An ordinary comment (or another server's executable one): it ends at the first '*/'.
                return EndOfComment(text, start, i + 2, nestingAllowed: false);
            }

            if (inExecutable)
            {
                throw new SqlLexException("an executable comment inside another", start);
            }

            long version = -1;
            if (marker == ConditionalMarker.TiDb)
            {
                // /*T![feature] ... */: TiDB runs it only when it knows the feature; an unknown one would be a
                // comment to TiDB and code to us, so it is refused rather than guessed.
                if (after < text.Length && text[after] == '[')
                {
                    int close = text.IndexOf(']', after);
                    if (close < 0 || !SqlDialect.IsKnownTidbFeature(text.Substring(after + 1, close - after - 1)))
                    {
                        throw new SqlLexException("a TiDB feature comment (/*T![...]) for a feature this restore does not know", start);
                    }

                    after = close + 1;
                }
            }
            else
            {
                int digits = dialect.VersionDigits(text, after);
                if (digits > 0)
                {
                    version = long.Parse(text.Substring(after, digits), System.Globalization.CultureInfo.InvariantCulture);
                    after += digits;
                }
            }

            if (!dialect.Runs(marker.Value, version))
            {
                // A skipped executable comment may hold one level of ordinary comments inside.
                return EndOfComment(text, start, after, nestingAllowed: true);
            }

            inExecutable = true;
            executableStart = start;
            return after;
        }

        private static int EndOfComment(string text, int start, int i, bool nestingAllowed)
        {
            while (i < text.Length)
            {
                if (nestingAllowed && text[i] == '/' && i + 1 < text.Length && text[i + 1] == '*')
                {
                    i = EndOfComment(text, i, i + 2, nestingAllowed: false);
                    continue;
                }

                if (text[i] == '*' && i + 1 < text.Length && text[i + 1] == '/')
                {
                    return i + 2;
                }

                i++;
            }

            throw new SqlLexException("a comment that is never closed", start);
        }

        private static int Variable(string text, int i, SqlDialect dialect, List<SqlToken> tokens)
        {
            int start = i;
            if (i + 1 < text.Length && text[i + 1] == '@')
            {
                int nameStart = i + 2;
                int end = nameStart;
                while (end < text.Length && IsNameChar(text[end]))
                {
                    end++;
                }

                tokens.Add(new SqlToken(SqlTokenKind.SystemVariable, start, end, text.Substring(nameStart, end - nameStart)));
                return end;
            }

            i++;
            if (i < text.Length && (text[i] == '\'' || text[i] == '"' || text[i] == '`'))
            {
                bool isString = text[i] == '\'' || (text[i] == '"' && !dialect.AnsiQuotes);
                int end = EndOfQuoted(text, i, text[i], backslashEscapes: isString && !dialect.NoBackslashEscapes);
                tokens.Add(new SqlToken(SqlTokenKind.Variable, start, end, Unquote(text, i, end)));
                return end;
            }

            int nameEnd = i;
            while (nameEnd < text.Length && (IsNameChar(text[nameEnd]) || text[nameEnd] == '.'))
            {
                nameEnd++;
            }

            tokens.Add(new SqlToken(SqlTokenKind.Variable, start, nameEnd, text.Substring(i, nameEnd - i)));
            return nameEnd;
        }

        private static int WordOrNumber(string text, int i, List<SqlToken> tokens)
        {
            int start = i;
            while (i < text.Length && IsNameChar(text[i]))
            {
                i++;
            }

            bool digitsOnly = true;
            for (int k = start; k < i && digitsOnly; k++)
            {
                digitsOnly = char.IsDigit(text[k]);
            }

            bool hex = i - start > 2 && text[start] == '0' && (text[start + 1] == 'x' || text[start + 1] == 'b');
            bool exponent = !digitsOnly && IsExponentNumber(text, start, i);
            if (digitsOnly || exponent)
            {
                // 12.5, 1e5, 1.5e-3: a number runs on through its fraction and exponent.
                if (digitsOnly && i + 1 < text.Length && text[i] == '.' && char.IsDigit(text[i + 1]))
                {
                    i++;
                    while (i < text.Length && (char.IsDigit(text[i]) || ((text[i] == 'e' || text[i] == 'E') && i + 1 < text.Length)))
                    {
                        i++;
                    }
                }

                if (i < text.Length && (text[i] == '+' || text[i] == '-') && (text[i - 1] == 'e' || text[i - 1] == 'E') && i + 1 < text.Length && char.IsDigit(text[i + 1]))
                {
                    i++;
                    while (i < text.Length && char.IsDigit(text[i]))
                    {
                        i++;
                    }
                }

                tokens.Add(new SqlToken(SqlTokenKind.Number, start, i, null));
                return i;
            }

            tokens.Add(new SqlToken(hex ? SqlTokenKind.Number : SqlTokenKind.Word, start, i, text.Substring(start, i - start)));
            return i;
        }

        /// <summary>1e5 or 1e (before a sign): digits, one 'e', digits.</summary>
        private static bool IsExponentNumber(string text, int start, int end)
        {
            int e = -1;
            for (int k = start; k < end; k++)
            {
                if (text[k] == 'e' || text[k] == 'E')
                {
                    if (e >= 0 || k == start)
                    {
                        return false;
                    }

                    e = k;
                }
                else if (!char.IsDigit(text[k]))
                {
                    return false;
                }
            }

            return e > start;
        }
    }
}
