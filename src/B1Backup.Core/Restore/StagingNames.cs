using System;
using B1Backup.Core.Connection;
using B1Backup.Core.Engine;

namespace B1Backup.Core.Restore
{
    /// <summary>Names of the databases a staged restore works in, recognisable as belonging to their target.</summary>
    public static class StagingNames
    {
        public const string Marker = "__b1";

        /// <summary>A table only a restore creates, in its staging copy while it loads: only a database holding it is ever dropped as abandoned.</summary>
        public const string MarkerTable = "__b1backup_staging__";

        /// <summary>&lt;target&gt;__b1new_: the prefix every staging copy of the target starts with.</summary>
        public static string Prefix(string target, string role)
        {
            string name = For(target, role);
            return name.Substring(0, name.Length - 6);
        }

        internal static void CreateMarker(ConnectionSettings settings, string staging)
        {
            using var connection = DatabaseConnector.Open(settings.WithDatabase(staging));
            SnapshotSession.Execute(connection, "CREATE TABLE " + Sql.Identifier(MarkerTable) + " (restore_started DATETIME NOT NULL) ENGINE=InnoDB");
        }

        internal static void RemoveMarker(ConnectionSettings settings, string staging)
        {
            using var connection = DatabaseConnector.Open(settings.WithDatabase(staging));
            SnapshotSession.Execute(connection, "DROP TABLE IF EXISTS " + Sql.Identifier(MarkerTable));
        }

        /// <summary>&lt;target&gt;__b1new_&lt;6 hex&gt;, within MySQL's 64-character limit.</summary>
        public static string For(string target, string role)
        {
            string suffix = Marker + role + "_" + Guid.NewGuid().ToString("N").Substring(0, 6);
            string prefix = target.Length + suffix.Length > 64 ? target.Substring(0, 64 - suffix.Length) : target;
            return prefix + suffix;
        }
    }
}
