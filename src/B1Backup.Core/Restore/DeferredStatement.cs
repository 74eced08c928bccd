using B1Backup.Core.Engine;
using MySqlConnector;

namespace B1Backup.Core.Restore
{
    /// <summary>
    /// What runs in the target only after the swap, never in the staging copy. An event, because the
    /// scheduler could run it against data not yet verified: it is created in the sql_mode and time zone
    /// its statement was written in, enabled or disabled as the backup recorded it. TiDB's table caching,
    /// because a cached table cannot be renamed; TiDB's TTL, which would delete rows before they are verified.
    /// </summary>
    internal sealed class DeferredStatement
    {
        public DeferredStatement(JudgedStatement statement, StatementGuard guard)
        {
            IsEvent = statement.CreatesEvent;
            Name = (IsEvent ? statement.ObjectName : statement.Table) ?? string.Empty;
            Sql = statement.Sql;
            UndoSql = IsEvent ? "DROP EVENT IF EXISTS " + Engine.Sql.Identifier(Name) : "ALTER TABLE " + Engine.Sql.Identifier(Name) + " NOCACHE";
            SqlMode = guard.Dialect.SqlMode ?? string.Empty;
            TimeZone = guard.TimeZone;
            CharacterSetClient = statement.ObjectCharacterSetClient;
            CollationConnection = statement.ObjectCollationConnection;
            DatabaseCollation = statement.ObjectDatabaseCollation;
        }

        private DeferredStatement(string table, string sql, string undo)
        {
            Name = table;
            Sql = sql;
            UndoSql = undo;
            SqlMode = string.Empty;
            TimeZone = "+00:00";
        }

        /// <summary>TiDB's TTL, off while the table is loaded and verified in staging, on once it is in place.</summary>
        public static DeferredStatement TtlFor(string table) =>
            new DeferredStatement(table, "ALTER TABLE " + Engine.Sql.Identifier(table) + " TTL_ENABLE = 'ON'", "ALTER TABLE " + Engine.Sql.Identifier(table) + " TTL_ENABLE = 'OFF'");

        public bool IsEvent { get; }

        /// <summary>The event's name, or the table's.</summary>
        public string Name { get; }

        public string Sql { get; }

        private string UndoSql { get; }

        public string SqlMode { get; }

        public string TimeZone { get; }

        private string? CharacterSetClient { get; }

        private string? CollationConnection { get; }

        private string? DatabaseCollation { get; }

        public void Create(MySqlConnection connection)
        {
            if (!IsEvent)
            {
                SnapshotSession.Execute(connection, Sql);
                return;
            }

            SnapshotSession.Execute(connection, "SET SESSION sql_mode = " + Engine.Sql.Literal(SqlMode) + ", SESSION time_zone = " + Engine.Sql.Literal(TimeZone));
            try
            {
                ObjectCharset.Run(connection, CharacterSetClient, CollationConnection, DatabaseCollation, () => SnapshotSession.Execute(connection, Sql));
            }
            finally
            {
                SnapshotSession.Execute(connection, "SET SESSION sql_mode = '" + DumpWriter.SessionSqlMode + "', SESSION time_zone = '+00:00'");
            }
        }

        /// <summary>Takes it back, when the swap is rolled back.</summary>
        public void Undo(MySqlConnection connection) => SnapshotSession.Execute(connection, UndoSql);
    }
}
