namespace B1Backup.Core.Restore
{
    /// <summary>A restored table's rows, beside what the backup recorded for it (null: no record, as in a plain script).</summary>
    public sealed class TableRows
    {
        public TableRows(string table, long actual, long? recorded)
        {
            Table = table;
            Actual = actual;
            Recorded = recorded;
        }

        public string Table { get; }

        public long Actual { get; }

        public long? Recorded { get; }

        public bool Matches => Recorded == null || Recorded == Actual;
    }
}
