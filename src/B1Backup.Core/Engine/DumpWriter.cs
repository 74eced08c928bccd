using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using MySqlConnector;

namespace B1Backup.Core.Engine
{
    /// <summary>
    /// Writes the SQL script of a backup: a plain script that the mariadb/mysql client restores too.
    /// Each value is written in a form that reads back exactly (see <see cref="AppendValue"/>).
    /// </summary>
    public sealed class DumpWriter
    {
        /// <summary>The last line of every complete B1Backup dump; a restore refuses a script without it.</summary>
        public const string EndMarkerPrefix = "-- B1Backup end of dump";

        /// <summary>
        /// The session every B1Backup script runs in; restores reset to it after each object. ALLOW_INVALID_DATES:
        /// a day no calendar has ('2023-02-30', kept by an application that runs in that mode) would otherwise
        /// load as 0000-00-00 with nothing but a warning.
        /// </summary>
        public const string SessionSqlMode = "NO_AUTO_VALUE_ON_ZERO,ALLOW_INVALID_DATES";

        /// <summary>Extended INSERTs stop growing here, far below the 16 MB max_allowed_packet default (TiDB: 64 MB).</summary>
        internal const int StatementTarget = 1 << 20;

        /// <summary>A literal larger than this is sent in pieces through a user variable, so a 9 MB blob (18 MB as hex) still fits the packet.</summary>
        internal const int LargeValueThreshold = 1 << 20;

        private const int LargeValuePiece = 512 * 1024;

        private readonly TextWriter output;
        private readonly SqlBuffer row = new SqlBuffer();

        public DumpWriter(TextWriter output)
        {
            this.output = output;
        }

        /// <summary>The database's default collation; a routine, trigger or event made under another is written inside an ALTER DATABASE to it and back.</summary>
        public string? DatabaseCollation { get; set; }

        /// <summary>
        /// A name inside a '-- ' comment line: a newline in it would end the comment and make the rest of
        /// the name SQL (for Restore-B1Database and for gunzip | mariadb alike), so control characters
        /// are shown as '?'. The statements themselves carry the exact name, quoted.
        /// </summary>
        internal static string CommentName(string name)
        {
            var builder = new StringBuilder(name.Length);
            foreach (char c in name)
            {
                builder.Append(c < ' ' || c == '\x7f' || c == '\u2028' || c == '\u2029' ? '?' : c);
            }

            return Sql.Identifier(builder.ToString());
        }

        public void WriteHeader(string database, string server, ServerFlavor flavor, string toolVersion, DateTimeOffset startedUtc, string snapshot)
        {
            output.Write("-- B1Backup " + toolVersion + " dump of database " + CommentName(database) + "\n");
            output.Write("-- Server: " + server + " (" + flavor.Kind + " " + flavor.VersionString + ")\n");
            output.Write("-- Started: " + startedUtc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) + "; consistency: " + snapshot + "\n");
            output.Write("-- Restore with Restore-B1Database, or: gunzip -c <file> | mariadb <database>\n\n");
            output.Write("/*!40101 SET NAMES utf8mb4 */;\n");
            output.Write("SET SESSION time_zone = '+00:00';\n");
            output.Write("SET SESSION sql_mode = '" + SessionSqlMode + "';\n");
            if (flavor.Kind == Connection.ServerKind.MariaDb)
            {
                // MariaDB only (MySQL and TiDB skip /*M! comments): tables keep table options their engine does not know.
                output.Write("/*M!100000 " + ServerFlavor.MariaDbRestoreSqlMode + " */;\n");
            }

            output.Write("SET SESSION foreign_key_checks = 0;\n");
            output.Write("SET SESSION unique_checks = 0;\n\n");
        }

        public void WriteSequence(SchemaObject sequence, ServerFlavor flavor)
        {
            output.Write("--\n-- Sequence " + CommentName(sequence.Name) + "\n--\n");
            output.Write("DROP SEQUENCE IF EXISTS " + Sql.Identifier(sequence.Name) + ";\n");
            output.Write(sequence.CreateStatement + ";\n");
            if (sequence.NextValue != null)
            {
                output.Write(flavor.SequencePositionStatement(sequence.Name, sequence.NextValue) + ";\n");
            }

            output.Write("\n");
        }

        public void WriteTableSchema(TableInfo table)
        {
            output.Write("--\n-- Table " + CommentName(table.Name) + "\n--\n");
            output.Write("DROP TABLE IF EXISTS " + Sql.Identifier(table.Name) + ";\n");
            output.Write(table.CreateStatement + ";\n\n");
        }

        /// <summary>The SELECT that reads a table's stored columns in forms <see cref="AppendValue"/> can write exactly.</summary>
        public static string SelectFor(TableInfo table, string? where = null)
        {
            var expressions = StoredColumns(table).Select(c => c.Kind switch
            {
                // The text protocol rounds FLOAT to 6 digits; as a DOUBLE it arrives exact (x*1E0 keeps -0).
                ValueKind.Float => "(" + Sql.Identifier(c.Name) + " * 1E0)",
                // Text forms avoid the driver's date conversions (zero dates, TIME beyond 24 h, 6 fraction digits);
                // a date's text as binary arrives as its ASCII bytes, copied out with no string made per value.
                ValueKind.Temporal => "CAST(" + Sql.Identifier(c.Name) + " AS BINARY)",
                ValueKind.Other => "CAST(" + Sql.Identifier(c.Name) + " AS CHAR)",
                _ => Sql.Identifier(c.Name),
            });

            // An ENUM's index too: index 0 is the error value, which reads as '' like a real '' member would.
            var enumIndexes = StoredColumns(table).Where(IsEnum).Select(c => "(" + Sql.Identifier(c.Name) + " + 0)");
            string history = table.IncludesHistory ? " FOR SYSTEM_TIME ALL" : string.Empty;
            return "SELECT " + string.Join(", ", expressions.Concat(enumIndexes)) + " FROM " + Sql.Identifier(table.Name) + history + (where != null ? " WHERE " + where : string.Empty);
        }

        private static bool IsEnum(ColumnInfo column) => string.Equals(column.DataType, "enum", StringComparison.OrdinalIgnoreCase);

        /// <summary>Columns that hold data of their own: generated columns are computed by the server.</summary>
        public static IReadOnlyList<ColumnInfo> StoredColumns(TableInfo table) =>
            table.Columns.Where(c => !c.IsGenerated).Concat(table.HistoryColumns).ToList();

        /// <summary>Streams one table's rows (or the chunk <paramref name="where"/> selects) as extended INSERTs; returns the number of rows.</summary>
        /// <param name="betweenStatements">Called with the rows written so far wherever the script may be cut into
        /// separate parts: after a complete statement, with no user variable pending.</param>
        public long WriteTableData(MySqlConnection connection, TableInfo table, Action<long>? rowsWritten = null, string? where = null, Action<long>? betweenStatements = null)
        {
            var columns = StoredColumns(table);
            if (columns.Count == 0)
            {
                return 0;
            }

            string insertPrefix = "INSERT INTO " + Sql.Identifier(table.Name) + " (" + string.Join(",", columns.Select(c => Sql.Identifier(c.Name))) + ") VALUES ";
            if (table.IncludesHistory)
            {
                // Before every INSERT, because any statement boundary may start a part that loads on another connection.
                insertPrefix = Restore.StatementGuard.InsertHistory + ";\n" + insertPrefix;
            }

            var kinds = columns.Select(c => c.Kind).ToArray();
            var unsigned = columns.Select(c => c.IsUnsigned).ToArray();
            var calendarDates = columns.Select(c => c.HoldsCalendarDate).ToArray();
            var int32s = columns.Select(c => c.FitsInt32).ToArray();
            // Where each ENUM column's index is in the result (after the columns, as SelectFor adds them); -1 for others.
            var enumIndex = new int[columns.Count];
            int extra = columns.Count;
            for (int i = 0; i < columns.Count; i++)
            {
                enumIndex[i] = IsEnum(columns[i]) ? extra++ : -1;
            }

            long rows = 0;
            int statementLength = 0;
            using var command = new MySqlCommand(SelectFor(table, where), connection);
            using var reader = ServerRead.Run(() => command.ExecuteReader());
            // One delegate for every row: a method group converts to a new one at each use (275 MB of them on 3.8 million rows).
            Func<bool> readRow = reader.Read;
            while (ServerRead.Run(readRow))
            {
                int variables = 0;
                row.Clear();
                row.Append('(');
                for (int i = 0; i < kinds.Length; i++)
                {
                    if (i > 0)
                    {
                        row.Append(',');
                    }

                    int start = row.Length;
                    if (enumIndex[i] >= 0 && !reader.IsDBNull(i) && reader.GetInt64(enumIndex[i]) == 0)
                    {
                        // The ENUM error value: inserted as index 0, it comes back as the error value, not as a '' member.
                        row.Append('0');
                        continue;
                    }

                    AppendValue(row, reader, i, kinds[i], unsigned[i], calendarDates[i], int32s[i]);
                    if (row.Length - start > LargeValueThreshold)
                    {
                        // Too big for one statement: build it server-side in a variable, piece by piece.
                        string literal = row.ToString(start, row.Length - start);
                        row.Truncate(start);
                        string variable = "@b1_value" + variables++;
                        EndStatement(ref statementLength);
                        WriteInPieces(variable, literal);
                        row.Append(variable);
                    }
                }

                row.Append(')');
                if (variables > 0)
                {
                    EndStatement(ref statementLength);
                    output.Write(insertPrefix);
                    row.WriteTo(output);
                    output.Write(";\n");
                    for (int v = 0; v < variables; v++)
                    {
                        output.Write("SET @b1_value" + v + " = NULL;\n");
                    }

                }
                else
                {
                    if (statementLength > 0 && statementLength + row.Length > StatementTarget)
                    {
                        EndStatement(ref statementLength);
                        betweenStatements?.Invoke(rows);
                    }

                    if (statementLength == 0)
                    {
                        output.Write(insertPrefix);
                        statementLength = insertPrefix.Length;
                    }
                    else
                    {
                        output.Write(',');
                        statementLength++;
                    }

                    row.WriteTo(output);
                    statementLength += row.Length;
                }

                rows++;
                if ((rows & 0x3FF) == 0)
                {
                    rowsWritten?.Invoke(rows);
                }

                if (variables > 0)
                {
                    betweenStatements?.Invoke(rows);
                }
            }

            EndStatement(ref statementLength);
            rowsWritten?.Invoke(rows);
            return rows;
        }

        /// <summary>TiDB's table cache, set again after the data (a restore defers it until the table is in place).</summary>
        public void WriteTableCaching(TableInfo table) =>
            output.Write("ALTER TABLE " + Sql.Identifier(table.Name) + " CACHE;\n");

        public void WriteRoutine(SchemaObject routine) =>
            WriteCompound(routine, "DROP " + routine.Kind + " IF EXISTS " + Sql.Identifier(routine.Name));

        public void WriteView(SchemaObject view)
        {
            output.Write("--\n-- View " + CommentName(view.Name) + "\n--\n");
            output.Write("DROP TABLE IF EXISTS " + Sql.Identifier(view.Name) + ";\n");
            output.Write("DROP VIEW IF EXISTS " + Sql.Identifier(view.Name) + ";\n");
            string? charset = ObjectCharset.SetStatement(view.CharacterSetClient, view.CollationConnection);
            output.Write(charset != null ? charset + ";\n" : string.Empty);
            output.Write(view.CreateStatement + ";\n");
            output.Write(charset != null ? ObjectCharset.Reset + ";\n\n" : "\n");
        }

        public void WriteTrigger(SchemaObject trigger) =>
            WriteCompound(trigger, "DROP TRIGGER IF EXISTS " + Sql.Identifier(trigger.Name));

        public void WriteEvent(SchemaObject evt) =>
            WriteCompound(evt, "DROP EVENT IF EXISTS " + Sql.Identifier(evt.Name), evt.TimeZone);

        public void WriteFooter(int tables, long rows)
        {
            output.Write("SET SESSION foreign_key_checks = 1;\n");
            output.Write("SET SESSION unique_checks = 1;\n");
            output.Write(EndMarkerPrefix + ": " + tables.ToString(CultureInfo.InvariantCulture) + " tables, " + rows.ToString(CultureInfo.InvariantCulture) + " rows\n");
            output.Flush();
        }

        /// <summary>A delimiter that the statement does not contain, for the mysql client's DELIMITER command.</summary>
        internal static string ChooseDelimiter(string body)
        {
            foreach (string candidate in new[] { ";;", "$$", "//", ";;;;", "$$$$", "@@@B1@@@" })
            {
                if (body.IndexOf(candidate, StringComparison.Ordinal) < 0)
                {
                    return candidate;
                }
            }

            return "@@B1" + Guid.NewGuid().ToString("N") + "@@";
        }

        /// <summary>
        /// Writes a value the way it reads back exactly: integers and decimals as digits, floating point
        /// in round-trip form (and -0 kept), binary as hex, dates of real days as YYYYMMDD[hhmmss] numbers,
        /// everything else as an escaped string.
        /// </summary>
        /// <param name="calendarDate">The column is a DATE, DATETIME or TIMESTAMP: whole-second values of real days go as numbers.</param>
        /// <param name="fitsInt32">The column's every value fits an Int32 (<see cref="ColumnInfo.FitsInt32"/>).</param>
        internal static void AppendValue(SqlBuffer buffer, MySqlDataReader reader, int ordinal, ValueKind kind, bool isUnsigned, bool calendarDate, bool fitsInt32 = false)
        {
            if (reader.IsDBNull(ordinal))
            {
                buffer.Append("NULL");
                return;
            }

            switch (kind)
            {
                case ValueKind.Integer when fitsInt32:
                case ValueKind.Year when fitsInt32:
                    buffer.Append(reader.GetInt32(ordinal));
                    break;
                case ValueKind.Integer when isUnsigned:
                case ValueKind.Bit:
                    buffer.Append(reader.GetUInt64(ordinal));
                    break;
                case ValueKind.Integer:
                case ValueKind.Year:
                    buffer.Append(reader.GetInt64(ordinal));
                    break;
                case ValueKind.Decimal:
                    buffer.Append(reader.GetMySqlDecimal(ordinal).ToString());
                    break;
                case ValueKind.Float:
                case ValueKind.Double:
                    buffer.AppendDouble(reader.GetDouble(ordinal));
                    break;
                case ValueKind.Temporal:
                    AppendTemporal(buffer, reader, ordinal, calendarDate);
                    break;
                case ValueKind.Binary:
                    byte[] bytes = reader.GetValue(ordinal) switch
                    {
                        byte[] b => b,
                        MySqlGeometry g => g.Value,
                        var other => throw new InvalidDataException($"Unexpected {other.GetType().Name} for a binary column."),
                    };
                    buffer.AppendHex(bytes, 0, bytes.Length);
                    break;
                default:
                    // ENUM and SET columns of CHARACTER SET binary arrive as bytes: written as hex, exactly.
                    // (Their metadata says text; only the value tells. One read either way.)
                    object value = reader.GetValue(ordinal);
                    if (value is byte[] raw)
                    {
                        buffer.AppendHex(raw, 0, raw.Length);
                    }
                    else
                    {
                        buffer.AppendLiteral(value as string ?? Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty);
                    }

                    break;
            }
        }

        /// <summary>A date or time read as the bytes of its text (see <see cref="SelectFor"/>), written as a literal.</summary>
        private static void AppendTemporal(SqlBuffer buffer, MySqlDataReader reader, int ordinal, bool calendarDate)
        {
            byte[] text = buffer.ByteScratch;
            int length = (int)reader.GetBytes(ordinal, 0, text, 0, text.Length);
            if (calendarDate && length < text.Length && buffer.TryAppendDateAsNumber(text, length))
            {
                return;
            }

            if (length < text.Length && buffer.TryAppendTemporalText(text, length))
            {
                return;
            }

            // Not the text of a date (no server sends that): hex reads back as exactly these bytes.
            byte[] whole = (byte[])reader.GetValue(ordinal);
            buffer.AppendHex(whole, 0, whole.Length);
        }

        private void WriteInPieces(string variable, string literal)
        {
            bool isHex = literal.StartsWith("0x", StringComparison.Ordinal);
            int position = isHex ? 2 : 0;
            string body = isHex ? literal : literal.Substring(1, literal.Length - 2);
            bool first = true;
            while (position < body.Length)
            {
                int length = Math.Min(LargeValuePiece, body.Length - position);
                if (isHex)
                {
                    length -= length % 2;
                }
                else if (body[position + length - 1] == '\\' && CountTrailingBackslashes(body, position + length) % 2 == 1)
                {
                    // Never split an escape sequence such as \' or \\ between two pieces.
                    length++;
                }
                else if (char.IsHighSurrogate(body[position + length - 1]))
                {
                    // Nor the two halves of an emoji: each piece must be valid UTF-8 on its own.
                    length++;
                }

                string piece = isHex ? "0x" + body.Substring(position, length) : "'" + body.Substring(position, length) + "'";
                output.Write(first
                    ? "SET " + variable + " = " + piece + ";\n"
                    : "SET " + variable + " = CONCAT(" + variable + ", " + piece + ");\n");
                first = false;
                position += length;
            }
        }

        private static int CountTrailingBackslashes(string text, int end)
        {
            int count = 0;
            for (int i = end - 1; i >= 0 && text[i] == '\\'; i--)
            {
                count++;
            }

            return count;
        }

        private void EndStatement(ref int statementLength)
        {
            if (statementLength > 0)
            {
                output.Write(";\n");
                statementLength = 0;
            }
        }

        private void WriteCompound(SchemaObject item, string drop, string? timeZone = null)
        {
            string label = item.Kind.Substring(0, 1) + item.Kind.Substring(1).ToLowerInvariant();
            output.Write("--\n-- " + label + " " + CommentName(item.Name) + "\n--\n");

            // The object's sql_mode comes first: DROP PACKAGE exists only under sql_mode=ORACLE.
            if (item.SqlMode != null)
            {
                output.Write("SET SESSION sql_mode = " + Sql.Literal(item.SqlMode) + ";\n");
            }

            output.Write(drop + ";\n");

            if (timeZone != null)
            {
                output.Write("SET SESSION time_zone = " + Sql.Literal(timeZone) + ";\n");
            }

            string? charset = ObjectCharset.SetStatement(item.CharacterSetClient, item.CollationConnection);
            if (charset != null)
            {
                output.Write(charset + ";\n");
            }

            bool otherDatabaseDefault = item.DatabaseCollation != null && !string.Equals(item.DatabaseCollation, DatabaseCollation, StringComparison.OrdinalIgnoreCase)
                && ObjectCharset.AlterDatabaseCollation(item.DatabaseCollation) != null && ObjectCharset.AlterDatabaseCollation(DatabaseCollation) != null;
            if (otherDatabaseDefault)
            {
                output.Write(ObjectCharset.AlterDatabaseCollation(item.DatabaseCollation) + ";\n");
            }

            string delimiter = ChooseDelimiter(item.CreateStatement);
            output.Write("DELIMITER " + delimiter + "\n");
            // A body that ends in a '-- ' or '#' comment would swallow a delimiter on the same line.
            string lastLine = item.CreateStatement.Substring(item.CreateStatement.LastIndexOf('\n') + 1);
            bool endsInComment = lastLine.IndexOf("--", StringComparison.Ordinal) >= 0 || lastLine.IndexOf('#') >= 0;
            output.Write(item.CreateStatement + (endsInComment ? "\n" : string.Empty) + delimiter + "\n");
            output.Write("DELIMITER ;\n");
            if (otherDatabaseDefault)
            {
                output.Write(ObjectCharset.AlterDatabaseCollation(DatabaseCollation) + ";\n");
            }

            if (charset != null)
            {
                output.Write(ObjectCharset.Reset + ";\n");
            }

            if (item.SqlMode != null)
            {
                output.Write("SET SESSION sql_mode = '" + SessionSqlMode + "';\n");
            }

            if (timeZone != null)
            {
                output.Write("SET SESSION time_zone = '+00:00';\n");
            }

            output.Write("\n");
        }
    }
}
