using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using B1Backup.Core.Engine;
using MySqlConnector;
using Xunit;

namespace B1Backup.Core.Tests
{
    /// <summary>
    /// The round-trip check of docs/ROUNDTRIP.md: every table's CHECKSUM TABLE ... EXTENDED, every
    /// object's SHOW CREATE (database name aside), AUTO_INCREMENT counters and row counts match.
    /// </summary>
    internal static class DatabaseComparer
    {
        public static void AssertSame(string source, string restored)
        {
            using var connection = TestServer.Open();
            var sourceObjects = Objects(connection, source);
            var restoredObjects = Objects(connection, restored);
            Assert.Equal(sourceObjects.Select(o => o.Kind + " " + o.Name), restoredObjects.Select(o => o.Kind + " " + o.Name));
            foreach (var (kind, name) in sourceObjects)
            {
                string expected = ShowCreate(connection, source, kind, name).Replace(Sql.Identifier(source), "`DB`");
                string actual = ShowCreate(connection, restored, kind, name).Replace(Sql.Identifier(restored), "`DB`");
                Assert.True(expected == actual, $"SHOW CREATE {kind} {name} differs.\nsource:   {expected}\nrestored: {actual}");
                if (kind == "TABLE")
                {
                    Assert.True(
                        Checksum(connection, source, name) == Checksum(connection, restored, name),
                        $"CHECKSUM TABLE {name} EXTENDED differs");
                    Assert.Equal(Count(connection, source, name), Count(connection, restored, name));
                    Assert.Equal(AutoIncrement(connection, source, name), AutoIncrement(connection, restored, name));
                }

                if (kind == "SEQUENCE")
                {
                    Assert.Equal(
                        Scalar(connection, $"SELECT next_not_cached_value FROM {Sql.Identifier(source)}.{Sql.Identifier(name)}"),
                        Scalar(connection, $"SELECT next_not_cached_value FROM {Sql.Identifier(restored)}.{Sql.Identifier(name)}"));
                }
            }
        }

        public static List<(string Kind, string Name)> Objects(MySqlConnection connection, string database)
        {
            var list = new List<(string, string)>();
            void Add(string sql, Func<MySqlDataReader, (string, string)> map)
            {
                using var command = new MySqlCommand(sql, connection);
                command.Parameters.AddWithValue("@db", database);
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    list.Add(map(reader));
                }
            }

            Add("SELECT TABLE_TYPE, TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = @db", r => (r.GetString(0) switch { "VIEW" => "VIEW", "SEQUENCE" => "SEQUENCE", _ => "TABLE" }, r.GetString(1)));
            Add("SELECT ROUTINE_TYPE, ROUTINE_NAME FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = @db", r => (r.GetString(0), r.GetString(1)));
            Add("SELECT 'TRIGGER', TRIGGER_NAME FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = @db", r => (r.GetString(0), r.GetString(1)));
            Add("SELECT 'EVENT', EVENT_NAME FROM information_schema.EVENTS WHERE EVENT_SCHEMA = @db", r => (r.GetString(0), r.GetString(1)));
            return list.OrderBy(o => o.Item1, StringComparer.Ordinal).ThenBy(o => o.Item2, StringComparer.Ordinal).ToList();
        }

        public static string ShowCreate(MySqlConnection connection, string database, string kind, string name)
        {
            connection.ChangeDatabase(database);
            using var command = new MySqlCommand($"SHOW CREATE {kind} {Sql.Identifier(name)}", connection);
            using var reader = command.ExecuteReader();
            Assert.True(reader.Read());
            int column = kind switch { "TABLE" or "VIEW" or "SEQUENCE" => 1, "EVENT" => 3, _ => 2 };
            return reader.GetString(column);
        }

        public static string Checksum(MySqlConnection connection, string database, string table)
        {
            using var command = new MySqlCommand($"CHECKSUM TABLE {Sql.Identifier(database)}.{Sql.Identifier(table)} EXTENDED", connection);
            using var reader = command.ExecuteReader();
            Assert.True(reader.Read());
            return reader.IsDBNull(1) ? "NULL" : Convert.ToString(reader.GetValue(1), CultureInfo.InvariantCulture)!;
        }

        public static long Count(MySqlConnection connection, string database, string table) =>
            Convert.ToInt64(Scalar(connection, $"SELECT COUNT(*) FROM {Sql.Identifier(database)}.{Sql.Identifier(table)}"), CultureInfo.InvariantCulture);

        private static object? AutoIncrement(MySqlConnection connection, string database, string table) =>
            Scalar(connection, $"SELECT AUTO_INCREMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA = {Sql.Literal(database)} AND TABLE_NAME = {Sql.Literal(table)}");

        private static object? Scalar(MySqlConnection connection, string sql)
        {
            using var command = new MySqlCommand(sql, connection);
            return command.ExecuteScalar();
        }
    }
}
