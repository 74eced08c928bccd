using System;
using System.Management.Automation;
using B1Backup.Core;
using B1Backup.Core.Connection;
using B1Backup.Core.Schedule;

namespace B1Backup.Commands
{
    /// <summary>
    /// Runs one registered schedule: its backups, retention, a drill when one is due, and one log line. What
    /// cron and the task scheduler start; a failure is a terminating error, so pwsh exits with 1.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Invoke, "B1BackupJob")]
    [OutputType(typeof(JobOutcome))]
    public sealed class InvokeB1BackupJobCommand : B1Cmdlet
    {
        protected override bool MovesData => true;

        /// <summary>The schedule's definition file, as Register-B1BackupSchedule wrote it.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("DefinitionPath")]
        [ValidateNotNullOrEmpty]
        public string Definition { get; set; } = string.Empty;

        /// <summary>Only prove that the job can run: the module loads, DATABASE_URL connects, the databases can be read, the folder written.</summary>
        [Parameter]
        public SwitchParameter DryRun { get; set; }

        protected override void ProcessRecord()
        {
            try
            {
                var definition = ScheduleDefinition.Read(ToFileSystemPath(Definition));
                // The schedule's own file first: a run by hand then connects exactly as cron's does.
                string? url = definition.EnvironmentFile != null && System.IO.File.Exists(definition.EnvironmentFile)
                    ? EnvironmentFile.ReadDatabaseUrl(definition.EnvironmentFile) ?? Environment.GetEnvironmentVariable("DATABASE_URL")
                    : Environment.GetEnvironmentVariable("DATABASE_URL");
                if (string.IsNullOrEmpty(url))
                {
                    throw new B1BackupException("DatabaseUrlMissing", FailureKind.InvalidArgument,
                        $"DATABASE_URL is not set where the job runs. Put DATABASE_URL=... into the environment file of schedule '{definition.Name}' ({definition.EnvironmentFile ?? "none given"}).");
                }

                var settings = ConnectionParser.Resolve(new ConnectionRequest { ConnectionString = url });
                if (DryRun)
                {
                    var databases = ScheduledJob.DryRun(definition, settings);
                    WriteObject($"Dry run of '{definition.Name}' passed: {string.Join(", ", databases)} on {settings.Server} can be backed up into {definition.BackupRoot}.");
                    return;
                }

                var outcome = ScheduledJob.Run(definition, settings, Log, StopToken);
                WriteObject(outcome);
                if (!outcome.Succeeded)
                {
                    Notify(definition, outcome.Error ?? "failed");
                    throw new B1BackupException("ScheduledBackupFailed", FailureKind.InvalidData,
                        $"The scheduled backup '{definition.Name}' failed: {outcome.Error} (logged in {definition.LogPath}).");
                }
            }
            catch (B1BackupException e)
            {
                ThrowEngineError(e);
            }
        }

        /// <summary>The schedule's own command, told which schedule failed and why (the error never holds a password).</summary>
        private void Notify(ScheduleDefinition definition, string error)
        {
            if (string.IsNullOrEmpty(definition.NotifyCommand))
            {
                return;
            }

            bool windows = System.Runtime.InteropServices.RuntimeInformation.IsOSPlatform(System.Runtime.InteropServices.OSPlatform.Windows);
            var start = new System.Diagnostics.ProcessStartInfo(windows ? "cmd.exe" : "/bin/bash", windows ? "/c " + definition.NotifyCommand : SchedulerTool.Quote("-c") + " " + SchedulerTool.Quote(definition.NotifyCommand!))
            {
                UseShellExecute = false,
            };
            start.Environment["B1BACKUP_SCHEDULE"] = definition.Name;
            start.Environment["B1BACKUP_ERROR"] = error;
            try
            {
                using var process = System.Diagnostics.Process.Start(start)!;
                if (!process.WaitForExit(60000))
                {
                    WriteWarning($"The notify command of '{definition.Name}' did not finish within a minute.");
                }
                else if (process.ExitCode != 0)
                {
                    WriteWarning($"The notify command of '{definition.Name}' failed ({process.ExitCode}).");
                }
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                WriteWarning($"The notify command of '{definition.Name}' could not be started: {e.Message}");
            }
        }
    }
}
