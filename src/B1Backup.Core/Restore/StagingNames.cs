using System;
using System.Collections.Generic;
using B1Backup.Core.Connection;
using B1Backup.Core.Engine;
using MySqlConnector;

namespace B1Backup.Core.Restore
{
    /// <summary>The databases a staged restore works in: their names, recognisable as belonging to their target, and their marker.</summary>
    public static class StagingNames
    {
        public const string Marker = "__b1";

        /// <summary>A table only a restore creates, in its staging copy while it loads: only a database holding it is ever dropped as abandoned.</summary>
        public const string MarkerTable = "__b1backup_staging__";

        private const int IdLength = 6;

        /// <summary>&lt;target&gt;__b1new_: the prefix every staging copy of the target starts with, the target cut so a whole name fits MySQL's 64 characters.</summary>
        public static string Prefix(string target, string role)
        {
            string marker = Marker + role + "_";
            int room = 64 - marker.Length - IdLength;
            return (target.Length > room ? target.Substring(0, room) : target) + marker;
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
        public static string For(string target, string role) => Prefix(target, role) + Guid.NewGuid().ToString("N").Substring(0, IdLength);

        internal static void Create(ConnectionSettings settings, string staging, RestorePlan plan)
        {
            using var connection = DatabaseConnector.Open(settings.WithDatabase(null));
            try
            {
                SnapshotSession.Execute(connection, "CREATE DATABASE " + Sql.Identifier(staging) + DatabaseStatements.CharsetClause(plan.CharacterSet, plan.Collation));
            }
            catch (MySqlException e) when (e.Number == 1044 || e.Number == 1227)
            {
                throw new B1BackupException("StagingNotAllowed", FailureKind.PermissionDenied,
                    $"A safe restore loads a staging database ({Sql.Identifier(staging)}) first, and this user may not create it: {settings.Scrub(e.Message)} " +
                    "Grant CREATE and DROP on databases named <target>__b1%, or pass -InPlace to load the target directly (a failure then leaves it partly restored). Nothing was changed.", e)
                { Target = staging };
            }

            CreateMarker(settings, staging);
        }

        /// <summary>
        /// A restore killed while loading leaves its staging copy (&lt;target&gt;__b1new_*, still holding the
        /// marker table): it never holds the only copy of anything, so the next restore of the same target
        /// removes it. The restore lock is held, so no other restore is loading it. A database that only
        /// looks like one (no marker) is left alone.
        /// </summary>
        internal static void DropAbandoned(ConnectionSettings settings, string target, Action<string> log)
        {
            using var connection = DatabaseConnector.Open(settings.WithDatabase(null));
            var abandoned = new List<string>();
            using (var command = new MySqlCommand("SELECT TABLE_SCHEMA FROM information_schema.TABLES WHERE TABLE_SCHEMA LIKE @pattern AND TABLE_NAME = @marker", connection))
            {
                string prefix = Prefix(target, "new");
                command.Parameters.AddWithValue("@pattern", prefix.Replace("\\", "\\\\").Replace("_", "\\_").Replace("%", "\\%") + "%");
                command.Parameters.AddWithValue("@marker", MarkerTable);
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    abandoned.Add(reader.GetString(0));
                }
            }

            foreach (string name in abandoned)
            {
                log($"Dropping {Sql.Identifier(name)}, the staging copy of an earlier restore of {Sql.Identifier(target)} that did not finish.");
                SnapshotSession.Execute(connection, "DROP DATABASE " + Sql.Identifier(name));
            }
        }
    }
}
