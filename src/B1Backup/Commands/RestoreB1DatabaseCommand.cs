using System;
using System.Management.Automation;
using B1Backup.Core;
using B1Backup.Core.Remote;
using B1Backup.Core.Restore;
using B1Backup.Core.Store;

namespace B1Backup.Commands
{
    /// <summary>
    /// Verifies a backup, then overwrites the target database with it and checks the result.
    /// Production targets need the typed phrase RESTORE PRODUCTION (or -Force where no one can type).
    /// </summary>
    [Cmdlet(VerbsData.Restore, "B1Database", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(RestoreResult))]
    public sealed class RestoreB1DatabaseCommand : ConnectionCmdlet
    {
        protected override bool MovesData => true;

        /// <summary>The database the connection names, when the URL does not (or to use another).</summary>
        [Parameter]
        public string? Database { get; set; }

        protected override string? DatabaseParameter => Database;

        public const string ProductionPhrase = "RESTORE PRODUCTION";

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("FullName", "PSPath", "LiteralPath")]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = string.Empty;

        /// <summary>Default: the connection's database, else the database the backup came from.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? TargetDatabase { get; set; }

        /// <summary>The environment restored into; production or prod asks for the typed phrase. Default: $env:ENV_NAME.</summary>
        [Parameter]
        public string? Environment { get; set; }

        /// <summary>Connections that load a B1Backup file's parts at once. Default: twice the cores, at least 4.</summary>
        [Parameter]
        [ValidateRange(1, 64)]
        public int Parallel { get; set; } = RestorePlan.DefaultConnections;

        /// <summary>
        /// Load the target directly instead of a staging copy that is swapped in: for users who may not
        /// create other databases. A failure then leaves the target partly restored.
        /// </summary>
        [Parameter]
        public SwitchParameter InPlace { get; set; }

        /// <summary>Keep the DEFINER of views, routines, triggers and events; by default the restoring user becomes their definer.</summary>
        [Parameter]
        public SwitchParameter KeepDefiners { get; set; }

        /// <summary>Create stored code that names other databases, runs dynamic SQL or administers the server (refused by default).</summary>
        [Parameter]
        public SwitchParameter TrustStoredCode { get; set; }

        /// <summary>Seconds the swap waits for sessions that use the target's tables before it gives up, target unchanged.</summary>
        [Parameter]
        [ValidateRange(1, 3600)]
        public int SwapLockWaitSeconds { get; set; } = 5;

        /// <summary>Skips the confirmation prompts, the production phrase included (for runbooks).</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        [Parameter]
        public string? StorageConnectionString { get; set; }

        [Parameter]
        public string? StorageAccountKey { get; set; }

        [Parameter]
        public string? Endpoint { get; set; }

        [Parameter]
        [Credential]
        public PSCredential? StorageCredential { get; set; }

        protected override void ProcessRecord()
        {
            if (!IsStore(Path))
            {
                RestoreFrom(ToFileSystemPath(Path), null);
                return;
            }

            // From a store: one verified copy in a private temporary folder, restored as a local file is
            // (its checksum checked again before anything is touched), then deleted.
            string local;
            string shown;
            try
            {
                var (backups, key) = BackupLocations.OpenBackup(Path, Access(StorageConnectionString, StorageAccountKey, Endpoint, StorageCredential));
                shown = backups.Store.Describe(key);
                using var progress = new ProgressReporter<(long Read, long Total)>(this, 2, "Restore-B1Database", (p, record) =>
                {
                    record.Activity = "Downloading the backup";
                    record.StatusDescription = $"{p.Read / 1048576.0:N1} of {p.Total / 1048576.0:N1} MB";
                    record.PercentComplete = p.Total > 0 ? (int)(p.Read * 100 / p.Total) : -1;
                    return true;
                });
                local = BackupLocations.DownloadToScratch(backups, key, (read, total) => progress.Report((read, total)), Log, StopToken);
            }
            catch (B1BackupException e)
            {
                WriteEngineError(e, Path);
                return;
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                RestoreFrom(local, shown);
            }
            finally
            {
                BackupLocations.DeleteScratch(local);
            }
        }

        /// <summary>Restores a local file; <paramref name="shown"/> is where it came from when that was a store.</summary>
        private void RestoreFrom(string path, string? shown)
        {
            RestorePlan plan;
            using (var checking = NewProgress("Checking the backup"))
            {
                try
                {
                    plan = RestoreEngine.Prepare(path, checking, ReadSigningKey(), ReadEncryptionKey());
                }
                catch (B1BackupException e)
                {
                    WriteEngineError(e, path);
                    return;
                }
            }

            // The plan holds the verified file open; whatever happens next, it is closed.
            using var preparedPlan = plan;
            WriteVerbose($"{path}: checksum OK, end marker present.");
            plan.Connections = Parallel;
            var settings = ResolveConnection();
            string? target = TargetDatabase ?? settings.Database ?? plan.SourceDatabase;
            if (target == null)
            {
                WriteEngineError(new B1BackupException("MissingTargetDatabase", FailureKind.InvalidArgument,
                    "The backup does not say which database it holds and none was given: pass -TargetDatabase."), path);
                return;
            }

            string environment = Environment ?? Environments.FromVariable() ?? string.Empty;
            string? why = null;
            if (environment.Length == 0 && target == plan.SourceDatabase
                && B1Backup.Core.Store.BackupName.TryParse(System.IO.Path.GetFileName(path), out string backupEnvironment, out _, out _)
                && Environments.IsProduction(backupEnvironment))
            {
                // Nothing says where this runs: a production backup restored over the database of its own
                // name is most likely production. Treated as such; -Environment says otherwise.
                environment = backupEnvironment;
                why = $"(The backup is from {backupEnvironment} and the target has its database's name; no -Environment or ENV_NAME says otherwise.)";
            }

            if (!Confirmed(target, settings.Server, System.IO.Path.GetFileName(path), environment, why))
            {
                return;
            }

            using var progress = NewProgress("Restoring " + target);
            try
            {
                var result = RestoreEngine.Execute(plan, settings, target, progress, Log, StopToken, InPlace ? RestoreMode.InPlace : RestoreMode.Staged,
                    new RestoreOptions { KeepDefiners = KeepDefiners, TrustStoredCode = TrustStoredCode, SwapLockWaitSeconds = SwapLockWaitSeconds });
                result.Path = shown ?? result.Path;
                WriteObject(result);
                if (!result.Verified)
                {
                    WriteEngineError(new B1BackupException("RestoreVerificationFailed", FailureKind.InvalidData,
                        $"The restore of {target} finished but its checks failed: {string.Join("; ", Array.ConvertAll(Array.FindAll(result.Checks, c => !c.Passed), c => c.Message))}. Do not put it into service; see the Checks property."), target);
                }
            }
            catch (B1BackupException e)
            {
                WriteEngineError(e, target);
            }
        }

        private ProgressReporter<RestoreProgress> NewProgress(string activity)
        {
            ProgressReporter<RestoreProgress>? progress = null;
            progress = new ProgressReporter<RestoreProgress>(this, 2, "Restore-B1Database", (p, record) =>
            {
                double seconds = Math.Max(0.001, progress!.Elapsed.TotalSeconds);
                record.Activity = p.Activity;
                record.StatusDescription = $"{p.BytesRead / 1048576.0:N1} of {p.BytesTotal / 1048576.0:N1} MB at {p.BytesRead / 1048576.0 / seconds:N1} MB/s"
                    + (p.StatementsTotal > 0 ? $", part {p.Statements:N0} of {p.StatementsTotal:N0}" : string.Empty);
                record.PercentComplete = p.BytesTotal > 0 ? (int)Math.Min(99, p.BytesRead * 100 / p.BytesTotal) : -1;
                record.SecondsRemaining = progress.SecondsLeft(p.BytesRead, p.BytesTotal);
                return true;
            });
            return progress;
        }

        /// <summary>ShouldProcess, then for production the typed phrase; -Confirm:$false alone never skips the phrase.</summary>
        private bool Confirmed(string target, string server, string backupName, string environment, string? why)
        {
            bool skipPrompt = Force && !IsBound("Confirm") && !IsBound("WhatIf");
            if (!skipPrompt && !ShouldProcess($"database {target} on {server}", $"Overwrite with backup {backupName}"))
            {
                return false;
            }

            if (!Environments.IsProduction(environment) || Force)
            {
                return true;
            }

            string? typed = null;
            try
            {
                Host.UI.WriteLine($"You are about to overwrite the PRODUCTION database {target} on {server} with {backupName}." + (why != null ? " " + why : string.Empty));
                Host.UI.Write($"Type {ProductionPhrase} to continue: ");
                typed = Host.UI.ReadLine();
            }
            catch (Exception e) when (e is PSInvalidOperationException || e is NotImplementedException || e is InvalidOperationException)
            {
                typed = null;
            }

            if (string.Equals(typed?.Trim(), ProductionPhrase, StringComparison.Ordinal))
            {
                return true;
            }

            WriteEngineError(new B1BackupException("ProductionRestoreNotConfirmed", FailureKind.SecurityError,
                typed == null
                    ? $"Restoring into production needs the typed phrase '{ProductionPhrase}', and this session cannot prompt (non-interactive). Nothing was changed. In a runbook that is meant to do this, pass -Force." + (why != null ? " " + why : string.Empty)
                    : $"The phrase was not '{ProductionPhrase}'; the restore into production was aborted. Nothing was changed."), target);
            return false;
        }
    }
}
