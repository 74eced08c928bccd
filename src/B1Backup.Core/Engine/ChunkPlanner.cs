using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using MySqlConnector;

namespace B1Backup.Core.Engine
{
    /// <summary>
    /// Splits large tables into ranges of the first primary-key column when it is an integer (on TiDB,
    /// of the hidden row id when the table has no clustered key), so several readers can share one table. Ranges are half-open and the first and last are open-ended,
    /// so every row falls in exactly one chunk whatever the key's values.
    /// </summary>
    public static class ChunkPlanner
    {
        public const long DefaultChunkBytes = 16L << 20;

        public static IReadOnlyList<DataChunk> Plan(MySqlConnection reader, string database, TableInfo table, long chunkBytes, ServerFlavor flavor)
        {
            long dataLength;
            long estimatedRows;
            string? keyColumn;
            string? primaryKeyType = null;
            using (var command = new MySqlCommand(
                "SELECT t.DATA_LENGTH, t.TABLE_ROWS, (SELECT s.COLUMN_NAME FROM information_schema.STATISTICS s WHERE s.TABLE_SCHEMA = t.TABLE_SCHEMA AND s.TABLE_NAME = t.TABLE_NAME AND s.INDEX_NAME = 'PRIMARY' AND s.SEQ_IN_INDEX = 1 LIMIT 1)" +
                (flavor.PrimaryKeyTypeColumn != null ? ", t." + flavor.PrimaryKeyTypeColumn : string.Empty) +
                " FROM information_schema.TABLES t WHERE t.TABLE_SCHEMA = @db AND t.TABLE_NAME = @table", reader))
            {
                command.Parameters.AddWithValue("@db", database);
                command.Parameters.AddWithValue("@table", table.Name);
                using var result = command.ExecuteReader();
                if (!result.Read())
                {
                    return new[] { new DataChunk(table, null) };
                }

                dataLength = result.IsDBNull(0) ? 0 : Convert.ToInt64(result.GetValue(0), CultureInfo.InvariantCulture);
                estimatedRows = result.IsDBNull(1) ? 0 : Convert.ToInt64(result.GetValue(1), CultureInfo.InvariantCulture);
                keyColumn = result.IsDBNull(2) ? null : result.GetString(2);
                if (flavor.PrimaryKeyTypeColumn != null && !result.IsDBNull(3))
                {
                    primaryKeyType = result.GetString(3);
                }
            }

            var whole = new[] { new DataChunk(table, null, estimatedRows) };
            int count = (int)Math.Min(64, dataLength / Math.Max(1, chunkBytes));
            string? splitColumn = SplitColumn(table, keyColumn, primaryKeyType, flavor);
            if (splitColumn == null || count < 2)
            {
                return whole;
            }

            string column = Sql.Identifier(splitColumn);
            long low;
            long high;
            using (var command = new MySqlCommand($"SELECT MIN({column}), MAX({column}) FROM {Sql.Identifier(table.Name)}", reader))
            using (var result = command.ExecuteReader())
            {
                if (!result.Read() || result.IsDBNull(0))
                {
                    return whole;
                }

                decimal min = Convert.ToDecimal(result.GetValue(0), CultureInfo.InvariantCulture);
                decimal max = Convert.ToDecimal(result.GetValue(1), CultureInfo.InvariantCulture);
                if (min < long.MinValue / 2 || max > long.MaxValue / 2)
                {
                    return whole;
                }

                low = (long)min;
                high = (long)max;
            }

            return Ranges(table, column, low, high, count, estimatedRows);
        }

        /// <summary>
        /// The integer column whose ranges split the table: the first primary-key column when it is a stored
        /// integer, else TiDB's hidden row id when the table has one, else none (the table is one part,
        /// still cut into bounded members as it is written).
        /// </summary>
        internal static string? SplitColumn(TableInfo table, string? firstPrimaryKeyColumn, string? primaryKeyType, ServerFlavor flavor)
        {
            var key = table.Columns.FirstOrDefault(c => c.Name == firstPrimaryKeyColumn);
            if (key != null && key.Kind == ValueKind.Integer && !key.IsGenerated)
            {
                return key.Name;
            }

            bool hasHiddenRowId = flavor.HiddenRowIdColumn != null
                && string.Equals(primaryKeyType, "NONCLUSTERED", StringComparison.OrdinalIgnoreCase)
                && !table.Columns.Any(c => string.Equals(c.Name, flavor.HiddenRowIdColumn, StringComparison.OrdinalIgnoreCase));
            return hasHiddenRowId ? flavor.HiddenRowIdColumn : null;
        }

        internal static IReadOnlyList<DataChunk> Ranges(TableInfo table, string column, long low, long high, int count, long estimatedRows = 0)
        {
            long width = Math.Max(1, ((high - low) / count) + 1);
            var chunks = new List<DataChunk>();
            for (long start = low; start <= high; start += width)
            {
                long end = start + width;
                string? lower = chunks.Count == 0 ? null : $"{column} >= {start.ToString(CultureInfo.InvariantCulture)}";
                string? upper = end > high ? null : $"{column} < {end.ToString(CultureInfo.InvariantCulture)}";
                string? where = lower != null && upper != null ? lower + " AND " + upper : lower ?? upper;
                chunks.Add(new DataChunk(table, where, estimatedRows));
                if (end > high)
                {
                    break;
                }
            }

            return chunks;
        }
    }
}
