using B1Backup.Core.Engine;
using MySqlConnector;

namespace B1Backup.Core.Restore
{
    /// <summary>
    /// What runs in the target only after the swap, never in the staging copy. An event, because the
    /// scheduler could run it against data not yet verified: it is created in the sql_mode and time zone
    /// its statement was written in, enabled or disabled as the backup recorded it. TiDB's table caching,
    /// because a cached table cannot be renamed.
    /// </summary>
    internal sealed class DeferredStatement
    {
        public DeferredStatement(JudgedStatement statement, StatementGuard guard)
        {
            Statement = statement;
            SqlMode = guard.Dialect.SqlMode ?? string.Empty;
            TimeZone = guard.TimeZone;
        }

        public JudgedStatement Statement { get; }

        public bool IsEvent => Statement.CreatesEvent;

        /// <summary>The event's name, or the cached table's.</summary>
        public string Name => (IsEvent ? Statement.ObjectName : Statement.Table) ?? string.Empty;

        public string SqlMode { get; }

        public string TimeZone { get; }

        public void Create(MySqlConnection connection)
        {
            if (!IsEvent)
            {
                SnapshotSession.Execute(connection, Statement.Sql);
                return;
            }

            SnapshotSession.Execute(connection, "SET SESSION sql_mode = " + Sql.Literal(SqlMode) + ", SESSION time_zone = " + Sql.Literal(TimeZone));
            try
            {
                SnapshotSession.Execute(connection, Statement.Sql);
            }
            finally
            {
                SnapshotSession.Execute(connection, "SET SESSION sql_mode = '" + DumpWriter.SessionSqlMode + "', SESSION time_zone = '+00:00'");
            }
        }

        /// <summary>Takes it back, when the swap is rolled back.</summary>
        public void Undo(MySqlConnection connection) => SnapshotSession.Execute(connection, IsEvent
            ? "DROP EVENT IF EXISTS " + Sql.Identifier(Name)
            : "ALTER TABLE " + Sql.Identifier(Name) + " NOCACHE");
    }
}
