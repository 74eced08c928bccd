using System;
using System.Globalization;
using System.IO;

namespace B1Backup.Core.Engine
{
    /// <summary>
    /// A growable char buffer for building SQL text without a string per value: the dump's hot path
    /// appends numbers, escaped literals and hex into it and hands whole runs to the writer.
    /// </summary>
    internal sealed class SqlBuffer
    {
        private static readonly char[] HexDigits = "0123456789ABCDEF".ToCharArray();
        private static readonly bool ShortestDoubleIsExact = !System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.Ordinal);
        private char[] chars;

        public SqlBuffer(int capacity = 4096)
        {
            chars = new char[capacity];
        }

        public int Length { get; private set; }

        /// <summary>A few bytes a caller may read a short value into before appending it (longer than any date's text).</summary>
        public byte[] ByteScratch { get; } = new byte[64];

        public void Clear() => Length = 0;

        public void Truncate(int length) => Length = length;

        public string ToString(int start, int length) => new string(chars, start, length);

        public override string ToString() => new string(chars, 0, Length);

        public void WriteTo(TextWriter writer) => writer.Write(chars, 0, Length);

        public void Append(char c)
        {
            Ensure(1);
            chars[Length++] = c;
        }

        public void Append(string text)
        {
            Ensure(text.Length);
            text.CopyTo(0, chars, Length, text.Length);
            Length += text.Length;
        }

        public void Append(long number)
        {
            if (number >= 0)
            {
                Append((ulong)number);
                return;
            }

            if (number == long.MinValue)
            {
                Append("-9223372036854775808");
                return;
            }

            Append('-');
            Append((ulong)(-number));
        }

        public void Append(ulong number)
        {
            Ensure(20);
            int start = Length;
            do
            {
                chars[Length++] = (char)('0' + (int)(number % 10));
                number /= 10;
            }
            while (number != 0);
            Array.Reverse(chars, start, Length - start);
        }

        /// <summary>Floating point that reads back to the same bits: shortest round-trip form, or 17 digits where "R" is unreliable; -0 kept.</summary>
        public void AppendDouble(double number)
        {
            if (number == 0 && BitConverter.DoubleToInt64Bits(number) < 0)
            {
                // "-0" would be parsed as the integer 0; a float literal keeps the sign.
                Append("-0E0");
                return;
            }

            Append(number.ToString(ShortestDoubleIsExact ? "R" : "G17", CultureInfo.InvariantCulture));
        }

        /// <summary>A single-quoted literal with mysqldump's backslash escapes.</summary>
        public void AppendLiteral(string value)
        {
            Ensure(value.Length + 2);
            chars[Length++] = '\'';
            int runStart = 0;
            for (int i = NextEscape(value, 0); i < value.Length; i = NextEscape(value, i + 1))
            {
                char c = value[i];
                char escaped;
                switch (c)
                {
                    case '\0': escaped = '0'; break;
                    case '\'': escaped = '\''; break;
                    case '\\': escaped = '\\'; break;
                    case '\n': escaped = 'n'; break;
                    case '\r': escaped = 'r'; break;
                    case '\u001a': escaped = 'Z'; break;
                    default: continue;
                }

                AppendRun(value, runStart, i - runStart);
                Ensure(2 + value.Length - i);
                chars[Length++] = '\\';
                chars[Length++] = escaped;
                runStart = i + 1;
            }

            AppendRun(value, runStart, value.Length - runStart);
            Append('\'');
        }

#if NET8_0_OR_GREATER
        private static readonly System.Buffers.SearchValues<char> NeedEscaping = System.Buffers.SearchValues.Create("\0'\\\n\r\u001a");

        /// <summary>The next character at or after <paramref name="from"/> that AppendLiteral escapes; value.Length if none. Vectorized.</summary>
        private static int NextEscape(string value, int from)
        {
            int found = value.AsSpan(from).IndexOfAny(NeedEscaping);
            return found < 0 ? value.Length : from + found;
        }
#else
        private static int NextEscape(string value, int from)
        {
            for (int i = from; i < value.Length; i++)
            {
                char c = value[i];
                if (c == '\0' || c == '\'' || c == '\\' || c == '\n' || c == '\r' || c == '\u001a')
                {
                    return i;
                }
            }

            return value.Length;
        }
#endif

        /// <summary>
        /// The text of a DATE or a DATETIME/TIMESTAMP in whole seconds ('2024-02-29', '2024-02-29 13:05:00') as
        /// the number the server reads as the same value (20240229, 20240229130500): converting a number costs
        /// the server less than parsing a quoted string. Only a real calendar day in the years 1000-9999 with a
        /// real time of day: a shorter number would read as a two-digit year, and a zero or invalid date must
        /// keep its text. False, with nothing appended, for anything else.
        /// </summary>
        public bool TryAppendDateAsNumber(byte[] text, int count)
        {
            if (count != 10 && count != 19)
            {
                return false;
            }

            if (!IsDigits(text, 0, 4) || text[4] != (byte)'-' || !IsDigits(text, 5, 2) || text[7] != (byte)'-' || !IsDigits(text, 8, 2))
            {
                return false;
            }

            int year = NumberAt(text, 0, 4), month = NumberAt(text, 5, 2), day = NumberAt(text, 8, 2);
            if (year < 1000 || month < 1 || month > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
            {
                return false;
            }

            if (count == 19 && !(text[10] == (byte)' ' && IsDigits(text, 11, 2) && text[13] == (byte)':' && IsDigits(text, 14, 2) && text[16] == (byte)':' && IsDigits(text, 17, 2)
                && NumberAt(text, 11, 2) <= 23 && NumberAt(text, 14, 2) <= 59 && NumberAt(text, 17, 2) <= 59))
            {
                return false;
            }

            Ensure(count);
            for (int i = 0; i < count; i++)
            {
                byte b = text[i];
                if (b >= (byte)'0' && b <= (byte)'9')
                {
                    chars[Length++] = (char)b;
                }
            }

            return true;
        }

        private static bool IsDigits(byte[] text, int start, int count)
        {
            for (int i = start; i < start + count; i++)
            {
                if (text[i] < (byte)'0' || text[i] > (byte)'9')
                {
                    return false;
                }
            }

            return true;
        }

        private static int NumberAt(byte[] text, int start, int count)
        {
            int value = 0;
            for (int i = start; i < start + count; i++)
            {
                value = (value * 10) + (text[i] - (byte)'0');
            }

            return value;
        }

        /// <summary>
        /// The text of a date, time or timestamp ('2024-02-29 13:05:00.250000', '-838:59:59') as a quoted
        /// literal; false, with nothing appended, if a byte is not one such text holds, so nothing needs escaping.
        /// </summary>
        public bool TryAppendTemporalText(byte[] text, int count)
        {
            for (int i = 0; i < count; i++)
            {
                byte b = text[i];
                if (!((b >= (byte)'0' && b <= (byte)'9') || b == (byte)'-' || b == (byte)':' || b == (byte)' ' || b == (byte)'.'))
                {
                    return false;
                }
            }

            Ensure(count + 2);
            chars[Length++] = '\'';
            for (int i = 0; i < count; i++)
            {
                chars[Length++] = (char)text[i];
            }

            chars[Length++] = '\'';
            return true;
        }

        /// <summary>0x-prefixed hex, or '' for an empty value (0x alone is not valid SQL).</summary>
        public void AppendHex(byte[] value, int offset, int count)
        {
            if (count == 0)
            {
                Append("''");
                return;
            }

            Ensure(2 + (count * 2));
            chars[Length++] = '0';
            chars[Length++] = 'x';
            for (int i = offset; i < offset + count; i++)
            {
                chars[Length++] = HexDigits[value[i] >> 4];
                chars[Length++] = HexDigits[value[i] & 0xF];
            }
        }

        private void AppendRun(string value, int start, int count)
        {
            if (count > 0)
            {
                Ensure(count);
                value.CopyTo(start, chars, Length, count);
                Length += count;
            }
        }

        private void Ensure(int extra)
        {
            if (Length + extra > chars.Length)
            {
                Array.Resize(ref chars, Math.Max(chars.Length * 2, Length + extra));
            }
        }
    }
}
