namespace B1Backup.Core.Engine
{
    /// <summary>One part of a table's rows: the whole table, or a range of its primary key.</summary>
    public sealed class DataChunk
    {
        public DataChunk(TableInfo table, string? where, long estimatedRows = 0)
        {
            Table = table;
            Where = where;
            EstimatedRows = estimatedRows;
        }

        /// <summary>The server's estimate of the whole table's rows (the same on each chunk of it).</summary>
        public long EstimatedRows { get; }

        public TableInfo Table { get; }

        /// <summary>The range condition, or null for every row.</summary>
        public string? Where { get; }
    }
}
