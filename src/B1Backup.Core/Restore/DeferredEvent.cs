using B1Backup.Core.Engine;
using MySqlConnector;

namespace B1Backup.Core.Restore
{
    /// <summary>
    /// An event is never created in the staging copy, where the scheduler could run it against data
    /// not yet verified: it is created in the target after the swap, in the sql_mode and time zone its
    /// statement was written in, enabled or disabled as the backup recorded it.
    /// </summary>
    internal sealed class DeferredEvent
    {
        public DeferredEvent(JudgedStatement statement, StatementGuard guard)
        {
            Statement = statement;
            SqlMode = guard.Dialect.SqlMode ?? string.Empty;
            TimeZone = guard.TimeZone;
        }

        public JudgedStatement Statement { get; }

        public string Name => Statement.ObjectName ?? string.Empty;

        public string SqlMode { get; }

        public string TimeZone { get; }

        public void Create(MySqlConnection connection)
        {
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

        public void Drop(MySqlConnection connection) => SnapshotSession.Execute(connection, "DROP EVENT IF EXISTS " + Sql.Identifier(Name));
    }
}
