using System.Collections.Generic;

namespace B1Backup.Core.Engine
{
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
