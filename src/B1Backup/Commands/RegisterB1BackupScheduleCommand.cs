using System;
using System.Diagnostics;
using System.Management.Automation;
using System.Runtime.InteropServices;
using B1Backup.Core;
using B1Backup.Core.Schedule;

namespace B1Backup.Commands
{
    /// <summary>
    /// Creates a daily backup with retention: a crontab line on Linux and macOS, a scheduled task on
    /// Windows. -WhatIf shows exactly what would be created. The job holds no password.
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

        /// <summary>The backup root. Default: ./backups, made absolute.</summary>
        [Parameter(Position = 0)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = "./backups";

        /// <summary>Time of day (local). Default: 02:00.</summary>
        [Parameter]
        public TimeSpan At { get; set; } = new TimeSpan(2, 0, 0);

        /// <summary>Days to keep. Default: production 30, staging 7, development 3.</summary>
        [Parameter]
        [ValidateRange(1, 3650)]
        public int RetentionDays { get; set; }

        /// <summary>Linux: a file (mode 0600) that sets DATABASE_URL for the job, so no password is in the crontab.</summary>
        [Parameter]
        public string? EnvironmentFile { get; set; }

        /// <summary>Cron or WindowsTask. Default: the one of this system.</summary>
        [Parameter]
        public SchedulePlatform Platform { get; set; } = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? SchedulePlatform.WindowsTask : SchedulePlatform.Cron;

        protected override void EndProcessing()
        {
            string environment = Environment ?? EnvironmentName.FromVariable() ?? "development";
            var request = new ScheduleRequest
            {
                Name = Name ?? "B1Backup-" + environment,
                Environment = environment,
                BackupRoot = ToFileSystemPath(Path),
                At = At,
                RetentionDays = RetentionDays,
                EnvironmentFile = EnvironmentFile != null ? ToFileSystemPath(EnvironmentFile) : null,
            };
            SchedulePlan plan;
            try
            {
                plan = ScheduleBuilder.Build(request, Platform);
            }
            catch (B1BackupException e)
            {
                ThrowEngineError(e);
                return;
            }

            if (Platform == SchedulePlatform.Cron && request.EnvironmentFile == null)
            {
                WriteWarning("The job reads DATABASE_URL from its environment, and cron's is nearly empty: pass -EnvironmentFile with a file (mode 0600) that sets it.");
            }

            if (!ShouldProcess(plan.Description, "Register the recurring backup"))
            {
                return;
            }

            if (Platform == SchedulePlatform.Cron)
            {
                string existing = Run("crontab", new[] { "-l" }, null, allowFailure: true);
                Run("crontab", new[] { "-" }, ScheduleBuilder.MergeCrontab(existing, plan), allowFailure: false);
            }
            else
            {
                Run("schtasks.exe", plan.TaskArguments, null, allowFailure: false);
            }

            WriteObject(plan);
        }

        private string Run(string file, System.Collections.Generic.IEnumerable<string> arguments, string? input, bool allowFailure)
        {
            var start = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = input != null };
            start.Arguments = string.Join(" ", System.Linq.Enumerable.Select(arguments, a => a.IndexOfAny(new[] { ' ', '"', '\'' }) >= 0 ? "\"" + a.Replace("\"", "\\\"") + "\"" : a));
            try
            {
                using var process = Process.Start(start)!;
                if (input != null)
                {
                    process.StandardInput.Write(input);
                    process.StandardInput.Close();
                }

                string output = process.StandardOutput.ReadToEnd();
                string error = process.StandardError.ReadToEnd();
                process.WaitForExit();
                if (process.ExitCode != 0 && !allowFailure)
                {
                    ThrowEngineError(new B1BackupException("ScheduleFailed", FailureKind.ResourceUnavailable, $"{file} failed ({process.ExitCode}): {error.Trim()}"));
                }

                return process.ExitCode == 0 ? output : string.Empty;
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                ThrowEngineError(new B1BackupException("SchedulerMissing", FailureKind.NotFound,
                    $"'{file}' is not available ({e.Message}). On Debian: apt-get install cron.", e));
                return string.Empty;
            }
        }
    }
}
