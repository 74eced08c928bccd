using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using B1Backup.Core.Engine;
using MySqlConnector;

namespace B1Backup.Core.Restore
{
    /// <summary>
    /// Values over 1 MB are rebuilt on the server with SET @v = CONCAT(@v, piece). When the result
    /// outgrows the target's max_allowed_packet, CONCAT returns NULL with only a warning, and the row
    /// would be stored with NULL: silent data loss the row counts cannot see. Before the INSERT that
    /// uses such variables, the loader asks the server whether any of them became NULL.
    /// </summary>
    internal sealed class LargeValueCheck
    {
        /// <summary>Variables built since the last INSERT, with about how many bytes they hold.</summary>
        private readonly Dictionary<string, long> building = new Dictionary<string, long>(StringComparer.Ordinal);

        public void Check(MySqlConnection connection, JudgedStatement statement, string? table)
        {
            if (statement.Variable != null)
            {
                if (statement.PieceBytes < 0)
                {
                    building.Remove(statement.Variable);
                }
                else
                {
                    building[statement.Variable] = (building.TryGetValue(statement.Variable, out long sum) ? sum : 0) + statement.PieceBytes;
                }

                return;
            }

            if (building.Count == 0)
            {
                return;
            }

            var names = building.Keys.ToList();
            string query = "SELECT " + string.Join(" + ", names.Select(n => "(@" + n + " IS NULL)"));
            using (var command = new MySqlCommand(query, connection))
            {
                long lost = Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
                if (lost > 0)
                {
                    long largest = building.Values.Max();
                    throw new B1BackupException("ValueTooLargeForServer", FailureKind.InvalidData,
                        $"A value of table {(table == null ? "?" : Sql.Identifier(table))} is about {largest / (1 << 20) + 1} MB, more than the server's max_allowed_packet lets it build (it became NULL). " +
                        $"Raise max_allowed_packet to at least {((largest >> 20) + 2) << 20} bytes (SET GLOBAL max_allowed_packet = ...; new connections get it) and restore again.");
                }
            }

            building.Clear();
        }
    }
}
