using System;
using System.IO;
using System.Management.Automation;
using B1Backup.Core;
using B1Backup.Core.Remote;
using B1Backup.Core.Store;

namespace B1Backup.Commands
{
    /// <summary>
    /// Deletes backups with their sidecars. Never the newest backup of an environment and database
    /// that passes its checksum, unless -Force: retention one-liners stay safe even when every
    /// recent backup failed.
    /// </summary>
    [Cmdlet(VerbsCommon.Remove, "B1Backup", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(BackupInfo))]
    public sealed class RemoveB1BackupCommand : B1Cmdlet
    {
        private readonly RetentionRule retention = new RetentionRule(DateTime.Now);

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("FullName", "PSPath", "LiteralPath")]
        [ValidateNotNullOrEmpty]
        public string[] Path { get; set; } = new string[0];

        /// <summary>Also delete the last good backup of its environment and database.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Emit each deleted backup.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        [Parameter]
        public string? StorageConnectionString { get; set; }

        [Parameter]
        public string? StorageAccountKey { get; set; }

        [Parameter]
        public string? Endpoint { get; set; }

        [Parameter]
        [Credential]
        public PSCredential? StorageCredential { get; set; }

        private RetentionRule? storeRetention;

        protected override void ProcessRecord()
        {
            foreach (string input in Path)
            {
                if (IsStore(input))
                {
                    RemoveStored(input);
                    continue;
                }

                string path = ToFileSystemPath(input);
                if (!File.Exists(path))
                {
                    WriteEngineError(new B1BackupException("BackupNotFound", FailureKind.NotFound, $"'{path}' does not exist; list backups with Get-B1Backup."), path);
                    continue;
                }

                BackupInfo backup;
                try
                {
                    backup = BackupStore.Describe(path, DateTime.Now);
                }
                catch (B1BackupException e)
                {
                    WriteEngineError(e, path);
                    continue;
                }

                if (!Force && retention.MustKeep(backup))
                {
                    // Keeping it is the rule working, not a failure: a retention runbook under
                    // $ErrorActionPreference = 'Stop' must go on deleting the older backups.
                    WriteWarning(RetentionRule.KeptBecause(backup) + " Pass -Force to delete it anyway.");
                    continue;
                }

                if (!ShouldProcess(backup.FullName, "Remove backup and its .sha256 and manifest"))
                {
                    continue;
                }

                try
                {
                    BackupStore.Delete(backup);
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                    WriteEngineError(new B1BackupException("RemoveFailed", FailureKind.WriteError, $"'{backup.FullName}' could not be deleted: {e.Message}", e), backup);
                    continue;
                }

                WriteVerbose($"Removed {backup.FullName} and its sidecars.");
                if (PassThru)
                {
                    WriteObject(backup);
                }
            }
        }

        private void RemoveStored(string location)
        {
            var now = DateTime.Now;
            var credentials = Access(StorageConnectionString, StorageAccountKey, Endpoint, StorageCredential);
            try
            {
                var (backups, key) = BackupLocations.OpenBackup(location, credentials);
                var backup = backups.Describe(key, now, StopToken);
                // The newest good backup of its group, looked up once per group in the store it is in.
                storeRetention ??= new RetentionRule(
                    b => b.FullName.Substring(0, b.FullName.LastIndexOf('/')),
                    b => BackupLocations.OpenBackup(b.FullName, credentials).Backups.NewestGood(b.Environment, b.Database, now, StopToken));
                if (backup.LockedBecause != null)
                {
                    WriteWarning($"'{backup.Name}' is locked by the store ({backup.LockedBecause}); it is kept until the lock ends.");
                    return;
                }

                if (!Force && storeRetention.MustKeep(backup))
                {
                    WriteWarning(RetentionRule.KeptBecause(backup) + " Pass -Force to delete it anyway.");
                    return;
                }

                if (!ShouldProcess(backup.FullName, "Remove backup and its .sha256 and manifest"))
                {
                    return;
                }

                backups.Delete(key, StopToken);
                WriteVerbose($"Removed {backup.FullName} and its sidecars.");
                if (PassThru)
                {
                    WriteObject(backup);
                }
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C: nothing more is deleted.
            }
            catch (ObjectLockedException e)
            {
                // A retention lock doing its job is not a failure: one warning, and the rest go on.
                WriteWarning(e.Message);
            }
            catch (B1BackupException e)
            {
                WriteEngineError(e, location);
            }
        }
    }
}
