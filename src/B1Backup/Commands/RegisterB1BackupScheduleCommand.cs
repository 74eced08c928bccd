using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Runtime.InteropServices;
using B1Backup.Core;
using B1Backup.Core.Schedule;
using B1Backup.Core.Store;

namespace B1Backup.Commands
{
    /// <summary>
    /// Creates a daily backup with retention (a crontab line on Linux, a scheduled task on Windows), after
    /// proving that it runs: the environment file is private, and a dry run started exactly as the scheduler
    /// will start it (cron's near-empty environment included) imports the module, connects and can write.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Register, "B1BackupSchedule", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(SchedulePlan))]
    public sealed class RegisterB1BackupScheduleCommand : B1Cmdlet
    {
        /// <summary>The schedule's name; registering the same name again replaces it. Default: B1Backup-&lt;environment&gt;.</summary>
        [Parameter]
        public string? Name { get; set; }

        [Parameter]
        [ArgumentCompleter(typeof(EnvironmentCompleter))]
        [ValidatePattern("^[A-Za-z0-9_-]{1,64}$")]
        public string? Environment { get; set; }

        /// <summary>The databases to back up (names or wildcards). Default: the database of DATABASE_URL.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? Database { get; set; }

        /// <summary>The backup root. Default: ./backups, made absolute.</summary>
        [Parameter(Position = 0)]
        [Alias("BackupRoot")]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = "./backups";

        /// <summary>Time of day (local). Default: 02:00.</summary>
        [Parameter]
        public TimeSpan At { get; set; } = new TimeSpan(2, 0, 0);

        /// <summary>Days to keep. Default: production 30, staging 7, development 3.</summary>
        [Parameter]
        [ValidateRange(1, 3650)]
        public int RetentionDays { get; set; }

        /// <summary>A restore drill of the new backup every this many days (7: weekly). Default: none.</summary>
        [Parameter]
        [ValidateRange(1, 365)]
        public int DrillEveryDays { get; set; }

        /// <summary>Run when the job fails (bash on Linux, cmd on Windows), with B1BACKUP_SCHEDULE and B1BACKUP_ERROR set.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? NotifyCommand { get; set; }

        /// <summary>Linux: a file (mode 0600) that sets DATABASE_URL for the job, so no password is in the crontab.</summary>
        [Parameter]
        public string? EnvironmentFile { get; set; }

        /// <summary>Cron or WindowsTask. Default: the one of this system.</summary>
        [Parameter]
        public SchedulePlatform Platform { get; set; } = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? SchedulePlatform.WindowsTask : SchedulePlatform.Cron;

        protected override void EndProcessing()
        {
            string environment = Environment ?? Environments.FromVariable() ?? "development";
            string name = Name ?? "B1Backup-" + environment;
            string home = ScheduleStore.Home();
            if (IsStore(Path) && B1Backup.Core.Remote.BlobPath.LooksLikeBlobPath(Path) && Path.Contains('?'))
            {
                // The definition is a file; a token in it would be a secret at rest.
                ThrowEngineError(new B1BackupException("ScheduleTokenInPath", FailureKind.InvalidArgument,
                    "A schedule's -Path is stored in its definition, so it cannot carry a SAS token. Put the credential in the -EnvironmentFile instead, as AZURE_STORAGE_CONNECTION_STRING (BlobEndpoint=...;SharedAccessSignature=...) or AZURE_STORAGE_KEY, or give the job a managed identity."));
            }

            var definition = new ScheduleDefinition
            {
                Name = name,
                Environment = environment,
                BackupRoot = ToLocation(Path),
                Databases = Database ?? Array.Empty<string>(),
                At = At,
                RetentionDays = RetentionDays,
                DrillEveryDays = DrillEveryDays,
                NotifyCommand = NotifyCommand,
                EnvironmentFile = EnvironmentFile != null ? ToFileSystemPath(EnvironmentFile) : null,
                Platform = Platform,
                ModulePath = ModuleManifestPath(),
                Shell = JobShell(),
                DefinitionPath = ScheduleStore.DefinitionPath(home, name),
                LogPath = ScheduleStore.LogPath(home, name),
            };
            SchedulePlan plan;
            try
            {
                plan = ScheduleBuilder.Build(definition);
            }
            catch (B1BackupException e)
            {
                throw TerminatingError(e);
            }

            if (!ShouldProcess(plan.Description, "Register the recurring backup"))
            {
                return;
            }

            try
            {
                if (Platform == SchedulePlatform.Cron)
                {
                    CheckEnvironmentFile(definition.EnvironmentFile);
                }
            }
            catch (B1BackupException e)
            {
                throw TerminatingError(e);
            }

            ScheduleStore.Save(definition);
            try
            {
                ProveItRuns(plan, name);
                if (Platform == SchedulePlatform.Cron)
                {
                    string existing = SchedulerTool.Run(this, "crontab", new[] { "-l" }, null, allowFailure: true);
                    SchedulerTool.Run(this, "crontab", new[] { "-" }, ScheduleBuilder.MergeCrontab(existing, plan), allowFailure: false);
                }
                else
                {
                    SchedulerTool.Run(this, "schtasks.exe", plan.TaskArguments, null, allowFailure: false);
                }
            }
            catch (B1BackupException e)
            {
                // Nothing half-registered: no definition without its schedule.
                File.Delete(definition.DefinitionPath);
                throw TerminatingError(e);
            }

            WriteVerbose($"Registered. The job logs one line per run to {definition.LogPath}; see it with Get-B1BackupSchedule.");
            WriteObject(plan);
        }

        /// <summary>Cron's environment has no DATABASE_URL: it must come from a file only its owner can read.</summary>
        private static void CheckEnvironmentFile(string? file)
        {
            if (file == null)
            {
                throw new B1BackupException("EnvironmentFileRequired", FailureKind.InvalidArgument,
                    "cron starts the job with a nearly empty environment, so it would have no DATABASE_URL: pass -EnvironmentFile with a file (mode 0600) holding DATABASE_URL=... .");
            }

            if (!File.Exists(file))
            {
                throw new B1BackupException("EnvironmentFileMissing", FailureKind.NotFound,
                    $"The environment file '{file}' does not exist. Create it with DATABASE_URL=... and chmod 600, then register again.")
                { Target = file };
            }

            if (!B1Backup.Core.Archive.FileProtection.IsPrivate(file, out string mode))
            {
                throw new B1BackupException("EnvironmentFileNotPrivate", FailureKind.SecurityError,
                    $"The environment file '{file}' holds a password and can be read by others (mode {mode}). Run chmod 600 on it, then register again.")
                { Target = file };
            }
        }

        /// <summary>Starts the dry run exactly as the scheduler will start the job; cron's environment is reproduced with env -i.</summary>
        private void ProveItRuns(SchedulePlan plan, string name)
        {
            var command = new List<string>(plan.DryRun);
            if (plan.Platform == SchedulePlatform.Cron)
            {
                string home = System.Environment.GetEnvironmentVariable("HOME") ?? "/root";
                string user = System.Environment.GetEnvironmentVariable("USER") ?? System.Environment.UserName;
                command.InsertRange(0, new[] { "env", "-i", "HOME=" + home, "LOGNAME=" + user, "SHELL=/bin/sh", "PATH=/usr/bin:/bin" });
                string? b1home = System.Environment.GetEnvironmentVariable("B1BACKUP_HOME");
                if (b1home != null)
                {
                    command.Insert(2, "B1BACKUP_HOME=" + b1home);
                }
            }

            WriteVerbose("Dry run, as the scheduler will start the job: " + string.Join(" ", command));
            var result = SchedulerTool.Capture(command[0], command.Skip(1));
            if (result.ExitCode != 0)
            {
                string said = (result.Error + "\n" + result.Output).Trim();
                throw new B1BackupException("ScheduleDryRunFailed", FailureKind.InvalidArgument,
                    $"The schedule '{name}' was not registered: its dry run, started as the scheduler would start it, failed ({result.ExitCode}): {Last(said, 600)}");
            }
        }

        private static string Last(string text, int length) => text.Length <= length ? text : "..." + text.Substring(text.Length - length);

        /// <summary>The B1Backup.psd1 this session imported, by absolute path.</summary>
        private string ModuleManifestPath()
        {
            string folder = MyInvocation.MyCommand.Module?.ModuleBase ?? System.IO.Path.GetDirectoryName(typeof(RegisterB1BackupScheduleCommand).Assembly.Location)!;
            foreach (string candidate in new[] { System.IO.Path.Combine(folder, "B1Backup.psd1"), System.IO.Path.Combine(folder, "..", "..", "B1Backup.psd1") })
            {
                if (File.Exists(candidate))
                {
                    return System.IO.Path.GetFullPath(candidate);
                }
            }

            return System.IO.Path.Combine(folder, "B1Backup.psd1");
        }

        /// <summary>The PowerShell running now, by absolute path: pwsh, powershell.exe, or dotnet with the pwsh.dll of a dotnet tool.</summary>
        private string[] JobShell()
        {
            string? process = System.Environment.GetCommandLineArgs().FirstOrDefault();
            string psHome = (string)SessionState.PSVariable.GetValue("PSHOME", string.Empty);
            string processPath = System.Diagnostics.Process.GetCurrentProcess().MainModule?.FileName ?? process ?? "pwsh";
            string dll = System.IO.Path.Combine(psHome, "pwsh.dll");
            return System.IO.Path.GetFileNameWithoutExtension(processPath).Equals("dotnet", StringComparison.OrdinalIgnoreCase) && File.Exists(dll)
                ? new[] { processPath, dll }
                : new[] { processPath };
        }
    }
}
