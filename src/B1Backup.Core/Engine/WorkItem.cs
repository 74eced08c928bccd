using System;
using B1Backup.Core.Store;

namespace B1Backup.Core.Engine
{
    /// <summary>One piece of a dump: text made from the catalog, or a range of a table's rows.</summary>
    internal sealed class WorkItem
    {
        private WorkItem(string kind, string? table, Action<DumpWriter>? writeText, DataChunk? chunk)
        {
            Kind = kind;
            Table = table;
            WriteText = writeText;
            Chunk = chunk;
        }

        public string Kind { get; }

        public string? Table { get; }

        public Action<DumpWriter>? WriteText { get; }

        public DataChunk? Chunk { get; }

        public static WorkItem Text(string kind, string? table, Action<DumpWriter> write) => new WorkItem(kind, table, write, null);

        public static WorkItem Data(DataChunk chunk) => new WorkItem(MemberKind.Data, chunk.Table.Name, null, chunk);
    }
}
