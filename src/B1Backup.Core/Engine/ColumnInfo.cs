namespace B1Backup.Core.Engine
{
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

        /// <summary>DATE, DATETIME or TIMESTAMP: a value the dump may write as a number (see <see cref="SqlBuffer.TryAppendDateAsNumber"/>); TIME may not.</summary>
        public bool HoldsCalendarDate =>
            string.Equals(DataType, "date", System.StringComparison.OrdinalIgnoreCase)
            || string.Equals(DataType, "datetime", System.StringComparison.OrdinalIgnoreCase)
            || string.Equals(DataType, "timestamp", System.StringComparison.OrdinalIgnoreCase);

        /// <summary>For integers: read as UInt64, not Int64.</summary>
        public bool IsUnsigned { get; }

        /// <summary>
        /// Every value fits an Int32 (INT and smaller, MEDIUMINT UNSIGNED and smaller, YEAR): read by the driver's
        /// GetInt32, which parses in place, where its GetInt64 boxes each value first.
        /// </summary>
        public bool FitsInt32 =>
            Kind == ValueKind.Year
            || (Kind == ValueKind.Integer && DataType.ToLowerInvariant() switch
            {
                "tinyint" or "smallint" or "mediumint" => true,
                "int" or "integer" => !IsUnsigned,
                _ => false,
            });

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
}
