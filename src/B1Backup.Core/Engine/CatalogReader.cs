using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using MySqlConnector;

namespace B1Backup.Core.Engine
{
    /// <summary>Reads what one database holds, on a connection whose default database is that database.</summary>
    public static class CatalogReader
    {
        private static readonly Regex GeneratedExtra = new Regex(@"\b(VIRTUAL|STORED|PERSISTENT) GENERATED\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        public static DatabaseCatalog Read(MySqlConnection connection, string database, ServerFlavor flavor)
        {
            var catalog = new DatabaseCatalog { Name = database };
            using (var reader = Query(connection, "SELECT DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = @db", database))
            {
                if (!reader.Read())
                {
                    throw new B1BackupException("DatabaseNotFound", FailureKind.NotFound,
                        $"The database '{database}' does not exist on the server, or this user cannot see it.")
                    { Target = database };
                }

                catalog.CharacterSet = reader.GetString(0);
                catalog.Collation = reader.GetString(1);
            }

            var kinds = new List<(string Name, string Type)>();
            var cached = new HashSet<string>(StringComparer.Ordinal);
            using (var reader = Query(connection, "SELECT TABLE_NAME, TABLE_TYPE, CREATE_OPTIONS FROM information_schema.TABLES WHERE TABLE_SCHEMA = @db ORDER BY TABLE_NAME", database))
            {
                while (reader.Read())
                {
                    kinds.Add((reader.GetString(0), reader.GetString(1)));
                    if (!reader.IsDBNull(2) && IsCachedTable(reader.GetString(2)))
                    {
                        cached.Add(reader.GetString(0));
                    }
                }
            }

            var columns = ReadColumns(connection, database);
            var views = new List<SchemaObject>();
            foreach (var (name, type) in kinds)
            {
                switch (type)
                {
                    case "VIEW":
                        views.Add(ShowCreate(connection, "VIEW", name, createColumn: 1, sqlModeColumn: null, charsetColumn: 2));
                        break;
                    case "SEQUENCE":
                        var sequence = ShowCreate(connection, "SEQUENCE", name, createColumn: 1, sqlModeColumn: null, charsetColumn: null);
                        sequence.NextValue = SequencePosition(connection, flavor, name);

                        catalog.Sequences.Add(sequence);
                        break;
                    default:
                        // BASE TABLE, SYSTEM VERSIONED (MariaDB) and anything else that holds rows.
                        string create = ShowCreate(connection, "TABLE", name, createColumn: 1, sqlModeColumn: null, charsetColumn: null).CreateStatement;
                        if (!columns.TryGetValue(name, out var tableColumns))
                        {
                            throw new B1BackupException("CatalogChanged", FailureKind.InvalidData,
                                $"The table '{name}' has no columns in information_schema; it may have been dropped during the backup. Run the backup again.");
                        }

                        var table = new TableInfo(name, create, tableColumns) { IsCached = cached.Contains(name) };
                        if (type == "SYSTEM VERSIONED")
                        {
                            if (flavor.InsertsVersionHistory)
                            {
                                table.HistoryColumns = HistoryColumnsOf(tableColumns);
                            }
                            else
                            {
                                catalog.VersionedTables.Add(name);
                            }
                        }

                        catalog.Tables.Add(table);
                        break;
                }
            }

            catalog.Views.AddRange(OrderByDependency(views));
            if (flavor.HasRoutinesTriggersEvents)
            {
                ReadRoutines(connection, database, catalog);
                foreach (string trigger in Names(connection, "SELECT TRIGGER_NAME FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = @db ORDER BY EVENT_OBJECT_TABLE, ACTION_TIMING, EVENT_MANIPULATION, ACTION_ORDER", database))
                {
                    catalog.Triggers.Add(ShowCreate(connection, "TRIGGER", trigger, createColumn: 2, sqlModeColumn: 1, charsetColumn: 3));
                }

                foreach (string evt in Names(connection, "SELECT EVENT_NAME FROM information_schema.EVENTS WHERE EVENT_SCHEMA = @db ORDER BY EVENT_NAME", database))
                {
                    var created = ShowCreate(connection, "EVENT", evt, createColumn: 3, sqlModeColumn: 1, charsetColumn: 4);
                    created.TimeZone = Convert.ToString(Scalar(connection, "SELECT TIME_ZONE FROM information_schema.EVENTS WHERE EVENT_SCHEMA = DATABASE() AND EVENT_NAME = " + Sql.Literal(evt)), System.Globalization.CultureInfo.InvariantCulture);
                    catalog.Events.Add(created);
                }
            }

            return catalog;
        }

        private static void ReadRoutines(MySqlConnection connection, string database, DatabaseCatalog catalog)
        {
            var routines = new List<(string Name, string Type)>();
            using (var reader = Query(connection, "SELECT ROUTINE_NAME, ROUTINE_TYPE FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = @db ORDER BY ROUTINE_TYPE, ROUTINE_NAME", database))
            {
                while (reader.Read())
                {
                    routines.Add((reader.GetString(0), reader.GetString(1)));
                }
            }

            foreach (var (name, type) in routines)
            {
                catalog.Routines.Add(ShowCreate(connection, type, name, createColumn: 2, sqlModeColumn: 1, charsetColumn: 3));
            }
        }

        private static Dictionary<string, List<ColumnInfo>> ReadColumns(MySqlConnection connection, string database)
        {
            var result = new Dictionary<string, List<ColumnInfo>>(StringComparer.Ordinal);
            using var reader = Query(connection, "SELECT TABLE_NAME, COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, EXTRA, GENERATION_EXPRESSION FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = @db ORDER BY TABLE_NAME, ORDINAL_POSITION", database);
            while (reader.Read())
            {
                string table = reader.GetString(0);
                string extra = reader.IsDBNull(4) ? string.Empty : reader.GetString(4);
                if (!result.TryGetValue(table, out var list))
                {
                    result[table] = list = new List<ColumnInfo>();
                }

                list.Add(new ColumnInfo(
                    reader.GetString(1),
                    reader.GetString(2),
                    reader.GetString(3),
                    isGenerated: GeneratedExtra.IsMatch(extra),
                    isInvisible: extra.IndexOf("INVISIBLE", StringComparison.OrdinalIgnoreCase) >= 0,
                    generation: reader.IsDBNull(5) ? null : reader.GetString(5)));
            }

            return result;
        }

        /// <summary>SHOW CREATE &lt;kind&gt;; a NULL definition means the user may not read it, which would lose the object.</summary>
        private static SchemaObject ShowCreate(MySqlConnection connection, string kind, string name, int createColumn, int? sqlModeColumn, int? charsetColumn)
        {
            string showKind = kind == "PACKAGE BODY" ? "PACKAGE BODY" : kind;
            using var command = new MySqlCommand($"SHOW CREATE {showKind} {Sql.Identifier(name)}", connection);
            using var reader = command.ExecuteReader();
            if (!reader.Read() || reader.IsDBNull(createColumn))
            {
                throw new B1BackupException("DefinitionNotReadable", FailureKind.PermissionDenied,
                    $"The definition of {kind.ToLowerInvariant()} '{name}' cannot be read by this user, so it would be missing from the backup. Grant the backup user SHOW VIEW, TRIGGER, EVENT and SELECT on mysql.proc (MariaDB) or SHOW_ROUTINE (MySQL), or run the backup as the objects' owner.")
                { Target = name };
            }

            string? Text(int? column) => column.HasValue && !reader.IsDBNull(column.Value) ? reader.GetString(column.Value) : null;
            int? databaseCollation = null;
            for (int i = 0; i < reader.FieldCount; i++)
            {
                databaseCollation = reader.GetName(i).Equals("Database Collation", StringComparison.OrdinalIgnoreCase) ? i : databaseCollation;
            }

            return new SchemaObject(kind, name, reader.GetString(createColumn), Text(sqlModeColumn), Text(charsetColumn), Text(charsetColumn + 1))
            {
                DatabaseCollation = Text(databaseCollation),
            };
        }

        /// <summary>Orders views so that each comes after the views its definition names.</summary>
        internal static IEnumerable<SchemaObject> OrderByDependency(IReadOnlyList<SchemaObject> views)
        {
            var remaining = views.ToDictionary(v => v.Name, StringComparer.Ordinal);
            var dependsOn = views.ToDictionary(
                v => v.Name,
                v => views.Where(o => o.Name != v.Name && v.CreateStatement.IndexOf(Sql.Identifier(o.Name), StringComparison.Ordinal) >= 0).Select(o => o.Name).ToList(),
                StringComparer.Ordinal);
            while (remaining.Count > 0)
            {
                var ready = remaining.Values.Where(v => dependsOn[v.Name].All(d => !remaining.ContainsKey(d))).OrderBy(v => v.Name, StringComparer.Ordinal).ToList();
                if (ready.Count == 0)
                {
                    // A name that only looks like a reference (inside a string) can form a false cycle: keep name order.
                    ready = remaining.Values.OrderBy(v => v.Name, StringComparer.Ordinal).Take(1).ToList();
                }

                foreach (var view in ready)
                {
                    remaining.Remove(view.Name);
                    yield return view;
                }
            }
        }

        private static MySqlDataReader Query(MySqlConnection connection, string sql, string database)
        {
            var command = new MySqlCommand(sql, connection);
            command.Parameters.AddWithValue("@db", database);
            return command.ExecuteReader(System.Data.CommandBehavior.Default);
        }

        private static List<string> Names(MySqlConnection connection, string sql, string database)
        {
            var names = new List<string>();
            using var reader = Query(connection, sql, database);
            while (reader.Read())
            {
                names.Add(reader.GetString(0));
            }

            return names;
        }

        /// <summary>The row start and end columns: declared ones, or the hidden row_start and row_end MariaDB adds.</summary>
        internal static IReadOnlyList<ColumnInfo> HistoryColumnsOf(IReadOnlyList<ColumnInfo> columns)
        {
            var declared = columns.Where(c => c.IsPeriodColumn).ToList();
            return declared.Count == 2 ? declared : new[]
            {
                new ColumnInfo("row_start", "timestamp", "timestamp(6)", isGenerated: false, isInvisible: true),
                new ColumnInfo("row_end", "timestamp", "timestamp(6)", isGenerated: false, isInvisible: true),
            };
        }

        /// <summary>TiDB reports a cached table (ALTER TABLE ... CACHE) as cached=on among its create options.</summary>
        internal static bool IsCachedTable(string createOptions) =>
            createOptions.Split(' ').Any(o => string.Equals(o.Trim(), "cached=on", StringComparison.OrdinalIgnoreCase));

        /// <summary>The sequence's next value as the server reports it, or null where it cannot say.</summary>
        private static string? SequencePosition(MySqlConnection connection, ServerFlavor flavor, string sequence)
        {
            string? query = flavor.SequencePositionQuery(sequence);
            if (query == null)
            {
                return null;
            }

            using var command = new MySqlCommand(query, connection);
            using var reader = command.ExecuteReader();
            int valueColumn = 0;
            int typeColumn = -1;
            for (int i = 0; i < reader.FieldCount; i++)
            {
                if (string.Equals(reader.GetName(i), "NEXT_GLOBAL_ROW_ID", StringComparison.OrdinalIgnoreCase))
                {
                    valueColumn = i;
                }
                else if (string.Equals(reader.GetName(i), "ID_TYPE", StringComparison.OrdinalIgnoreCase))
                {
                    typeColumn = i;
                }
            }

            while (reader.Read())
            {
                if (typeColumn < 0 || string.Equals(Convert.ToString(reader.GetValue(typeColumn), CultureInfo.InvariantCulture), "SEQUENCE", StringComparison.OrdinalIgnoreCase))
                {
                    string value = Convert.ToString(reader.GetValue(valueColumn), CultureInfo.InvariantCulture)!;
                    return long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _) ? value : null;
                }
            }

            return null;
        }

        private static object? Scalar(MySqlConnection connection, string sql)
        {
            using var command = new MySqlCommand(sql, connection);
            return command.ExecuteScalar();
        }
    }
}
