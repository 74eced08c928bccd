using System;
using System.Collections.Generic;
using MySqlConnector;

namespace B1Backup.Core.Engine
{
    /// <summary>
    /// Views, routines, triggers and events keep the character_set_client and collation_connection they were
    /// created under (the collation decides how their string literals compare). Loaders speak UTF-8, so the
    /// client character set is set only when it is a UTF-8 one (reading UTF-8 text as latin1 would garble it);
    /// the collation always. Afterwards the connection goes back to utf8mb4, whatever happened.
    /// </summary>
    public static class ObjectCharset
    {
        public const string Reset = "SET NAMES utf8mb4";

        public static bool IsUtf8(string? charset) =>
            charset != null && (charset.Equals("utf8mb4", StringComparison.OrdinalIgnoreCase) || charset.Equals("utf8mb3", StringComparison.OrdinalIgnoreCase) || charset.Equals("utf8", StringComparison.OrdinalIgnoreCase));

        /// <summary>The SET to run before creating the object, or null when there is nothing to set.</summary>
        public static string? SetStatement(string? characterSetClient, string? collationConnection)
        {
            var parts = new List<string>();
            if (IsUtf8(characterSetClient))
            {
                parts.Add("SESSION character_set_client = " + Sql.Literal(characterSetClient!.ToLowerInvariant()));
            }

            if (IsName(collationConnection))
            {
                parts.Add("SESSION collation_connection = " + Sql.Literal(collationConnection!));
            }

            return parts.Count == 0 ? null : "SET " + string.Join(", ", parts);
        }

        /// <summary>
        /// Runs <paramref name="create"/> under the object's character set and collation, and under the database
        /// default collation it was created with (a routine's parameters take that default), then puts both back.
        /// </summary>
        public static void Run(MySqlConnection connection, string? characterSetClient, string? collationConnection, string? databaseCollation, Action create)
        {
            string? set = SetStatement(characterSetClient, collationConnection);
            string? databaseNow = null;
            if (IsName(databaseCollation))
            {
                using var current = new MySqlCommand("SELECT @@collation_database", connection);
                databaseNow = Convert.ToString(current.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
                databaseNow = string.Equals(databaseNow, databaseCollation, StringComparison.OrdinalIgnoreCase) || !IsName(databaseNow) ? null : databaseNow;
            }

            if (databaseNow != null)
            {
                SnapshotSession.Execute(connection, "ALTER DATABASE COLLATE = " + databaseCollation);
            }

            try
            {
                if (set != null)
                {
                    SnapshotSession.Execute(connection, set);
                }

                create();
            }
            finally
            {
                if (set != null)
                {
                    SnapshotSession.Execute(connection, Reset);
                }

                if (databaseNow != null)
                {
                    SnapshotSession.Execute(connection, "ALTER DATABASE COLLATE = " + databaseNow);
                }
            }
        }

        /// <summary>The ALTER DATABASE a script writes around an object whose database default differed; null when it cannot be written.</summary>
        public static string? AlterDatabaseCollation(string? collation) => IsName(collation) ? "ALTER DATABASE COLLATE = " + collation : null;

        /// <summary>Collation names are letters, digits and underscores; anything else is not one a server reported.</summary>
        internal static bool IsName(string? name)
        {
            if (string.IsNullOrEmpty(name) || name!.Length > 64)
            {
                return false;
            }

            foreach (char c in name)
            {
                if (!(char.IsLetterOrDigit(c) && c < 128) && c != '_')
                {
                    return false;
                }
            }

            return true;
        }
    }
}
