using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using B1Backup.Core.Engine;

namespace B1Backup.Core.Restore
{
    /// <summary>
    /// Loading rows into a table without its secondary indexes and adding them afterwards (one sorted
    /// build each) is much cheaper than updating them row by row. Only plain KEYs are deferred, and
    /// only on tables without foreign keys, FULLTEXT or SPATIAL indexes, so SHOW CREATE TABLE after
    /// the restore is exactly what it was.
    /// </summary>
    internal static class IndexDeferral
    {
        private static readonly Regex CreateTable = new Regex(@"\A\s*CREATE\s+TABLE\s+(?<name>`(?:[^`]|``)+`)\s*\(", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        private static readonly Regex AutoIncrementColumn = new Regex(@"^\s*(?<col>`(?:[^`]|``)+`)\s.*\bAUTO_INCREMENT\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        /// <summary>Is this an index (PRIMARY KEY, UNIQUE KEY, KEY) whose first column is <paramref name="column"/>?</summary>
        private static bool LeadsWith(string definition, string column)
        {
            int open = definition.IndexOf('(');
            return open >= 0 && Regex.IsMatch(definition, @"^\s*(?:PRIMARY\s+KEY|UNIQUE\s+KEY|KEY)\b", RegexOptions.IgnoreCase)
                && string.CompareOrdinal(definition, open + 1, column, 0, column.Length) == 0;
        }

        /// <summary>
        /// Splits a SHOW CREATE TABLE statement into one without its plain KEY lines and the ALTER TABLE
        /// that adds them back; false when nothing can be deferred.
        /// </summary>
        public static bool TrySplit(string statement, out string withoutKeys, out string addKeys)
        {
            withoutKeys = statement;
            addKeys = string.Empty;
            var header = CreateTable.Match(statement);
            if (!header.Success)
            {
                return false;
            }

            var lines = statement.Split('\n');
            int close = Array.FindLastIndex(lines, l => l.StartsWith(")", StringComparison.Ordinal));
            if (close < 2 || !lines[0].TrimEnd().EndsWith("(", StringComparison.Ordinal))
            {
                return false;
            }

            var definitions = lines.Skip(1).Take(close - 1).Select(l => l.TrimEnd().TrimEnd(',')).ToList();
            if (definitions.Any(d => Regex.IsMatch(d, @"^\s*(CONSTRAINT\b.*)?FOREIGN KEY\b|^\s*(FULLTEXT|SPATIAL)\b|^\s*(PERIOD|SYSTEM)\b", RegexOptions.IgnoreCase)))
            {
                return false;
            }

            // The AUTO_INCREMENT column must lead some index when the table is created (error 1075): a
            // plain KEY that is the only one leading with it stays in the CREATE TABLE.
            string? autoIncrement = definitions.Select(d => AutoIncrementColumn.Match(d)).Where(m => m.Success).Select(m => m.Groups["col"].Value).FirstOrDefault();
            bool keyedElsewhere = autoIncrement != null && definitions.Any(d => !d.StartsWith("  KEY `", StringComparison.Ordinal) && LeadsWith(d, autoIncrement));
            bool Deferrable(string d) => d.StartsWith("  KEY `", StringComparison.Ordinal) && (autoIncrement == null || keyedElsewhere || !LeadsWith(d, autoIncrement));
            var keys = definitions.Where(Deferrable).ToList();
            if (keys.Count == 0)
            {
                return false;
            }

            var kept = definitions.Where(d => !Deferrable(d)).ToList();
            withoutKeys = lines[0] + "\n" + string.Join(",\n", kept) + "\n" + string.Join("\n", lines.Skip(close));
            addKeys = "ALTER TABLE " + header.Groups["name"].Value + " " + string.Join(", ", keys.Select(k => "ADD " + k.Trim()));
            return true;
        }
    }
}
