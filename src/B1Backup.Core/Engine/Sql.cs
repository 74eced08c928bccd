using System.Text;

namespace B1Backup.Core.Engine
{
    /// <summary>Quoting for the SQL text B1Backup writes.</summary>
    public static class Sql
    {
        public static string Identifier(string name) => "`" + name.Replace("`", "``") + "`";

        /// <summary>Counts a table's rows; for a system-versioned table, its history rows too (a backup holds both).</summary>
        public static string CountRows(string table, bool systemVersioned) =>
            "SELECT COUNT(*) FROM " + Identifier(table) + (systemVersioned ? " FOR SYSTEM_TIME ALL" : string.Empty);

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
    }
}
