using System;
using System.Linq;
using B1Backup.Core.Connection;

namespace B1Backup.Core.Restore
{
    public sealed partial class StatementGuard
    {
        /// <summary>The allowlist's rules for dROP and ALTER: only of the target's own tables and objects.</summary>
        private sealed partial class Reading
        {
            private JudgedStatement JudgeDrop()
            {
                int i = 1;
                if (Is(i, "DATABASE") || Is(i, "SCHEMA"))
                {
                    i++;
                    if (Is(i, "IF") && Is(i + 1, "EXISTS"))
                    {
                        i += 2;
                    }

                    return DatabaseStatement(i, "DROP DATABASE");
                }

                if (Is(i, "TABLE") || Is(i, "TABLES") || Is(i, "VIEW") || Is(i, "SEQUENCE") || Is(i, "PROCEDURE") || Is(i, "FUNCTION") || Is(i, "TRIGGER") || Is(i, "EVENT") || Is(i, "PACKAGE") || Is(i, "INDEX"))
                {
                    CheckRunningStatement(1);
                    return Result(StatementAction.Execute, "DROP " + Upper(i));
                }

                throw Refused(Forbidden(0, count) ?? $"it drops something a backup of a database never drops ({Upper(i)})");
            }

            private JudgedStatement JudgeAlter()
            {
                if (Is(1, "DATABASE") || Is(1, "SCHEMA"))
                {
                    // mysqldump sets the database's collation around routines: never run, but the routines that follow
                    // are created under it (the loader sets it on the target and puts the target's own back).
                    var altered = count > 2 && tokens[2].IsName && !IsCharsetWord(2)
                        ? DatabaseStatement(2, "ALTER DATABASE")
                        : Result(StatementAction.SkipDatabaseSwitch, "ALTER DATABASE");
                    if (Enumerable.Range(2, Math.Max(0, count - 2)).Any(i => Is(i, "CHARACTER") || Is(i, "CHARSET")))
                    {
                        // A character set alone means its default collation, which this guard does not know.
                        guard.objectDatabaseCollation = null;
                    }

                    for (int i = 2; i + 1 < count; i++)
                    {
                        if (Is(i, "COLLATE"))
                        {
                            int at = tokens[i + 1].IsSymbol('=') ? i + 2 : i + 1;
                            guard.objectDatabaseCollation = PlainName(at, at + 1);
                        }
                    }

                    return altered;
                }

                if (Is(1, "TABLE") && (count == 4 || (count == 6 && tokens[3].IsSymbol('.'))) && (Is(count - 1, "CACHE") || Is(count - 1, "NOCACHE")))
                {
                    int after = OwnName(2, running: true);
                    // TiDB's cached tables: RENAME refuses them (8242), so caching waits for the swap.
                    if (guard.Dialect.Server.Kind != ServerKind.TiDb)
                    {
                        return Result(StatementAction.SkipServerFeature, "ALTER TABLE " + Upper(after));
                    }

                    var caching = Result(StatementAction.Execute, "ALTER TABLE " + Upper(after));
                    caching.CachesTable = Is(after, "CACHE");
                    caching.Table = tokens[after - 1].Name;
                    return caching;
                }

                if (Is(1, "TABLE") || (Is(1, "ONLINE") && Is(2, "TABLE")) || (Is(1, "IGNORE") && Is(2, "TABLE")) || Is(1, "SEQUENCE"))
                {
                    CheckRunningStatement(1);
                    return Result(StatementAction.Execute, "ALTER TABLE");
                }

                throw Refused(Forbidden(0, count) ?? $"it alters something a backup of a database never alters ({Upper(1)})");
            }

            private bool IsCharsetWord(int i) => Is(i, "DEFAULT") || Is(i, "CHARACTER") || Is(i, "CHARSET") || Is(i, "COLLATE");
        }
    }
}
