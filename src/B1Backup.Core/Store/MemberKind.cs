namespace B1Backup.Core.Store
{
    /// <summary>The kinds of member a backup file holds, in file order, as its manifest names them.</summary>
    public static class MemberKind
    {
        /// <summary>The session settings and the sequences.</summary>
        public const string Header = "Header";

        /// <summary>One table's CREATE.</summary>
        public const string Schema = "Schema";

        /// <summary>Rows of one table: a key range, or a cut of it.</summary>
        public const string Data = "Data";

        /// <summary>Views, routines, triggers and events, and TiDB's table caching.</summary>
        public const string Objects = "Objects";

        /// <summary>The end marker, with the counts of tables and rows.</summary>
        public const string Footer = "Footer";
    }
}
