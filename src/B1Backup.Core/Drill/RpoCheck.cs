using System;
using System.Collections.Generic;
using System.Linq;
using B1Backup.Core.Store;

namespace B1Backup.Core.Drill
{
    public static class RpoCheck
    {
        /// <summary>Clocks differ a little between the machine that made a backup and the one that checks it.</summary>
        private static readonly TimeSpan FutureTolerance = TimeSpan.FromMinutes(-5);

        /// <summary>One status per environment and database found among the backups.</summary>
        public static IEnumerable<RpoStatus> Evaluate(IEnumerable<BackupInfo> backups, TimeSpan maxAge) =>
            Evaluate(backups, maxAge, b => ChecksumVerifier.Verify(b.FullName).Passed);

        /// <summary>As above, with the checksum check of the backups' location (a store streams them).</summary>
        public static IEnumerable<RpoStatus> Evaluate(IEnumerable<BackupInfo> backups, TimeSpan maxAge, Func<BackupInfo, bool> passesChecksum)
        {
            foreach (var group in backups.GroupBy(b => (b.Environment, b.Database)).OrderBy(g => g.Key.Environment).ThenBy(g => g.Key.Database))
            {
                var status = new RpoStatus { Environment = group.Key.Environment, Database = group.Key.Database, MaxAge = maxAge };
                // A backup dated in the future (a wrong clock, or a crafted name or manifest) never counts as fresh.
                var good = group.OrderByDescending(b => b.Timestamp).FirstOrDefault(b => b.Age >= FutureTolerance && b.Problem == null && passesChecksum(b));
                if (good == null)
                {
                    status.Message = group.Any(b => b.Age < FutureTolerance)
                        ? $"No backup of {status.Environment}/{status.Database} both passes its checksum and is dated in the past (a backup dated in the future never counts as fresh: check its name, its manifest and the clocks)."
                        : $"No backup of {status.Environment}/{status.Database} passes its checksum: nothing to restore from.";
                    yield return status;
                    continue;
                }

                status.NewestGoodBackup = good.FullName;
                status.Timestamp = good.Timestamp;
                status.Age = good.Age;
                status.Passed = good.Age <= maxAge;
                status.Message = status.Passed
                    ? $"The newest good backup is {RestoreDrill.Format(good.Age)} old (target {RestoreDrill.Format(maxAge)})."
                    : $"The newest good backup is {RestoreDrill.Format(good.Age)} old, older than the target of {RestoreDrill.Format(maxAge)}: check the backup schedule.";
                yield return status;
            }
        }
    }
}
