using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using B1Backup.Core.Engine;
using MySqlConnector;

namespace B1Backup.Core.Restore
{
    /// <summary>Creates and drops views, routines, triggers and events of a catalog on a connection to their database.</summary>
    internal static class ObjectInstaller
    {
        /// <summary>Everything but tables and sequences, in the order they can be created.</summary>
        public static IEnumerable<SchemaObject> NonTableObjects(DatabaseCatalog catalog) =>
            catalog.Routines.Concat(catalog.Views).Concat(catalog.Triggers).Concat(catalog.Events);

        public static void Create(MySqlConnection connection, SchemaObject item, Action<string> log)
        {
            if (item.SqlMode != null)
            {
                SnapshotSession.Execute(connection, "SET SESSION sql_mode = " + Sql.Literal(item.SqlMode));
            }

            if (item.TimeZone != null)
            {
                SnapshotSession.Execute(connection, "SET SESSION time_zone = " + Sql.Literal(item.TimeZone));
            }

            try
            {
                ObjectCharset.Run(connection, item.CharacterSetClient, item.CollationConnection, item.DatabaseCollation,
                    () => ExecuteKeepingDefiner(connection, item.CreateStatement, $"{item.Kind} {item.Name}", log, item.SqlMode));
            }
            finally
            {
                SnapshotSession.Execute(connection, "SET SESSION sql_mode = '" + DumpWriter.SessionSqlMode + "', SESSION time_zone = '+00:00'");
            }
        }

        public static void Drop(MySqlConnection connection, SchemaObject item) =>
            SnapshotSession.Execute(connection, "DROP " + (item.Kind == "PACKAGE BODY" ? "PACKAGE BODY" : item.Kind) + " IF EXISTS " + Sql.Identifier(item.Name));

        /// <summary>
        /// Runs a CREATE; when naming another account as DEFINER needs a privilege this user lacks
        /// (SUPER or SET USER), creates the object with the restoring user as definer and says so.
        /// </summary>
        public static void ExecuteKeepingDefiner(MySqlConnection connection, string statement, string what, Action<string> log, string? sqlMode = null, CancellationToken cancel = default)
        {
            try
            {
                SnapshotSession.Execute(connection, statement, cancel);
            }
            catch (MySqlException e) when (e.Number == 1227)
            {
                string? withoutDefiner = WithoutDefiner(statement, sqlMode);
                if (withoutDefiner == null || withoutDefiner == statement)
                {
                    throw;
                }

                log($"{what}: no privilege to keep its DEFINER; it is created with the restoring user as definer.");
                SnapshotSession.Execute(connection, withoutDefiner, cancel);
            }
        }

        /// <summary>The statement with its DEFINER clause cut out, read by the restore's own lexer; null when it cannot be read.</summary>
        internal static string? WithoutDefiner(string statement, string? sqlMode)
        {
            var guard = new StatementGuard(null, null, null, new RestoreOptions { TrustStoredCode = true });
            if (sqlMode != null)
            {
                guard.Dialect.SetSqlMode(sqlMode);
            }

            try
            {
                return guard.Judge(new ScriptStatement(statement, 1)).Sql;
            }
            catch (B1BackupException)
            {
                return null;
            }
        }
    }
}
