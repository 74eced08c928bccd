using System;
using System.Management.Automation;
using B1Backup.Core;
using B1Backup.Core.Remote;
using B1Backup.Core.Store;

namespace B1Backup.Commands
{
    /// <summary>
    /// Copies backups with their sidecars between a folder and Azure Blob Storage (either way, or store
    /// to store), committing the copy only when it matches the backup's .sha256 and reading it back at
    /// the destination. Writes the copy as a backup object, so the next cmdlet in the pipeline can use it.
    /// </summary>
    [Cmdlet(VerbsCommon.Copy, "B1Backup", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(BackupInfo))]
    public sealed class CopyB1BackupCommand : B1Cmdlet
    {
        protected override bool MovesData => true;

        private StoredBackups? destination;

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("FullName", "PSPath", "LiteralPath")]
        [ValidateNotNullOrEmpty]
        public string[] Path { get; set; } = new string[0];

        [Parameter(Mandatory = true, Position = 1)]
        [ValidateNotNullOrEmpty]
        public string Destination { get; set; } = string.Empty;

        [Parameter]
        public string? StorageConnectionString { get; set; }

        [Parameter]
        public string? StorageAccountKey { get; set; }

        [Parameter]
        public string? Endpoint { get; set; }

        [Parameter]
        [Credential]
        public PSCredential? StorageCredential { get; set; }

        protected override void BeginProcessing()
        {
            try
            {
                destination = new StoredBackups(BackupLocations.OpenRoot(ToLocation(Destination), Access(StorageConnectionString, StorageAccountKey, Endpoint, StorageCredential)));
            }
            catch (B1BackupException e)
            {
                ThrowEngineError(e, Destination);
            }
        }

        protected override void ProcessRecord()
        {
            foreach (string input in Path)
            {
                try
                {
                    var (source, key) = BackupLocations.OpenBackup(ToLocation(input), Access(StorageConnectionString, StorageAccountKey, Endpoint, StorageCredential));
                    string target = destination!.Store.Describe(key);
                    if (!ShouldProcess(target, $"Copy backup {source.Store.Describe(key)} with its sidecars"))
                    {
                        continue;
                    }

                    using var progress = new ProgressReporter<(long Read, long Total)>(this, 7, "Copy-B1Backup", (p, record) =>
                    {
                        record.StatusDescription = $"{key}: {p.Read / 1048576.0:N1} of {p.Total / 1048576.0:N1} MB";
                        record.PercentComplete = p.Total > 0 ? (int)(p.Read * 100 / p.Total) : -1;
                        return true;
                    });
                    WriteObject(BackupCopier.Copy(source, key, destination, DateTime.Now, (read, total) => progress.Report((read, total)), Log, StopToken));
                }
                catch (B1BackupException e)
                {
                    WriteEngineError(e, input);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
