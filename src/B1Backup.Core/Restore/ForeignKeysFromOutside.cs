using System.Collections.Generic;
using B1Backup.Core.Connection;
using B1Backup.Core.Engine;
using MySqlConnector;

namespace B1Backup.Core.Restore
{
    /// <summary>
    /// A foreign key in another database that references the target would follow the target's tables
    /// into the retired copy at the swap, and then stop the old tables from being dropped. Found
    /// before anything is loaded, and refused with the constraint's name.
    /// </summary>
    internal static class ForeignKeysFromOutside
    {
        public static void Refuse(ConnectionSettings settings, string target)
        {
            using var connection = DatabaseConnector.Open(settings.WithDatabase(null));
            using var command = new MySqlCommand(
                "SELECT CONSTRAINT_SCHEMA, TABLE_NAME, CONSTRAINT_NAME, REFERENCED_TABLE_NAME FROM information_schema.REFERENTIAL_CONSTRAINTS " +
                "WHERE UNIQUE_CONSTRAINT_SCHEMA = @db AND CONSTRAINT_SCHEMA <> @db ORDER BY 1, 2, 3", connection);
            command.Parameters.AddWithValue("@db", target);
            var found = new List<string>();
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    found.Add($"{Sql.Identifier(reader.GetString(0))}.{Sql.Identifier(reader.GetString(1))} ({reader.GetString(2)} references {reader.GetString(3)})");
                }
            }

            if (found.Count > 0)
            {
                throw new B1BackupException("ForeignKeyFromOtherDatabase", FailureKind.InvalidData,
                    $"Tables in other databases reference {Sql.Identifier(target)} by foreign key: {string.Join(", ", found)}. A restore replaces the target's tables, and these constraints would keep pointing at the old ones. Drop the constraints (or restore into another database) and run the restore again. Nothing was changed.")
                { Target = target };
            }
        }
    }
}
