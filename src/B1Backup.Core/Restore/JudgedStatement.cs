using System;

namespace B1Backup.Core.Restore
{
    /// <summary>
    /// A statement the guard has read and allowed: what to do with it and the exact text to send
    /// (definers and the backup's own database qualifier taken out). Only judged statements run.
    /// </summary>
    public sealed class JudgedStatement
    {
        private string? sql;

        internal JudgedStatement(StatementAction action, string sql, long line, string kind)
            : this(action, sql.AsMemory(), line, kind)
        {
            this.sql = sql;
        }

        /// <summary>A data INSERT judged in the buffer its reader lends: valid until the reader reads on.</summary>
        internal JudgedStatement(StatementAction action, ReadOnlyMemory<char> sql, long line, string kind)
        {
            Action = action;
            SqlChars = sql;
            Line = line;
            Kind = kind;
        }

        public StatementAction Action { get; }

        /// <summary>The one statement to send: the lexer found no second one in it.</summary>
        public string Sql => sql ??= SqlChars.ToString();

        /// <summary>The same characters, without a string made of them: prepared rows are read from these.</summary>
        internal ReadOnlyMemory<char> SqlChars { get; }

        public long Line { get; }

        /// <summary>What the statement is, for messages: "CREATE TABLE", "INSERT", "SET".</summary>
        public string Kind { get; }

        /// <summary>The table a CREATE TABLE makes.</summary>
        public string? Table { get; internal set; }

        /// <summary>The table an INSERT or REPLACE writes to, and how many rows it holds.</summary>
        public string? InsertTable { get; internal set; }

        public long Rows { get; internal set; }

        /// <summary>Of a data INSERT: where its rows start, after "VALUES " (0: not known).</summary>
        public int ValuesStart { get; internal set; }

        /// <summary>A data part's SET of a large value's piece: the variable, and the piece's bytes (-1: set to NULL).</summary>
        public string? Variable { get; internal set; }

        public long PieceBytes { get; internal set; }

        /// <summary>The database a USE or CREATE DATABASE names.</summary>
        public string? Database { get; internal set; }

        /// <summary>The character set and collation a CREATE DATABASE names.</summary>
        public string? CharacterSet { get; internal set; }

        public string? Collation { get; internal set; }

        /// <summary>The view, routine, trigger or event a CREATE makes.</summary>
        public string? ObjectName { get; internal set; }

        /// <summary>For a view, routine, trigger or event: the character_set_client the script set for it (run only when UTF-8).</summary>
        public string? ObjectCharacterSetClient { get; internal set; }

        /// <summary>For a view, routine, trigger or event: the collation_connection the script set for it.</summary>
        public string? ObjectCollationConnection { get; internal set; }

        /// <summary>For a routine, trigger or event: the database collation the script gave it (mysqldump's ALTER DATABASE around it).</summary>
        public string? ObjectDatabaseCollation { get; internal set; }

        /// <summary>A CREATE EVENT: it must not run before the restore has finished.</summary>
        public bool CreatesEvent { get; internal set; }

        /// <summary>TiDB's ALTER TABLE ... CACHE: a cached table cannot be renamed, so it is cached after the swap.</summary>
        public bool CachesTable { get; internal set; }

        /// <summary>A TiDB table with TTL, created with TTL off: the loader turns it on after the swap.</summary>
        public bool EnablesTtlAfterSwap { get; internal set; }

        /// <summary>Runs in the target once the restored tables are in place, never in the staging copy.</summary>
        public bool RunsAfterSwap => CreatesEvent || CachesTable;
    }
}
