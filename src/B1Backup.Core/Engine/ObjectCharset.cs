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

        /// <summary>Runs <paramref name="create"/> under the object's character set and collation, then resets the connection.</summary>
        public static void Run(MySqlConnection connection, string? characterSetClient, string? collationConnection, Action create)
        {
            string? set = SetStatement(characterSetClient, collationConnection);
            if (set == null)
            {
                create();
                return;
            }

            SnapshotSession.Execute(connection, set);
            try
            {
                create();
            }
            finally
            {
                SnapshotSession.Execute(connection, Reset);
            }
        }

        /// <summary>Collation names are letters, digits and underscores; anything else is not one a server reported.</summary>
        private static bool IsName(string? name)
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
