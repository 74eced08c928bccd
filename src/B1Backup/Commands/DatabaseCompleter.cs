using System;
using System.Collections.Generic;
using System.Linq;
using B1Backup.Core.Store;

namespace B1Backup.Commands
{
    /// <summary>-Database: the databases that the backups under the root hold.</summary>
    public sealed class DatabaseCompleter : BackupFolderCompleter
    {
        protected override IEnumerable<string> Candidates(string root) =>
            BackupStore.List(root, DateTime.Now).Select(b => b.Database).Where(d => !string.IsNullOrEmpty(d)).Cast<string>();
    }
}
