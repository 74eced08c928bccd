using System;
using System.Collections.Generic;
using System.Linq;
using B1Backup.Core.Connection;
using MySqlConnector;

namespace B1Backup.Core.Engine
{
    /// <summary>
    /// Which databases a backup of "several" means: names as given, wildcards (* ? [a-z]) matched against
    /// the databases this user can see, never the server's own (mysql, sys, information_schema, ...).
    /// </summary>
    public static class DatabaseSelection
    {
        public static bool IsServerDatabase(string name) =>
            Restore.StatementGuard.SystemDatabases.Contains(name) || string.Equals(name, "information_schema", StringComparison.OrdinalIgnoreCase);

        public static bool HasWildcard(string name) => Wildcard.IsPattern(name);

        /// <summary>The requested names in order, wildcards expanded (each must match something), duplicates once.</summary>
        public static IReadOnlyList<string> Expand(ConnectionSettings settings, IEnumerable<string> requested)
        {
            var names = requested.Select(r => r.Trim()).Where(r => r.Length > 0).ToList();
            IReadOnlyList<string>? visible = names.Any(HasWildcard) ? UserDatabases(settings) : null;
            return Expand(names, visible);
        }

        internal static IReadOnlyList<string> Expand(IReadOnlyList<string> names, IReadOnlyList<string>? visible)
        {
            var result = new List<string>();
            foreach (string name in names)
            {
                if (!HasWildcard(name))
                {
                    result.Add(name);
                    continue;
                }

                // Case-sensitive, as database names are on Linux servers.
                var pattern = Wildcard.ToRegex(name, ignoreCase: false);
                var matches = visible!.Where(d => pattern.IsMatch(d)).ToList();
                if (matches.Count == 0)
                {
                    throw new B1BackupException("NoDatabaseMatches", FailureKind.NotFound,
                        $"No database this user can see matches '{name}' (the server's own databases never do). List them with SHOW DATABASES, or check the user's privileges.")
                    { Target = name };
                }

                result.AddRange(matches);
            }

            return result.Distinct(StringComparer.Ordinal).ToList();
        }

        /// <summary>The databases this user can see, the server's own left out, in name order.</summary>
        public static IReadOnlyList<string> UserDatabases(ConnectionSettings settings)
        {
            using var connection = DatabaseConnector.Open(settings.WithDatabase(null));
            using var command = new MySqlCommand("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA ORDER BY SCHEMA_NAME", connection);
            using var reader = command.ExecuteReader();
            var names = new List<string>();
            while (reader.Read())
            {
                string name = reader.GetString(0);
                if (!IsServerDatabase(name))
                {
                    names.Add(name);
                }
            }

            return names;
        }
    }
}
