using System.Collections.Generic;

namespace B1Backup.Core.Engine
{
    /// <summary>How a column's values are read and written so that they come back exactly.</summary>
    public enum ValueKind
    {
        Integer,
        Decimal,
        Float,
        Double,
        Bit,
        Year,
        Temporal,
        Text,
        Binary,
        Other,
    }

    public sealed class ColumnInfo
    {
        public ColumnInfo(string name, string dataType, string columnType, bool isGenerated, bool isInvisible, string? generation = null)
        {
            IsPeriodColumn = isGenerated && (string.Equals(generation, "ROW START", System.StringComparison.OrdinalIgnoreCase) || string.Equals(generation, "ROW END", System.StringComparison.OrdinalIgnoreCase));
            Name = name;
            DataType = dataType;
            ColumnType = columnType;
            IsGenerated = isGenerated;
            IsInvisible = isInvisible;
            Kind = KindOf(dataType);
            IsUnsigned = columnType.IndexOf("unsigned", System.StringComparison.OrdinalIgnoreCase) >= 0;
        }

        /// <summary>For integers: read as UInt64, not Int64.</summary>
        public bool IsUnsigned { get; }

        public string Name { get; }

        public string DataType { get; }

        public string ColumnType { get; }

        /// <summary>A system-versioned table's GENERATED ALWAYS AS ROW START/END column.</summary>
        public bool IsPeriodColumn { get; }

        /// <summary>VIRTUAL or STORED generated: never selected for the dump, never inserted (row start/end only with the history).</summary>
        public bool IsGenerated { get; }

        public bool IsInvisible { get; }

        public ValueKind Kind { get; }

        public static ValueKind KindOf(string dataType)
        {
            switch (dataType.ToLowerInvariant())
            {
                case "tinyint":
                case "smallint":
                case "mediumint":
                case "int":
                case "integer":
                case "bigint":
                    return ValueKind.Integer;
                case "decimal":
                case "numeric":
                    return ValueKind.Decimal;
                case "float":
                    return ValueKind.Float;
                case "double":
                case "real":
                case "double precision":
                    return ValueKind.Double;
                case "bit":
                    return ValueKind.Bit;
                case "year":
                    return ValueKind.Year;
                case "date":
                case "datetime":
                case "timestamp":
                case "time":
                    return ValueKind.Temporal;
                case "char":
                case "varchar":
                case "tinytext":
                case "text":
                case "mediumtext":
                case "longtext":
                case "enum":
                case "set":
                case "json":
                    return ValueKind.Text;
                case "binary":
                case "varbinary":
                case "tinyblob":
                case "blob":
                case "mediumblob":
                case "longblob":
                case "geometry":
                case "point":
                case "linestring":
                case "polygon":
                case "multipoint":
                case "multilinestring":
                case "multipolygon":
                case "geometrycollection":
                case "geomcollection":
                    return ValueKind.Binary;
                default:
                    return ValueKind.Other;
            }
        }
    }

    public sealed class TableInfo
    {
        public TableInfo(string name, string createStatement, IReadOnlyList<ColumnInfo> columns)
        {
            Name = name;
            CreateStatement = createStatement;
            Columns = columns;
        }

        public string Name { get; }

        public string CreateStatement { get; }

        public IReadOnlyList<ColumnInfo> Columns { get; }

        /// <summary>
        /// A system-versioned table whose history is backed up: its row start and end columns (hidden ones are
        /// named row_start and row_end), read FOR SYSTEM_TIME ALL and written back under system_versioning_insert_history.
        /// Empty for every other table.
        /// </summary>
        public IReadOnlyList<ColumnInfo> HistoryColumns { get; set; } = System.Array.Empty<ColumnInfo>();

        public bool IncludesHistory => HistoryColumns.Count > 0;

        /// <summary>A TiDB cached table: its CREATE TABLE shows this only as a comment, so the backup says it again.</summary>
        public bool IsCached { get; set; }
    }

    /// <summary>A view, sequence, routine, trigger or event: its CREATE statement and the session it was made in.</summary>
    public sealed class SchemaObject
    {
        public SchemaObject(string kind, string name, string createStatement, string? sqlMode = null, string? characterSetClient = null, string? collationConnection = null)
        {
            Kind = kind;
            Name = name;
            CreateStatement = createStatement;
            SqlMode = sqlMode;
            CharacterSetClient = characterSetClient;
            CollationConnection = collationConnection;
        }

        /// <summary>VIEW, SEQUENCE, PROCEDURE, FUNCTION, PACKAGE, PACKAGE BODY, TRIGGER or EVENT.</summary>
        public string Kind { get; }

        public string Name { get; }

        public string CreateStatement { get; }

        public string? SqlMode { get; }

        public string? CharacterSetClient { get; }

        public string? CollationConnection { get; }

        /// <summary>For events: the session time zone their schedule was written in.</summary>
        public string? TimeZone { get; set; }

        /// <summary>A routine's, trigger's or event's "Database Collation": the database default it was created under.</summary>
        public string? DatabaseCollation { get; set; }

        /// <summary>For sequences: the value NEXTVAL returns next.</summary>
        public string? NextValue { get; set; }
    }

    /// <summary>Everything in one database, in the order a restore must create it.</summary>
    public sealed class DatabaseCatalog
    {
        public string Name { get; set; } = string.Empty;

        public string CharacterSet { get; set; } = "utf8mb4";

        public string Collation { get; set; } = string.Empty;

        public List<SchemaObject> Sequences { get; } = new List<SchemaObject>();

        /// <summary>MariaDB system-versioned tables: their history rows are not in a backup, only their current rows.</summary>
        /// <summary>System-versioned tables whose history this server cannot give back (before MariaDB 10.11): current rows only.</summary>
        public List<string> VersionedTables { get; } = new List<string>();

        public List<TableInfo> Tables { get; } = new List<TableInfo>();

        public List<SchemaObject> Routines { get; } = new List<SchemaObject>();

        /// <summary>Views ordered so that every view comes after the views it reads.</summary>
        public List<SchemaObject> Views { get; } = new List<SchemaObject>();

        public List<SchemaObject> Triggers { get; } = new List<SchemaObject>();

        public List<SchemaObject> Events { get; } = new List<SchemaObject>();
    }
}
