using System;
using System.Collections.Generic;
using System.Management.Automation;
using B1Backup.Core;
using B1Backup.Core.Remote;
using B1Backup.Core.Store;

namespace B1Backup.Commands
{
    /// <summary>Lists backups under a backup root, newest first.</summary>
    [Cmdlet(VerbsCommon.Get, "B1Backup")]
    [OutputType(typeof(BackupInfo))]
    public sealed class GetB1BackupCommand : B1Cmdlet
    {
        /// <summary>The backup root that holds one folder per environment.</summary>
        [Parameter(Position = 0)]
        [Alias("BackupRoot")]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = "./backups";

        [Parameter]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(EnvironmentCompleter))]
        public string[]? Environment { get; set; }

        [Parameter]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(DatabaseCompleter))]
        public string[]? Database { get; set; }

        /// <summary>
        /// List the partial files that interrupted backups left (*.partial-*) instead of backups,
        /// as files: Get-B1Backup -Partial | Remove-Item cleans them.
        /// </summary>
        [Parameter]
        public SwitchParameter Partial { get; set; }

        /// <summary>Only the newest backup of each environment and database.</summary>
        [Parameter]
        public SwitchParameter Latest { get; set; }

        [Parameter]
        public string? StorageConnectionString { get; set; }

        [Parameter]
        public string? StorageAccountKey { get; set; }

        [Parameter]
        public string? Endpoint { get; set; }

        [Parameter]
        [Credential]
        public PSCredential? StorageCredential { get; set; }

        protected override void EndProcessing()
        {
            if (IsStore(Path))
            {
                ListStore();
                return;
            }

            string root = ToFileSystemPath(Path);
            RequireBackupRoot(root);
            if (Partial)
            {
                foreach (var file in BackupStore.ListPartial(root))
                {
                    WriteObject(file);
                }

                return;
            }

            var backups = new BackupFilter(Environment, Database).Apply(BackupStore.List(root, DateTime.Now));
            if (Latest)
            {
                backups = BackupFilter.LatestOfEach(backups);
            }

            foreach (var backup in backups)
            {
                WriteObject(backup);
            }
        }

        private void ListStore()
        {
            if (Partial)
            {
                // A blob store has no partial files: an unfinished upload is uncommitted blocks, which the service discards.
                WriteVerbose($"{Path}: a store keeps no partial backups; an interrupted upload leaves uncommitted blocks that expire on their own.");
                return;
            }

            IReadOnlyList<BackupInfo> listed;
            try
            {
                listed = new StoredBackups(BackupLocations.OpenRoot(Path, Access(StorageConnectionString, StorageAccountKey, Endpoint, StorageCredential))).List(DateTime.Now, StopToken);
            }
            catch (B1BackupException e)
            {
                ThrowEngineError(e, Path);
                return;
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C while a large store was being listed.
                return;
            }

            var backups = new BackupFilter(Environment, Database).Apply(listed);
            foreach (var backup in Latest ? BackupFilter.LatestOfEach(backups) : backups)
            {
                WriteObject(backup);
            }
        }
    }
}
