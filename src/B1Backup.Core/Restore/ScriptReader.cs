using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.Text;
using B1Backup.Core.Lexing;

namespace B1Backup.Core.Restore
{
    /// <summary>
    /// Splits a mysqldump-style script into statements as the mysql client does: quotes, backslash
    /// escapes, comments, executable /*! */ comments and DELIMITER lines. Works on bytes, so a dump
    /// holding raw binary inside string literals (mysqldump without --hex-blob) comes through intact:
    /// such literals are rewritten as hex. Quotes follow the session's sql_mode as the guard tracks it
    /// (<see cref="SqlDialect"/>: ANSI_QUOTES, NO_BACKSLASH_ESCAPES); each statement it hands out is
    /// then read token by token by <see cref="SqlLexer"/>, which is what decides what the server sees.
    /// </summary>
    public sealed class ScriptReader
    {
        private static readonly char[] Blanks = { ' ', '\t' };

        private const string SpecialBytes = "'\"`#-/*\n\\";

        private static readonly UTF8Encoding StrictUtf8 = new UTF8Encoding(false, true);

        /// <summary>The longest statement read by default: more than any dump writes, and memory stays bounded.</summary>
        public const int DefaultMaxStatementBytes = 64 << 20;

        private readonly Stream input;
        private readonly SqlDialect? dialect;
        private readonly int maxStatementBytes;
        private readonly string? limitReason;
        private readonly byte[] buffer = new byte[1 << 16];
        private readonly List<(int Start, int End)> literals = new List<(int, int)>();

        /// <summary>Bytes that end a run of plain code: quotes, comment starts, newlines, the delimiter's first byte.</summary>
        private readonly bool[] special = new bool[256];
        /// <summary>The statement being read, as bytes; from the shared pool (a reader per data part, each growing to a statement's size).</summary>
        private byte[] current = ArrayPool<byte>.Shared.Rent(1 << 16);
        private int currentLength;
        private int bufferLength;
        private int bufferPosition;
        private long line = 1;
        private long statementLine = 1;
        private byte[] delimiter = { (byte)';' };

        /// <summary>Where a lending reader decodes each statement; rented from the shared pool, returned at the end.</summary>
        private char[]? lentChars;

        private readonly bool lendsBuffer;

        /// <param name="dialect">The session's quoting rules, followed as they change; null: the loader's default session.</param>
        /// <param name="limitReason">Why the limit is lower than the default (the server's max_allowed_packet), for the error.</param>
        /// <param name="lendsBuffer">
        /// Hand out each statement in a buffer reused for the next one (<see cref="ScriptStatement.Chars"/>), for a
        /// caller that is done with a statement before it reads the next: data parts, megabytes per statement.
        /// </param>
        public ScriptReader(Stream input, SqlDialect? dialect = null, int maxStatementBytes = DefaultMaxStatementBytes, string? limitReason = null, bool lendsBuffer = false)
        {
            this.input = input;
            this.dialect = dialect;
            this.maxStatementBytes = maxStatementBytes;
            this.limitReason = limitReason;
            this.lendsBuffer = lendsBuffer;
            SetDelimiter(delimiter);
        }

        public string Delimiter => Encoding.UTF8.GetString(delimiter);

        public IEnumerable<ScriptStatement> ReadStatements()
        {
            try
            {
                while (true)
                {
                    var statement = Next();
                    if (statement == null)
                    {
                        yield break;
                    }

                    yield return statement;
                }
            }
            finally
            {
                // Read to the end or abandoned: nothing reads the buffers again.
                if (current.Length > 0)
                {
                    ArrayPool<byte>.Shared.Return(current);
                    current = Array.Empty<byte>();
                }

                if (lentChars != null)
                {
                    ArrayPool<char>.Shared.Return(lentChars);
                    lentChars = null;
                }
            }
        }

        private int Peek(int ahead = 0)
        {
            while (bufferPosition + ahead >= bufferLength)
            {
                if (bufferPosition > 0)
                {
                    Buffer.BlockCopy(buffer, bufferPosition, buffer, 0, bufferLength - bufferPosition);
                    bufferLength -= bufferPosition;
                    bufferPosition = 0;
                }

                int read = input.Read(buffer, bufferLength, buffer.Length - bufferLength);
                if (read <= 0)
                {
                    return -1;
                }

                bufferLength += read;
            }

            return buffer[bufferPosition + ahead];
        }

        private int Take()
        {
            int b = Peek();
            if (b >= 0)
            {
                bufferPosition++;
                Append(buffer, bufferPosition - 1, 1);
                if (b == '\n')
                {
                    line++;
                }
            }

            return b;
        }

        private void Append(byte[] source, int offset, int count)
        {
            if (currentLength + count > current.Length)
            {
                if ((long)currentLength + count > maxStatementBytes)
                {
                    throw limitReason != null
                        ? new B1BackupException("StatementTooLargeForServer", FailureKind.InvalidData,
                            $"The statement that starts on line {statementLine} is longer than {limitReason}. Raise max_allowed_packet on the server to more than the statement (SET GLOBAL max_allowed_packet = {RoundUpToMegabytes(currentLength + count)}; new connections get it) and restore again.")
                        : new ScriptUnreadableException("StatementTooLarge",
                            $"The statement that starts on line {statementLine} is longer than {maxStatementBytes / (1 << 20)} MB, more than this restore reads into memory. Nothing was changed; a dump tool writes long rows as several statements (mysqldump --net-buffer-length).");
                }

                var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(maxStatementBytes, Math.Max((long)current.Length * 2, currentLength + count)));
                Buffer.BlockCopy(current, 0, larger, 0, currentLength);
                ArrayPool<byte>.Shared.Return(current);
                current = larger;
            }

            Buffer.BlockCopy(source, offset, current, currentLength, count);
            currentLength += count;
        }

        /// <summary>Takes the byte at hand and every following byte up to the next special one, in bulk.</summary>
        private void TakeRun()
        {
            Take();
            while (Peek() >= 0)
            {
                int start = bufferPosition;
                int i = EndOfPlainRun(start);
                Append(buffer, start, i - start);
                bufferPosition = i;
                if (i < bufferLength)
                {
                    return;
                }
            }
        }

        /// <summary>Inside a quoted string: takes bytes in bulk up to the next quote, backslash or newline.</summary>
        private void TakeQuotedRun(byte quote)
        {
            while (Peek() >= 0)
            {
                int start = bufferPosition;
                // Vectorized on .NET: most of a dump's bytes are inside string literals.
                int found = buffer.AsSpan(start, bufferLength - start).IndexOfAny(quote, (byte)'\\', (byte)'\n');
                int i = found < 0 ? bufferLength : start + found;
                Append(buffer, start, i - start);
                bufferPosition = i;
                if (i < bufferLength)
                {
                    return;
                }
            }
        }

        private void SetDelimiter(byte[] value)
        {
            delimiter = value;
            Array.Clear(special, 0, special.Length);
            foreach (char c in SpecialBytes)
            {
                special[c] = true;
            }

            special[value[0]] = true;
#if NET8_0_OR_GREATER
            var specialBytes = new List<byte>();
            for (int b = 0; b < special.Length; b++)
            {
                if (special[b])
                {
                    specialBytes.Add((byte)b);
                }
            }

            specialValues = SearchValues.Create(specialBytes.ToArray());
#endif
        }

#if NET8_0_OR_GREATER
        private SearchValues<byte> specialValues = SearchValues.Create(new byte[] { (byte)';' });

        private int EndOfPlainRun(int start)
        {
            int found = buffer.AsSpan(start, bufferLength - start).IndexOfAny(specialValues);
            return found < 0 ? bufferLength : start + found;
        }
#else
        private int EndOfPlainRun(int start)
        {
            int i = start;
            while (i < bufferLength && !special[buffer[i]])
            {
                i++;
            }

            return i;
        }
#endif

        private bool AtDelimiter()
        {
            for (int i = 0; i < delimiter.Length; i++)
            {
                if (Peek(i) != delimiter[i])
                {
                    return false;
                }
            }

            return true;
        }

        private ScriptStatement? Next()
        {
            currentLength = 0;
            literals.Clear();
            bool hasCode = false;
            bool atLineStart = true;
            bool inExecutableComment = false;
            long startLine = statementLine = line;
            while (true)
            {
                int b = Peek();
                if (b < 0)
                {
                    return hasCode ? Emit(startLine) : null;
                }

                if (!hasCode && atLineStart && TryDelimiterCommand())
                {
                    currentLength = 0;
                    literals.Clear();
                    startLine = statementLine = line;
                    continue;
                }

                if (AtDelimiter() && !inExecutableComment)
                {
                    bufferPosition += delimiter.Length;
                    if (hasCode)
                    {
                        return Emit(startLine);
                    }

                    currentLength = 0;
                    continue;
                }

                if (!hasCode && char.IsWhiteSpace((char)b))
                {
                    Take();
                    if (b == '\n')
                    {
                        atLineStart = true;
                        if (currentLength > 0 && IsBlank())
                        {
                            currentLength = 0;
                            startLine = statementLine = line;
                        }
                    }

                    continue;
                }

                atLineStart = false;
                switch (b)
                {
                    case '\'':
                    case '"':
                    case '`':
                        hasCode = true;
                        ReadQuoted((byte)b);
                        break;
                    case '#':
                        ReadLineComment();
                        atLineStart = true;
                        break;
                    case '-' when Peek(1) == '-' && (Peek(2) <= ' ' || Peek(2) == 0x7f):
                        ReadLineComment();
                        atLineStart = true;
                        break;
                    case '/' when Peek(1) == '*' && (Peek(2) == '!' || (Peek(2) == 'M' && Peek(3) == '!')):
                        // Executable comment: its body is code for servers new enough to read it.
                        hasCode = true;
                        inExecutableComment = true;
                        Take();
                        Take();
                        break;
                    case '/' when Peek(1) == '*':
                        ReadBlockComment();
                        break;
                    case '*' when inExecutableComment && Peek(1) == '/':
                        Take();
                        Take();
                        inExecutableComment = false;
                        break;
                    default:
                        hasCode = true;
                        TakeRun();
                        break;
                }
            }
        }

        private bool IsBlank()
        {
            for (int i = 0; i < currentLength; i++)
            {
                if (!char.IsWhiteSpace((char)current[i]))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>A line "DELIMITER x" (any case) changes the statement terminator, as in the mysql client.</summary>
        private bool TryDelimiterCommand()
        {
            const string Word = "delimiter";
            for (int i = 0; i < Word.Length; i++)
            {
                int c = Peek(i);
                if (c < 0 || char.ToLowerInvariant((char)c) != Word[i])
                {
                    return false;
                }
            }

            int next = Peek(Word.Length);
            if (next != ' ' && next != '\t')
            {
                return false;
            }

            bufferPosition += Word.Length;
            var value = new List<byte>();
            int b;
            while ((b = Peek()) >= 0 && b != '\n')
            {
                bufferPosition++;
                value.Add((byte)b);
            }

            if (b == '\n')
            {
                bufferPosition++;
                line++;
            }

            string text = Encoding.UTF8.GetString(value.ToArray()).Trim();
            int space = text.IndexOfAny(Blanks);
            if (space > 0)
            {
                text = text.Substring(0, space);
            }

            if (text.Length == 0)
            {
                throw new ScriptUnreadableException("ScriptSyntax", $"Line {line - 1}: DELIMITER without a delimiter.");
            }

            SetDelimiter(Encoding.UTF8.GetBytes(text));
            return true;
        }

        private void ReadQuoted(byte quote)
        {
            int start = currentLength;
            long startLine = line;
            Take();
            while (true)
            {
                TakeQuotedRun(quote);
                int b = Take();
                if (b < 0)
                {
                    throw new B1BackupException("ScriptTruncated", FailureKind.InvalidData,
                        $"The script ends inside a quoted string that starts on line {startLine}: the file is incomplete.");
                }

                if (b == '\\' && BackslashEscapes(quote))
                {
                    if (Take() < 0)
                    {
                        throw new B1BackupException("ScriptTruncated", FailureKind.InvalidData, $"The script ends inside a quoted string that starts on line {startLine}.");
                    }

                    continue;
                }

                if (b == quote)
                {
                    if (Peek() == quote)
                    {
                        Take();
                        continue;
                    }

                    break;
                }
            }

            if (quote != '`')
            {
                literals.Add((start, currentLength));
            }
        }

        private static long RoundUpToMegabytes(long bytes) => ((bytes >> 20) + 2) << 20;

        /// <summary>Does a backslash escape the next byte inside this quote, in the session's sql_mode?</summary>
        private bool BackslashEscapes(byte quote) =>
            quote != '`' && !(dialect != null && (dialect.NoBackslashEscapes || (quote == '"' && dialect.AnsiQuotes)));

        private void ReadLineComment()
        {
            int b;
            while ((b = Take()) >= 0 && b != '\n')
            {
            }
        }

        private void ReadBlockComment()
        {
            Take();
            Take();
            int b;
            while ((b = Take()) >= 0)
            {
                if (b == '*' && Peek() == '/')
                {
                    Take();
                    return;
                }
            }
        }

        private ScriptStatement Emit(long startLine)
        {
            if (lendsBuffer && TryDecodeIntoLentBuffer(out var chars))
            {
                return new ScriptStatement(chars, startLine);
            }

            string text;
            try
            {
                text = StrictUtf8.GetString(current, 0, currentLength);
            }
            catch (DecoderFallbackException)
            {
                byte[] bytes = new byte[currentLength];
                Buffer.BlockCopy(current, 0, bytes, 0, currentLength);
                text = RewriteBinaryLiterals(bytes);
            }

            return new ScriptStatement(text.Trim(), startLine);
        }

        /// <summary>Decodes the statement into the lent buffer; false when it is not UTF-8 (binary literals, rewritten into a string).</summary>
        private bool TryDecodeIntoLentBuffer(out ReadOnlyMemory<char> chars)
        {
            // UTF-8 never decodes to more characters than it has bytes.
            if (lentChars == null || lentChars.Length < currentLength)
            {
                if (lentChars != null)
                {
                    ArrayPool<char>.Shared.Return(lentChars);
                }

                lentChars = ArrayPool<char>.Shared.Rent(Math.Max(currentLength, 1 << 16));
            }

            try
            {
                var decoded = new ReadOnlySpan<char>(lentChars, 0, StrictUtf8.GetChars(current, 0, currentLength, lentChars, 0));
                // Trimmed as string.Trim() trims.
                chars = new ReadOnlyMemory<char>(lentChars, decoded.Length - decoded.TrimStart().Length, decoded.Trim().Length);
                return true;
            }
            catch (DecoderFallbackException)
            {
                chars = default;
                return false;
            }
        }

        /// <summary>String literals that are not valid UTF-8 hold binary data: send them as 0x hex, byte for byte.</summary>
        private string RewriteBinaryLiterals(byte[] bytes)
        {
            var builder = new StringBuilder(bytes.Length * 2);
            int position = 0;
            foreach (var (start, end) in literals)
            {
                builder.Append(DecodeOrFail(bytes, position, start - position));
                if (IsValidUtf8(bytes, start, end - start))
                {
                    builder.Append(StrictUtf8.GetString(bytes, start, end - start));
                }
                else
                {
                    byte[] raw = Unescape(bytes, start + 1, end - 1);
                    builder.Append(raw.Length == 0 ? "''" : "0x");
                    foreach (byte b in raw)
                    {
                        builder.Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
                    }
                }

                position = end;
            }

            builder.Append(DecodeOrFail(bytes, position, bytes.Length - position));
            return builder.ToString();
        }

        private string DecodeOrFail(byte[] bytes, int offset, int count)
        {
            try
            {
                return StrictUtf8.GetString(bytes, offset, count);
            }
            catch (DecoderFallbackException)
            {
                throw new ScriptUnreadableException("ScriptEncoding",
                    $"The statement that starts on line {statementLine} holds bytes that are not UTF-8 outside string literals. Nothing was changed; re-create the dump with --default-character-set=utf8mb4.");
            }
        }

        private static bool IsValidUtf8(byte[] bytes, int offset, int count)
        {
            try
            {
                StrictUtf8.GetCharCount(bytes, offset, count);
                return true;
            }
            catch (DecoderFallbackException)
            {
                return false;
            }
        }

        /// <summary>The bytes a quoted literal stands for, by MySQL's escape rules.</summary>
        private static byte[] Unescape(byte[] bytes, int start, int end)
        {
            byte quote = bytes[start - 1];
            var raw = new List<byte>(end - start);
            for (int i = start; i < end; i++)
            {
                byte b = bytes[i];
                if (b == '\\' && i + 1 < end)
                {
                    byte e = bytes[++i];
                    if (BackslashEscape.KeepsBackslash((char)e))
                    {
                        raw.Add((byte)'\\');
                    }

                    // Only ASCII escapes map to another character: any other byte stands for itself.
                    raw.Add(e < 0x80 ? (byte)BackslashEscape.Unescape((char)e) : e);
                }
                else if (b == quote && i + 1 < end && bytes[i + 1] == quote)
                {
                    raw.Add(b);
                    i++;
                }
                else
                {
                    raw.Add(b);
                }
            }

            return raw.ToArray();
        }
    }
}
