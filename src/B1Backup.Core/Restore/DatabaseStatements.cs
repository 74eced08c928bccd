using System;
using System.Globalization;
using B1Backup.Core.Connection;
using B1Backup.Core.Engine;
using MySqlConnector;

namespace B1Backup.Core.Restore
{
    /// <summary>
    /// The statements a restore or a drill runs on whole databases (exists, create, drop, the character set
    /// clause), in one place: every one names its database through Sql.Identifier.
    /// </summary>
    internal static class DatabaseStatements
    {
        /// <summary>Whether the server has this database (any user may ask; SCHEMATA lists only what the user can see).</summary>
        internal static bool Exists(MySqlConnection connection, string database)
        {
            using var command = new MySqlCommand("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = @db", connection);
            command.Parameters.AddWithValue("@db", database);
            return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture) > 0;
        }

        /// <summary>" CHARACTER SET x COLLATE y" for CREATE/ALTER DATABASE, or nothing when the backup did not record one.</summary>
        internal static string CharsetClause(string? characterSet, string? collation) =>
            characterSet == null ? string.Empty : " CHARACTER SET " + characterSet + (collation != null ? " COLLATE " + collation : string.Empty);

        /// <summary>Drops a database this run created; a failure is logged, not thrown, so it never hides the run's own outcome.</summary>
        internal static void DropQuietly(ConnectionSettings settings, string database, string role, Action<string> log)
        {
            try
            {
                using var connection = DatabaseConnector.Open(settings.WithDatabase(null));
                SnapshotSession.Execute(connection, "DROP DATABASE IF EXISTS " + Sql.Identifier(database));
                log($"Dropped the {role} database {Sql.Identifier(database)}.");
            }
            catch (Exception e) when (e is MySqlException || e is B1BackupException)
            {
                log($"Could not drop the {role} database {Sql.Identifier(database)} ({settings.Scrub(e.Message)}); drop it by hand.");
            }
        }

        /// <summary>Drops the target (the restore overwrites it) and creates it with the source's character set.</summary>
        internal static void Recreate(ConnectionSettings settings, string target, RestorePlan plan, Action<string> log)
        {
            using var connection = DatabaseConnector.Open(settings.WithDatabase(null));
            if (Exists(connection, target))
            {
                log($"Dropping the existing database {Sql.Identifier(target)}: the restore overwrites it.");
                SnapshotSession.Execute(connection, "DROP DATABASE " + Sql.Identifier(target));
            }

            SnapshotSession.Execute(connection, "CREATE DATABASE " + Sql.Identifier(target) + CharsetClause(plan.CharacterSet, plan.Collation));
        }
    }
}
