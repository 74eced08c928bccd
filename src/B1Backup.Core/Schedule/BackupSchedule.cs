using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using B1Backup.Core.Store;

namespace B1Backup.Core.Schedule
{
    public enum SchedulePlatform
    {
        Cron,
        WindowsTask,
    }

    /// <summary>What a recurring backup asks for. It never holds a password: the job reads DATABASE_URL where it runs.</summary>
    public sealed class ScheduleRequest
    {
        public string Name { get; set; } = string.Empty;

        public string Environment { get; set; } = "development";

        /// <summary>The backup root, as an absolute path.</summary>
        public string BackupRoot { get; set; } = string.Empty;

        /// <summary>Time of day, local.</summary>
        public TimeSpan At { get; set; } = new TimeSpan(2, 0, 0);

        public int RetentionDays { get; set; }

        /// <summary>Linux: a file (mode 0600) that sets DATABASE_URL for the job. Windows: the job uses the task user's environment.</summary>
        public string? EnvironmentFile { get; set; }

        /// <summary>The PowerShell the job runs: pwsh by default.</summary>
        public string Shell { get; set; } = "pwsh";

        /// <summary>Retention the brief asks for: production 30 days, staging 7, development 3, anything else 7.</summary>
        public static int DefaultRetentionDays(string environment) => environment.ToLowerInvariant() switch
        {
            "production" or "prod" => 30,
            "staging" => 7,
            "development" or "dev" => 3,
            _ => 7,
        };
    }

    /// <summary>Exactly what will be created: shown by -WhatIf, carried out otherwise.</summary>
    public sealed class SchedulePlan
    {
        public SchedulePlatform Platform { get; set; }

        public string Name { get; set; } = string.Empty;

        /// <summary>The PowerShell command the job runs: the backup, then the retention one-liner.</summary>
        public string PowerShellCommand { get; set; } = string.Empty;

        /// <summary>Cron: the crontab line, with its marker comment.</summary>
        public string? CronLine { get; set; }

        /// <summary>Windows: the schtasks.exe arguments.</summary>
        public IReadOnlyList<string> TaskArguments { get; set; } = Array.Empty<string>();

        public string Description { get; set; } = string.Empty;

        public override string ToString() => Description;
    }

    /// <summary>Builds the recurring backup's command for cron or the Windows task scheduler. Talks to neither.</summary>
    public static class ScheduleBuilder
    {
        public const string CronMarker = "# B1Backup schedule: ";

        private static readonly Regex SafeName = new Regex("^[A-Za-z0-9_.-]{1,64}$", RegexOptions.CultureInvariant);

        public static SchedulePlan Build(ScheduleRequest request, SchedulePlatform platform)
        {
            BackupName.ValidateEnvironment(request.Environment);
            if (!SafeName.IsMatch(request.Name))
            {
                throw new B1BackupException("InvalidScheduleName", FailureKind.InvalidArgument,
                    $"The schedule name '{request.Name}' may hold only letters, digits, '.', '-' and '_' (at most 64).");
            }

            if (request.At < TimeSpan.Zero || request.At >= TimeSpan.FromDays(1))
            {
                throw new B1BackupException("InvalidScheduleTime", FailureKind.InvalidArgument, "-At must be a time of day, such as 02:00.");
            }

            int retention = request.RetentionDays > 0 ? request.RetentionDays : ScheduleRequest.DefaultRetentionDays(request.Environment);
            string root = PowerShellQuote(request.BackupRoot);
            string command =
                "Import-Module B1Backup; " +
                $"Backup-B1Database -Environment {request.Environment} -Path {root} -ErrorAction Stop | Out-Null; " +
                $"Get-B1Backup -Path {root} -Environment {request.Environment} | Where-Object Age -gt (New-TimeSpan -Days {retention}) | Remove-B1Backup";
            var plan = new SchedulePlan { Platform = platform, Name = request.Name, PowerShellCommand = command };
            string time = request.At.ToString(@"hh\:mm", CultureInfo.InvariantCulture);
            if (platform == SchedulePlatform.Cron)
            {
                string load = request.EnvironmentFile != null ? $"set -a; . {ShellQuote(request.EnvironmentFile)}; set +a; " : string.Empty;
                string job = load + $"{request.Shell} -NoProfile -NonInteractive -Command {ShellQuote(command)}";
                // cron turns an unescaped % into a newline.
                plan.CronLine = $"{request.At.Minutes} {request.At.Hours} * * * /bin/bash -c {ShellQuote(job).Replace("%", "\\%")} {CronMarker}{request.Name}";
                plan.Description = $"crontab line (daily at {time}, keeps {retention} days): {plan.CronLine}";
            }
            else
            {
                string shell = request.Shell == "pwsh" ? "pwsh.exe" : request.Shell;
                plan.TaskArguments = new[]
                {
                    "/Create", "/F", "/TN", "B1Backup\\" + request.Name, "/SC", "DAILY", "/ST", time,
                    "/TR", $"{shell} -NoProfile -NonInteractive -Command \"{command.Replace("\"", "\\\"")}\"",
                };
                plan.Description = $"scheduled task B1Backup\\{request.Name} (daily at {time}, keeps {retention} days): schtasks.exe {string.Join(" ", plan.TaskArguments.Select(WindowsQuote))}";
            }

            return plan;
        }

        /// <summary>The crontab with this schedule's line replaced (or added); other lines untouched.</summary>
        public static string MergeCrontab(string existing, SchedulePlan plan)
        {
            var lines = existing.Replace("\r\n", "\n").Split('\n').Where(l => l.Length > 0 && !l.EndsWith(CronMarker + plan.Name, StringComparison.Ordinal)).ToList();
            lines.Add(plan.CronLine!);
            return string.Join("\n", lines) + "\n";
        }

        public static string PowerShellQuote(string text) => "'" + text.Replace("'", "''") + "'";

        public static string ShellQuote(string text) => "'" + text.Replace("'", "'\\''") + "'";

        private static string WindowsQuote(string argument) => argument.IndexOfAny(new[] { ' ', '"' }) >= 0 ? "\"" + argument.Replace("\"", "\\\"") + "\"" : argument;
    }
}
