using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using B1Backup.Core.Lexing;

namespace B1Backup.Core.Restore
{
    /// <summary>
    /// Loading rows into a table without its secondary indexes and adding them afterwards (one sorted
    /// build each) is much cheaper than updating them row by row. Only plain KEYs are deferred, and
    /// only on tables without foreign keys, FULLTEXT or SPATIAL indexes, so SHOW CREATE TABLE after
    /// the restore is exactly what it was. The statement is read by the restore's own lexer: its
    /// definitions are the comma-separated parts of the outermost parentheses.
    /// </summary>
    internal static class IndexDeferral
    {
        /// <summary>
        /// Splits a CREATE TABLE statement into one without its plain KEY definitions and the ALTER TABLE
        /// that adds them back; false when nothing can be deferred.
        /// </summary>
        public static bool TrySplit(string statement, out string withoutKeys, out string addKeys)
        {
            bool split = TrySplit(statement, severalKeysPerAlter: true, out withoutKeys, out var statements);
            addKeys = split ? statements[0] : string.Empty;
            return split;
        }

        /// <summary>
        /// As above, with the keys added by one ALTER TABLE, or by one each where the server cannot add
        /// several in one statement (TiDB before 6.2, error 8200).
        /// </summary>
        public static bool TrySplit(string statement, bool severalKeysPerAlter, out string withoutKeys, out IReadOnlyList<string> addKeys)
        {
            withoutKeys = statement;
            addKeys = Array.Empty<string>();
            List<SqlToken> tokens;
            try
            {
                tokens = SqlLexer.Tokenize(statement, new SqlDialect(SqlDialect.AssumedServer));
            }
            catch (SqlLexException)
            {
                return false;
            }

            // CREATE TABLE `name` ( definitions ) options
            if (tokens.Count < 5 || !tokens[0].IsWord("CREATE") || !tokens[1].IsWord("TABLE") || tokens[2].Kind != SqlTokenKind.QuotedIdentifier || !tokens[3].IsSymbol('('))
            {
                return false;
            }

            var definitions = Definitions(tokens, 4, out int close);
            if (close < 0)
            {
                return false;
            }

            string Text(List<SqlToken> part) => statement.Substring(part[0].Start, part[part.Count - 1].End - part[0].Start);
            bool Starts(List<SqlToken> part, string word) => part.Count > 0 && part[0].IsWord(word);
            if (definitions.Any(d => Starts(d, "FOREIGN") || Starts(d, "FULLTEXT") || Starts(d, "SPATIAL") || Starts(d, "PERIOD") || Starts(d, "SYSTEM")
                || (Starts(d, "CONSTRAINT") && d.Any(t => t.IsWord("FOREIGN")))))
            {
                return false;
            }

            // The AUTO_INCREMENT column must lead some index when the table is created (error 1075): a
            // plain KEY that is the only one leading with it stays in the CREATE TABLE.
            string? autoIncrement = definitions.Where(d => d.Count > 0 && d[0].Kind == SqlTokenKind.QuotedIdentifier && d.Any(t => t.IsWord("AUTO_INCREMENT"))).Select(d => d[0].Name).FirstOrDefault();
            bool IsPlainKey(List<SqlToken> d) => Starts(d, "KEY") && d.Count > 2 && d[1].Kind == SqlTokenKind.QuotedIdentifier;
            bool LeadsWithAutoIncrement(List<SqlToken> d)
            {
                int open = d.FindIndex(t => t.IsSymbol('('));
                return autoIncrement != null && open >= 0 && open + 1 < d.Count && d[open + 1].Kind == SqlTokenKind.QuotedIdentifier && d[open + 1].Name == autoIncrement
                    && (Starts(d, "KEY") || Starts(d, "PRIMARY") || Starts(d, "UNIQUE"));
            }

            bool keyedElsewhere = definitions.Any(d => !IsPlainKey(d) && LeadsWithAutoIncrement(d));
            bool Deferrable(List<SqlToken> d) => IsPlainKey(d) && (keyedElsewhere || !LeadsWithAutoIncrement(d));
            var keys = definitions.Where(Deferrable).ToList();
            if (keys.Count == 0)
            {
                return false;
            }

            var kept = definitions.Where(d => !Deferrable(d)).ToList();
            var builder = new StringBuilder(statement.Length);
            builder.Append(statement, 0, tokens[3].End).Append('\n');
            builder.Append(string.Join(",\n", kept.Select(d => "  " + Text(d))));
            builder.Append('\n').Append(statement, tokens[close].Start, statement.Length - tokens[close].Start);
            withoutKeys = builder.ToString();
            string alter = "ALTER TABLE " + statement.Substring(tokens[2].Start, tokens[2].End - tokens[2].Start) + " ";
            addKeys = severalKeysPerAlter
                ? new[] { alter + string.Join(", ", keys.Select(k => "ADD " + Text(k))) }
                : keys.Select(k => alter + "ADD " + Text(k)).ToArray();
            return true;
        }

        /// <summary>The comma-separated parts inside the parentheses that open at <paramref name="start"/>'s left; <paramref name="close"/> is the closing one.</summary>
        private static List<List<SqlToken>> Definitions(List<SqlToken> tokens, int start, out int close)
        {
            var parts = new List<List<SqlToken>> { new List<SqlToken>() };
            int depth = 0;
            for (int i = start; i < tokens.Count; i++)
            {
                var token = tokens[i];
                if (token.IsSymbol('('))
                {
                    depth++;
                }
                else if (token.IsSymbol(')'))
                {
                    if (depth == 0)
                    {
                        close = i;
                        return parts;
                    }

                    depth--;
                }
                else if (token.IsSymbol(',') && depth == 0)
                {
                    parts.Add(new List<SqlToken>());
                    continue;
                }

                parts[parts.Count - 1].Add(token);
            }

            close = -1;
            return parts;
        }
    }
}
