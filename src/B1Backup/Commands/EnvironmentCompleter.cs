using System.Collections.Generic;
using System.Linq;
using B1Backup.Core.Store;

namespace B1Backup.Commands
{
    /// <summary>-Environment: the environment folders under the backup root.</summary>
    public sealed class EnvironmentCompleter : BackupFolderCompleter
    {
        protected override IEnumerable<string> Candidates(string root) =>
            System.IO.Directory.Exists(root)
                ? System.IO.Directory.EnumerateDirectories(root).Select(System.IO.Path.GetFileName).Where(BackupName.IsValidEnvironment).Cast<string>()
                : Enumerable.Empty<string>();
    }
}
