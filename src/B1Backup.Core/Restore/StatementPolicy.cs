using System.Text.RegularExpressions;

namespace B1Backup.Core.Restore
{
    /// <summary>What the loader does with one statement of a script.</summary>
    public enum StatementAction
    {
        Execute,

        /// <summary>USE, CREATE/DROP/ALTER DATABASE: the script names its source; the restore picks the target.</summary>
        SkipDatabaseSwitch,

        /// <summary>LOCK/UNLOCK TABLES: only a speed-up in dumps, and TiDB rejects them.</summary>
        SkipTableLocks,

        /// <summary>SET NAMES / character_set_client: the loader's connection always speaks utf8mb4.</summary>
        SkipCharacterSet,
    }

    /// <summary>Decides, statement by statement, what a restore runs. The start of a statement is read past comments and /*!NNNNN openers.</summary>
    public static class StatementPolicy
    {
        // Comments, the openers of executable comments, and whole comments for version 9x.xx.xx that no server runs (mariadb-dump's sandbox line).
        private static readonly Regex Leading = new Regex(@"\A(?:\s+|--[^\n]*(?:\n|\z)|#[^\n]*(?:\n|\z)|/\*M?!9\d{5}(?:.|\n)*?\*/|/\*(?![!M])(?:.|\n)*?\*/|/\*M?!\d*)*", RegexOptions.CultureInvariant);

        private static readonly Regex DatabaseSwitch = new Regex(@"\A(?:USE\b|(?:CREATE|DROP|ALTER)\s+(?:DATABASE|SCHEMA)\b)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        private static readonly Regex TableLocks = new Regex(@"\A(?:LOCK\s+TABLES?|UNLOCK\s+TABLES?)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        private static readonly Regex CharacterSet = new Regex(@"\ASET\s+(?:NAMES\b|(?:SESSION\s+|@@(?:SESSION\.)?)?(?:character_set_client|character_set_results|character_set_connection|collation_connection)\b)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        private static readonly Regex CreateDatabaseCharset = new Regex(@"CHARACTER\s+SET\s+=?\s*(?<cs>\w+)(?:\s*\*/)?(?:\s+COLLATE\s+=?\s*(?<co>\w+))?", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        private static readonly Regex CreateTable = new Regex(@"\ACREATE\s+(?:OR\s+REPLACE\s+)?(?:TEMPORARY\s+)?TABLE\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        /// <summary>The statement with leading comments and executable-comment openers removed.</summary>
        public static string Head(string statement)
        {
            var match = Leading.Match(statement);
            return statement.Substring(match.Length);
        }

        public static StatementAction Classify(string statement)
        {
            string head = Head(statement);
            if (DatabaseSwitch.IsMatch(head))
            {
                return StatementAction.SkipDatabaseSwitch;
            }

            if (TableLocks.IsMatch(head))
            {
                return StatementAction.SkipTableLocks;
            }

            return CharacterSet.IsMatch(head) ? StatementAction.SkipCharacterSet : StatementAction.Execute;
        }

        public static bool IsCreateTable(string statement) => CreateTable.IsMatch(Head(statement));

        /// <summary>The table a CREATE TABLE statement creates.</summary>
        public static string TableNameOf(string createStatement)
        {
            var match = Regex.Match(Head(createStatement), @"TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(?:`(?<q>(?:[^`]|``)+)`|(?<p>[\w$]+))", RegexOptions.IgnoreCase);
            return match.Groups["q"].Success ? match.Groups["q"].Value.Replace("``", "`") : match.Groups["p"].Value;
        }

        /// <summary>The character set and collation a CREATE DATABASE statement names, if any.</summary>
        public static bool TryReadDatabaseCharset(string statement, out string? characterSet, out string? collation)
        {
            characterSet = collation = null;
            string head = Head(statement);
            if (!Regex.IsMatch(head, @"\ACREATE\s+(?:DATABASE|SCHEMA)\b", RegexOptions.IgnoreCase))
            {
                return false;
            }

            var match = CreateDatabaseCharset.Match(head);
            if (!match.Success)
            {
                return false;
            }

            characterSet = match.Groups["cs"].Value;
            collation = match.Groups["co"].Success ? match.Groups["co"].Value : null;
            return true;
        }
    }
}
