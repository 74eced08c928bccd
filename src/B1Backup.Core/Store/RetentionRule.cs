using System;
using System.Collections.Generic;
using System.IO;

namespace B1Backup.Core.Store
{
    /// <summary>
    /// The rule every deletion of backups follows (Remove-B1Backup, a schedule's retention): the newest backup
    /// of an environment and database in its folder that passes its checksum is kept, so retention stays safe
    /// even when every recent backup failed. Each group's newest good backup is found once and remembered.
    /// </summary>
    public sealed class RetentionRule
    {
        private readonly Dictionary<(string Folder, string Environment, string Database), string?> newestGood =
            new Dictionary<(string, string, string), string?>();

        private readonly Func<BackupInfo, string?> findNewestGood;
        private readonly Func<BackupInfo, string> folderOf;

        /// <summary>Backups in folders on disk.</summary>
        public RetentionRule(DateTime now)
            : this(b => Path.GetDirectoryName(b.FullName) ?? string.Empty, b => BackupStore.NewestGoodBackup(Path.GetDirectoryName(b.FullName) ?? string.Empty, b.Environment, b.Database, now))
        {
        }

        /// <summary>Backups anywhere: <paramref name="findNewestGood"/> names the newest good backup of the group a backup is in.</summary>
        public RetentionRule(Func<BackupInfo, string> folderOf, Func<BackupInfo, string?> findNewestGood)
        {
            this.folderOf = folderOf;
            this.findNewestGood = findNewestGood;
        }

        /// <summary>True when deleting this backup would leave its environment and database without a good one.</summary>
        public bool MustKeep(BackupInfo backup)
        {
            var key = (folderOf(backup), backup.Environment, backup.Database ?? string.Empty);
            if (!newestGood.TryGetValue(key, out string? keep))
            {
                keep = newestGood[key] = findNewestGood(backup);
            }

            return string.Equals(keep, backup.FullName, StringComparison.Ordinal);
        }

        /// <summary>Why a kept backup was kept, in the words a user reads.</summary>
        public static string KeptBecause(BackupInfo backup) =>
            $"'{backup.Name}' is the newest backup of environment '{backup.Environment}'{(backup.Database != null ? $" and database '{backup.Database}'" : string.Empty)} that passes its checksum, so it is kept.";
    }
}
