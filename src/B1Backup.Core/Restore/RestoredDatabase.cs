using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using B1Backup.Core.Connection;
using B1Backup.Core.Engine;
using MySqlConnector;

namespace B1Backup.Core.Restore
{
    /// <summary>
    /// What a restored database shows against its backup's record: that it answers, which of the backup's
    /// tables it has, and (when counted) each table's rows. The restore and the drill both judge from this.
    /// </summary>
    public sealed class RestoredDatabase
    {
        private RestoredDatabase()
        {
        }

        public bool Answers { get; private set; }

        /// <summary>The base tables present, system-versioned ones included.</summary>
        public IReadOnlyList<string> Tables { get; private set; } = Array.Empty<string>();

        /// <summary>The tables the backup holds: from its manifest, or the CREATE TABLEs of a plain script.</summary>
        public IReadOnlyList<string> ExpectedTables { get; private set; } = Array.Empty<string>();

        public IReadOnlyList<string> MissingTables => ExpectedTables.Where(t => !Tables.Contains(t, StringComparer.Ordinal)).ToList();

        /// <summary>Each table's rows, history rows included; empty when rows were not counted.</summary>
        public IReadOnlyList<TableRows> Rows { get; private set; } = Array.Empty<TableRows>();

        public long TotalRows => Rows.Sum(r => r.Actual);

        /// <summary>Reads the database the settings name; counts rows only when asked (a swap moves verified tables, so the count is not repeated).</summary>
        public static RestoredDatabase Inspect(ConnectionSettings settings, RestorePlan plan, bool countRows)
        {
            var inspected = new RestoredDatabase();
            using var connection = DatabaseConnector.Open(settings);
            using (var ping = new MySqlCommand("SELECT 1", connection))
            {
                inspected.Answers = Convert.ToInt32(ping.ExecuteScalar(), CultureInfo.InvariantCulture) == 1;
            }

            var tables = new List<string>();
            var versioned = new HashSet<string>(StringComparer.Ordinal);
            using (var command = new MySqlCommand("SELECT TABLE_NAME, TABLE_TYPE FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED')", connection))
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    tables.Add(reader.GetString(0));
                    if (reader.GetString(1) == "SYSTEM VERSIONED")
                    {
                        versioned.Add(reader.GetString(0));
                    }
                }
            }

            inspected.Tables = tables.OrderBy(t => t, StringComparer.Ordinal).ToList();
            inspected.ExpectedTables = plan.Manifest != null ? plan.Manifest.Tables.Select(t => t.Name).ToList() : plan.TableNames.Distinct().ToList();
            if (countRows)
            {
                var rows = new List<TableRows>();
                foreach (string table in inspected.Tables)
                {
                    // A restored table has no history but what the backup held, so all its rows are what was backed up.
                    using var count = new MySqlCommand(Sql.CountRows(table, versioned.Contains(table)), connection);
                    long actual = Convert.ToInt64(count.ExecuteScalar(), CultureInfo.InvariantCulture);
                    rows.Add(new TableRows(table, actual, plan.Manifest?.Tables.FirstOrDefault(t => t.Name == table)?.Rows));
                }

                inspected.Rows = rows;
            }

            return inspected;
        }

        /// <summary>The restore's checks: the database answers, every table is there, and (when counted) the rows of every table the backup recorded.</summary>
        public List<RestoreCheck> Checks()
        {
            var checks = new List<RestoreCheck>
            {
                new RestoreCheck { Name = "DatabaseAnswers", Passed = Answers, Message = Answers ? "The database answers queries." : "The database did not answer SELECT 1." },
            };
            var missing = MissingTables;
            checks.Add(new RestoreCheck
            {
                Name = "Tables",
                Passed = missing.Count == 0,
                Expected = ExpectedTables.Count.ToString(CultureInfo.InvariantCulture),
                Actual = Tables.Count.ToString(CultureInfo.InvariantCulture),
                Message = missing.Count == 0 ? $"All {ExpectedTables.Count} tables of the backup are there." : "Missing tables: " + string.Join(", ", missing),
            });
            checks.AddRange(RowChecks());
            return checks;
        }

        /// <summary>One check per table whose rows the backup recorded.</summary>
        public IEnumerable<RestoreCheck> RowChecks() =>
            Rows.Where(r => r.Recorded != null).Select(r => new RestoreCheck
            {
                Name = "Rows:" + r.Table,
                Passed = r.Matches,
                Expected = r.Recorded!.Value.ToString(CultureInfo.InvariantCulture),
                Actual = r.Actual.ToString(CultureInfo.InvariantCulture),
                Message = r.Matches ? $"{r.Actual} rows, as backed up." : $"{r.Actual} rows, but the backup recorded {r.Recorded}.",
            });
    }
}
