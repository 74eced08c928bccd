using System.Collections.Generic;

namespace B1Backup.Core.Engine
{
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
}
