using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;

namespace B1Backup.Core.Store
{
    /// <summary>
    /// Which backups a cmdlet means by -Environment and -Database: wildcards, any of several, case-insensitive
    /// (environment folders and the names users type differ in case on Windows). No pattern matches everything.
    /// </summary>
    public sealed class BackupFilter
    {
        private readonly List<Regex> environments;
        private readonly List<Regex> databases;

        public BackupFilter(IEnumerable<string>? environments, IEnumerable<string>? databases)
        {
            this.environments = Patterns(environments);
            this.databases = Patterns(databases);
        }

        public bool Matches(BackupInfo backup) =>
            Any(environments, backup.Environment) && Any(databases, backup.Database ?? string.Empty);

        /// <summary>The backups that match, in the order given (BackupStore.List gives newest first).</summary>
        public IEnumerable<BackupInfo> Apply(IEnumerable<BackupInfo> backups) => backups.Where(Matches);

        /// <summary>The first of each environment and database: its latest, when the list is newest first.</summary>
        public static IEnumerable<BackupInfo> LatestOfEach(IEnumerable<BackupInfo> newestFirst) =>
            newestFirst.GroupBy(b => (b.Environment, b.Database ?? string.Empty)).Select(g => g.First());

        private static List<Regex> Patterns(IEnumerable<string>? patterns) =>
            patterns?.Select(p => Wildcard.ToRegex(p, ignoreCase: true)).ToList() ?? new List<Regex>();

        private static bool Any(List<Regex> patterns, string value) => patterns.Count == 0 || patterns.Any(p => p.IsMatch(value));
    }
}
