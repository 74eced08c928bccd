using System;
using System.Collections.Generic;
using System.Text;
using System.Text.RegularExpressions;

namespace B1Backup.Core.Restore
{
    /// <summary>
    /// Keeps a restore inside its target database. Every statement of a script is judged before it
    /// runs: the dump's own header and footer statements pass, the USE and CREATE/DROP DATABASE that
    /// name the dump's own database are skipped, and anything that would reach beyond the target
    /// (another database, accounts and privileges, server-wide settings, files, client commands) is
    /// refused with an error that names the statement.
    /// </summary>
    public sealed class StatementGuard
    {
        private const RegexOptions Options = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant;
        private const string Ident = @"(?:`(?:[^`]|``)+`|[A-Za-z0-9_$]+)";

        private static readonly Regex DatabaseStatement = new Regex(@"\A(?:USE|(?:CREATE|DROP|ALTER)\s+(?:DATABASE|SCHEMA)(?:\s+IF\s+(?:NOT\s+)?EXISTS)?)\s+(?<db>" + Ident + ")", Options);
        private static readonly Regex AlterDatabaseWithoutName = new Regex(@"\AALTER\s+(?:DATABASE|SCHEMA)\s+(?:DEFAULT\s+)?(?:CHARACTER|CHARSET|COLLATE)", Options);
        private static readonly Regex Privileges = new Regex(@"\A(?:GRANT|REVOKE)\b|\A(?:CREATE|DROP|ALTER|RENAME)\s+(?:USER|ROLE)\b|\ASET\s+(?:PASSWORD|DEFAULT\s+ROLE|ROLE)\b", Options);
        private static readonly Regex ServerSettings = new Regex(@"\ASET\b.*?(?:\b(?:GLOBAL|PERSIST|PERSIST_ONLY)\s+\w|@@(?:GLOBAL|PERSIST|PERSIST_ONLY)\.)", Options | RegexOptions.Singleline);
        private static readonly Regex Administration = new Regex(@"\A(?:SHUTDOWN|KILL|INSTALL|UNINSTALL|FLUSH|RESET|PURGE|CHANGE\s+(?:MASTER|REPLICATION)|(?:START|STOP)\s+(?:SLAVE|REPLICA|ALL\s+SLAVES)|(?:CREATE|ALTER|DROP)\s+SERVER|(?:CREATE|ALTER|DROP)\s+(?:UNDO\s+)?TABLESPACE)\b", Options);
        private static readonly Regex Files = new Regex(@"\bLOAD\s+(?:DATA|XML)\b|\bINTO\s+(?:OUTFILE|DUMPFILE)\b|\bLOAD_FILE\s*\(", Options);
        private static readonly Regex ClientCommand = new Regex(@"\A(?:\\|SOURCE\s|SYSTEM\s|\.\s)|(?:^|\n)[ \t]*\\", Options);
        private static readonly Regex QualifiedName = new Regex(
            @"\b(?:INTO|TABLES?|UPDATE|FROM|JOIN|VIEW|PROCEDURE|FUNCTION|TRIGGER|EVENT|SEQUENCE|TO|REFERENCES|EXISTS|CALL|LIKE)\s+(?<db>" + Ident + @")\s*\.\s*" + Ident +
            @"|\bTRIGGER\b.*?\b(?:BEFORE|AFTER)\s+\w+\s+ON\s+(?<db>" + Ident + @")\s*\.\s*" + Ident +
            @"|(?<db>" + Ident + @")\s*\.\s*" + Ident + @"\s*\.\s*" + Ident,
            Options | RegexOptions.Singleline);

        private static readonly Regex DefinesObject = new Regex(@"\ACREATE\b[^;(]*?\b(?:VIEW|PROCEDURE|FUNCTION|TRIGGER|EVENT|PACKAGE)\b", Options);

        private static readonly Regex DataInsert = new Regex(@"\AINSERT\s+INTO\s+`(?:[^`]|``)+`\s*\((?:\s*`(?:[^`]|``)+`\s*,?)+\)\s*VALUES\s", Options);
        private static readonly Regex DataVariable = new Regex(@"\ASET\s+@b1_value\d+\s*=\s*(?:NULL|''|0x[0-9A-Fa-f]+|CONCAT\(\s*@b1_value\d+\s*,\s*(?:''|0x[0-9A-Fa-f]+)\s*\))\s*\z", Options);

        private readonly string? target;

        /// <param name="targetDatabase">The restore's target; null while it is not known yet (then the databases that object definitions name are collected for a later check).</param>
        public StatementGuard(string? sourceDatabase, string? targetDatabase)
        {
            SourceDatabase = sourceDatabase;
            target = targetDatabase;
        }

        /// <summary>The database the dump came from: named by the manifest or the dump's header, or by its first USE or CREATE DATABASE.</summary>
        public string? SourceDatabase { get; set; }

        /// <summary>With no target given: the databases that view, routine, trigger and event definitions name.</summary>
        public List<(string Database, ScriptStatement Statement)> ObjectDatabaseReferences { get; } = new List<(string, ScriptStatement)>();

        /// <summary>The database a USE or CREATE DATABASE statement names, as a dump of several databases has them.</summary>
        public static bool TryNamedDatabase(string statement, out string database)
        {
            string skeleton = Skeleton(StatementPolicy.Head(statement));
            var match = DatabaseStatement.Match(skeleton);
            bool names = match.Success && !skeleton.TrimStart().StartsWith("DROP", StringComparison.OrdinalIgnoreCase) && !skeleton.TrimStart().StartsWith("ALTER", StringComparison.OrdinalIgnoreCase);
            database = names ? Unquote(match.Groups["db"].Value) : string.Empty;
            return names;
        }

        /// <summary>What to do with a statement; throws StatementRefused for one that reaches beyond the target.</summary>
        public StatementAction Judge(ScriptStatement statement)
        {
            string head = StatementPolicy.Head(statement.Text);
            string skeleton = Skeleton(head);
            if (ClientCommand.IsMatch(skeleton))
            {
                throw Refuse(statement, "it is a mysql client command, which a restore never runs");
            }

            var database = DatabaseStatement.Match(skeleton);
            if (database.Success)
            {
                string name = Unquote(database.Groups["db"].Value);
                SourceDatabase ??= name;
                if (name == SourceDatabase || name == target)
                {
                    return StatementAction.SkipDatabaseSwitch;
                }

                throw Refuse(statement, $"it names the database '{name}', not the one the backup holds");
            }

            if (AlterDatabaseWithoutName.IsMatch(skeleton))
            {
                return StatementAction.SkipDatabaseSwitch;
            }

            if (Privileges.IsMatch(skeleton))
            {
                throw Refuse(statement, "it manages accounts or privileges");
            }

            if (ServerSettings.IsMatch(skeleton))
            {
                throw Refuse(statement, "it changes server-wide settings");
            }

            if (Administration.IsMatch(skeleton))
            {
                throw Refuse(statement, "it administers the server");
            }

            if (Files.IsMatch(skeleton))
            {
                throw Refuse(statement, "it reads or writes files");
            }

            // A dump never needs to name a database: a statement that runs now may not name any (it would
            // bypass the staging copy); a view, routine, trigger or event may name the target it lives in.
            bool definesObject = DefinesObject.IsMatch(skeleton.Length > 400 ? skeleton.Substring(0, 400) : skeleton);
            foreach (Match qualified in QualifiedName.Matches(skeleton))
            {
                string name = Unquote(qualified.Groups["db"].Value);
                if (name.Equals("information_schema", StringComparison.OrdinalIgnoreCase) || (definesObject && name == target))
                {
                    continue;
                }

                if (definesObject && target == null)
                {
                    ObjectDatabaseReferences.Add((name, statement));
                    continue;
                }

                throw Refuse(statement, $"it names the database '{name}'");
            }

            return StatementPolicy.Classify(head);
        }

        /// <summary>
        /// The stricter rule for the data parts of a B1Backup file: only the INSERTs of literal values
        /// and the variable pieces of large values that B1Backup itself writes.
        /// </summary>
        public StatementAction JudgeData(ScriptStatement statement)
        {
            string text = statement.Text;
            // Only a SET can be a variable piece: an INSERT of megabytes need not be skeletonized first.
            if (text.StartsWith("SET", StringComparison.OrdinalIgnoreCase) && DataVariable.IsMatch(Skeleton(text)))
            {
                return StatementAction.Execute;
            }

            var insert = DataInsert.Match(text);
            if (insert.Success && LiteralsOnly(text, insert.Length))
            {
                return StatementAction.Execute;
            }

            throw Refuse(statement, "a data part of a B1Backup file holds only INSERTs of literal values, and this is something else");
        }

        /// <summary>
        /// True when, from <paramref name="start"/> on, the statement holds only what B1Backup writes as
        /// values: numbers, NULL, 'strings', 0x hex and @b1_value variables. One pass, no copies: data
        /// statements are megabytes long and this runs on every one.
        /// </summary>
        internal static bool LiteralsOnly(string text, int start)
        {
            int i = start;
            while (i < text.Length)
            {
                char c = text[i];
                if (c == '\'')
                {
                    i = EndOfString(text, i + 1) + 1;
                }
                else if (c == '0' && i + 1 < text.Length && (text[i + 1] == 'x' || text[i + 1] == 'X'))
                {
                    for (i += 2; i < text.Length && Uri.IsHexDigit(text[i]); i++)
                    {
                    }
                }
                else if ((c >= '0' && c <= '9') || c == ',' || c == '(' || c == ')' || c == '.' || c == '-' || c == '+' || c == ' ' || c == '\n' || c == '\r' || c == '\t')
                {
                    i++;
                }
                else if ((c == 'e' || c == 'E') && i > start && (char.IsDigit(text[i - 1]) || text[i - 1] == '.'))
                {
                    i++;
                }
                else if (c == 'N' && string.CompareOrdinal(text, i, "NULL", 0, 4) == 0)
                {
                    i += 4;
                }
                else if (c == '@' && string.CompareOrdinal(text, i, "@b1_value", 0, 9) == 0)
                {
                    for (i += 9; i < text.Length && char.IsDigit(text[i]); i++)
                    {
                    }
                }
                else
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>The index of the quote that closes a '...' string whose content starts at <paramref name="i"/>; text.Length if none.</summary>
        private static int EndOfString(string text, int i)
        {
            while (i < text.Length)
            {
                int found = text.AsSpan(i).IndexOfAny('\'', '\\');
                if (found < 0)
                {
                    return text.Length;
                }

                i += found;
                if (text[i] == '\\')
                {
                    i += 2;
                }
                else if (i + 1 < text.Length && text[i + 1] == '\'')
                {
                    i += 2;
                }
                else
                {
                    return i;
                }
            }

            return text.Length;
        }

        /// <summary>The statement with string literals emptied and comments removed: what is left is the SQL that acts.</summary>
        internal static string Skeleton(string statement)
        {
            var builder = new StringBuilder(Math.Min(statement.Length, 1 << 16));
            for (int i = 0; i < statement.Length; i++)
            {
                char c = statement[i];
                if (c == '\'' || c == '"')
                {
                    builder.Append(c).Append(c);
                    for (i++; i < statement.Length; i++)
                    {
                        if (statement[i] == '\\')
                        {
                            i++;
                        }
                        else if (statement[i] == c)
                        {
                            if (i + 1 < statement.Length && statement[i + 1] == c)
                            {
                                i++;
                                continue;
                            }

                            break;
                        }
                    }
                }
                else if (c == '`')
                {
                    int end = statement.IndexOf('`', i + 1);
                    while (end >= 0 && end + 1 < statement.Length && statement[end + 1] == '`')
                    {
                        end = statement.IndexOf('`', end + 2);
                    }

                    end = end < 0 ? statement.Length - 1 : end;
                    builder.Append(statement, i, end - i + 1);
                    i = end;
                }
                else if ((c == '-' && i + 2 < statement.Length && statement[i + 1] == '-' && char.IsWhiteSpace(statement[i + 2])) || c == '#')
                {
                    int end = statement.IndexOf('\n', i);
                    i = end < 0 ? statement.Length : end - 1;
                }
                else if (c == '/' && i + 1 < statement.Length && statement[i + 1] == '*')
                {
                    bool executable = i + 2 < statement.Length && (statement[i + 2] == '!' || statement[i + 2] == 'M');
                    if (executable && !IsNeverRun(statement, i + 2))
                    {
                        // Its content runs: keep it, drop only the version marker.
                        i += 2;
                        while (i + 1 < statement.Length && (statement[i + 1] == '!' || statement[i + 1] == 'M' || char.IsDigit(statement[i + 1])))
                        {
                            i++;
                        }

                        builder.Append(' ');
                        continue;
                    }

                    int end = statement.IndexOf("*/", i + 2, StringComparison.Ordinal);
                    i = end < 0 ? statement.Length : end + 1;
                    builder.Append(' ');
                }
                else if (c == '*' && i + 1 < statement.Length && statement[i + 1] == '/')
                {
                    builder.Append(' ');
                    i++;
                }
                else
                {
                    builder.Append(c);
                }
            }

            return builder.ToString();
        }

        /// <summary>
        /// /*M!999999\- enable the sandbox mode */ (first line of mariadb-dump files) is for the mariadb
        /// client only: no server is version 99.99.99, so no server runs it, and neither do we.
        /// </summary>
        private static bool IsNeverRun(string statement, int markerStart)
        {
            int i = markerStart;
            while (i < statement.Length && (statement[i] == '!' || statement[i] == 'M'))
            {
                i++;
            }

            int digits = 0;
            long version = 0;
            while (i < statement.Length && char.IsDigit(statement[i]) && digits < 7)
            {
                version = (version * 10) + (statement[i] - '0');
                i++;
                digits++;
            }

            return digits > 0 && version >= 900000;
        }

        private static string Unquote(string identifier) =>
            identifier.StartsWith("`", StringComparison.Ordinal) ? identifier.Substring(1, identifier.Length - 2).Replace("``", "`") : identifier;

        internal static B1BackupException Refuse(ScriptStatement statement, string why)
        {
            string excerpt = statement.Text.Length > 100 ? statement.Text.Substring(0, 100) + "..." : statement.Text;
            return new B1BackupException("StatementRefused", FailureKind.SecurityError,
                $"The backup's statement on line {statement.Line} was refused because {why}: {excerpt.Replace('\n', ' ')}. A restore only writes to its target database; nothing of this statement ran.");
        }
    }
}
