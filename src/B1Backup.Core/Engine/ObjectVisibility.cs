using System;
using System.Collections.Generic;
using System.Linq;
using MySqlConnector;

namespace B1Backup.Core.Engine
{
    /// <summary>
    /// information_schema lists triggers only to a user with the TRIGGER privilege, and events only to
    /// one with EVENT: without them a backup "succeeds" with none. The backup user's privileges (its
    /// own and those of its enabled roles) are checked, and what may be missing is said.
    /// </summary>
    internal static class ObjectVisibility
    {
        /// <summary>What a backup of <paramref name="database"/> by this user may silently lack; empty when nothing.</summary>
        public static List<string> MayBeMissing(MySqlConnection connection, string database)
        {
            var grantees = Grantees(connection);
            var held = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            string inList = string.Join(", ", grantees.Select((_, i) => "@g" + i));
            string sql = $"SELECT PRIVILEGE_TYPE FROM information_schema.USER_PRIVILEGES WHERE GRANTEE IN ({inList}) " +
                $"UNION SELECT PRIVILEGE_TYPE FROM information_schema.SCHEMA_PRIVILEGES WHERE GRANTEE IN ({inList}) AND @db LIKE TABLE_SCHEMA";
            using (var command = new MySqlCommand(sql, connection))
            {
                for (int i = 0; i < grantees.Count; i++)
                {
                    command.Parameters.AddWithValue("@g" + i, grantees[i]);
                }

                command.Parameters.AddWithValue("@db", database);
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    held.Add(reader.GetString(0));
                }
            }

            var missing = new List<string>();
            if (!held.Contains("TRIGGER"))
            {
                missing.Add($"triggers: the backup user has no TRIGGER privilege on {Sql.Identifier(database)}, and the server lists triggers only to users who have it. Grant TRIGGER (GRANT TRIGGER ON {Sql.Identifier(database)}.* TO ...) or back up with a user that has it");
            }

            if (!held.Contains("EVENT"))
            {
                missing.Add($"events: the backup user has no EVENT privilege on {Sql.Identifier(database)}, and the server lists events only to users who have it. Grant EVENT (GRANT EVENT ON {Sql.Identifier(database)}.* TO ...) or back up with a user that has it");
            }

            return missing;
        }

        /// <summary>'user'@'host' as the privilege tables name the current user, and its enabled roles ('role' on MariaDB, 'role'@'host' on MySQL).</summary>
        private static List<string> Grantees(MySqlConnection connection)
        {
            var grantees = new List<string>();
            using (var command = new MySqlCommand("SELECT CURRENT_USER()", connection))
            {
                string current = Convert.ToString(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty;
                int at = current.LastIndexOf('@');
                grantees.Add(at < 0 ? Quote(current) : Quote(current.Substring(0, at)) + "@" + Quote(current.Substring(at + 1)));
            }

            try
            {
                using var roles = new MySqlCommand("SELECT * FROM information_schema.ENABLED_ROLES", connection);
                using var reader = roles.ExecuteReader();
                while (reader.Read())
                {
                    if (reader.IsDBNull(0))
                    {
                        continue; // MariaDB answers one NULL row when no role is enabled.
                    }

                    string role = reader.GetString(0);
                    grantees.Add(Quote(role));
                    grantees.Add(reader.FieldCount > 1 && !reader.IsDBNull(1) ? Quote(role) + "@" + Quote(reader.GetString(1)) : Quote(role) + "@'%'");
                }
            }
            catch (MySqlException)
            {
                // No ENABLED_ROLES on this server (TiDB, older MySQL): the user's own grants are what counts.
            }

            return grantees;
        }

        private static string Quote(string name) => "'" + name.Replace("'", "''") + "'";
    }
}
