using System.Text;

namespace B1Backup.Core.Engine
{
    /// <summary>Quoting for the SQL text B1Backup writes.</summary>
    public static class Sql
    {
        public static string Identifier(string name) => "`" + name.Replace("`", "``") + "`";

        /// <summary>A single-quoted string literal in the escaping that mysqldump uses (backslash escapes).</summary>
        public static string Literal(string value)
        {
            var builder = new StringBuilder(value.Length + 2);
            AppendLiteral(builder, value);
            return builder.ToString();
        }

        public static void AppendLiteral(StringBuilder builder, string value)
        {
            builder.Append('\'');
            foreach (char c in value)
            {
                switch (c)
                {
                    case '\0': builder.Append("\\0"); break;
                    case '\'': builder.Append("\\'"); break;
                    case '\\': builder.Append("\\\\"); break;
                    case '\n': builder.Append("\\n"); break;
                    case '\r': builder.Append("\\r"); break;
                    case '\u001a': builder.Append("\\Z"); break;
                    default: builder.Append(c); break;
                }
            }

            builder.Append('\'');
        }

        private static readonly char[] HexDigits = "0123456789ABCDEF".ToCharArray();

        /// <summary>0x-prefixed hex, or '' for an empty value (0x alone is not valid SQL).</summary>
        public static void AppendHex(StringBuilder builder, byte[] value, int offset, int count)
        {
            if (count == 0)
            {
                builder.Append("''");
                return;
            }

            builder.Append("0x");
            for (int i = offset; i < offset + count; i++)
            {
                builder.Append(HexDigits[value[i] >> 4]).Append(HexDigits[value[i] & 0xF]);
            }
        }
    }
}
