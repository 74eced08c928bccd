using System;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using B1Backup.Core.Store;

namespace B1Backup.Core.Schedule
{
    /// <summary>Builds the recurring backup's command for cron or the Windows task scheduler. Talks to neither.</summary>
    public static class ScheduleBuilder
    {
        private static readonly char[] CharactersToQuote = { ' ', '"' };

        public const string CronMarker = "# B1Backup schedule: ";

        private static readonly Regex SafeName = new Regex("^[A-Za-z0-9_.-]{1,64}$", RegexOptions.CultureInvariant);

        public static SchedulePlan Build(ScheduleDefinition definition)
        {
            BackupName.ValidateEnvironment(definition.Environment);
            if (!SafeName.IsMatch(definition.Name))
            {
                throw new B1BackupException("InvalidScheduleName", FailureKind.InvalidArgument,
                    $"The schedule name '{definition.Name}' may hold only letters, digits, '.', '-' and '_' (at most 64).");
            }

            if (definition.At < TimeSpan.Zero || definition.At >= TimeSpan.FromDays(1))
            {
                throw new B1BackupException("InvalidScheduleTime", FailureKind.InvalidArgument, "-At must be a time of day, such as 02:00.");
            }

            int retention = definition.EffectiveRetentionDays;
            string command = JobCommand(definition, dryRun: false);
            var plan = new SchedulePlan { Platform = definition.Platform, Name = definition.Name, PowerShellCommand = command };
            string time = definition.At.ToString(@"hh\:mm", CultureInfo.InvariantCulture);
            string what = (definition.Databases.Length == 0 ? "the database of DATABASE_URL" : string.Join(", ", definition.Databases))
                + $" to {definition.BackupRoot}, daily at {time}, keeps {retention} days"
                + (definition.DrillEveryDays > 0 ? $", a restore drill every {definition.DrillEveryDays} days" : string.Empty)
                + $", log {definition.LogPath}";
            if (definition.Platform == SchedulePlatform.Cron)
            {
                string load = definition.EnvironmentFile != null ? $"set -a; . {ShellQuote(definition.EnvironmentFile)}; set +a; " : string.Empty;
                string shell = string.Join(" ", definition.Shell.Select(ShellQuote));
                string job = load + $"exec {shell} -NoProfile -NonInteractive -Command {ShellQuote(command)}";
                // cron turns an unescaped % into a newline.
                plan.CronLine = $"{definition.At.Minutes} {definition.At.Hours} * * * /bin/bash -c {ShellQuote(job).Replace("%", "\\%")} {CronMarker}{definition.Name}";
                plan.DryRun = new[] { "/bin/bash", "-c", load + $"exec {shell} -NoProfile -NonInteractive -Command {ShellQuote(JobCommand(definition, dryRun: true))}" };
                plan.Description = $"crontab line ({what}): {plan.CronLine}";
            }
            else
            {
                string shell = string.Join(" ", definition.Shell.Select(WindowsQuote));
                plan.TaskArguments = new[]
                {
                    "/Create", "/F", "/TN", "B1Backup\\" + definition.Name, "/SC", "DAILY", "/ST", time,
                    "/TR", $"{shell} -NoProfile -NonInteractive -Command \"{command.Replace("\"", "\\\"")}\"",
                };
                plan.DryRun = definition.Shell.Concat(new[] { "-NoProfile", "-NonInteractive", "-Command", JobCommand(definition, dryRun: true) }).ToArray();
                plan.Description = $"scheduled task B1Backup\\{definition.Name} ({what}): schtasks.exe {string.Join(" ", plan.TaskArguments.Select(WindowsQuote))}";
            }

            return plan;
        }

        /// <summary>
        /// Imports the module by its path and runs the saved definition, quietly (cron mails any output). A cmdlet's
        /// terminating error ends only its statement, and pwsh -Command would still exit 0: the catch writes the
        /// error to stderr and exits 1.
        /// </summary>
        private static string JobCommand(ScheduleDefinition definition, bool dryRun) =>
            $"try {{ Import-Module {PowerShellQuote(definition.ModulePath)} -ErrorAction Stop; Invoke-B1BackupJob -Definition {PowerShellQuote(definition.DefinitionPath)}{(dryRun ? " -DryRun" : string.Empty)} -ErrorAction Stop | Out-Null }} catch {{ [Console]::Error.WriteLine($_.ToString()); exit 1 }}";

        /// <summary>The crontab with this schedule's line replaced (or added); other lines untouched.</summary>
        public static string MergeCrontab(string existing, SchedulePlan plan)
        {
            var lines = existing.Replace("\r\n", "\n").Split('\n').Where(l => l.Length > 0 && !l.EndsWith(CronMarker + plan.Name, StringComparison.Ordinal)).ToList();
            lines.Add(plan.CronLine!);
            return string.Join("\n", lines) + "\n";
        }

        /// <summary>The crontab without this schedule's line; other lines untouched.</summary>
        public static string RemoveFromCrontab(string existing, string name)
        {
            var lines = existing.Replace("\r\n", "\n").Split('\n').Where(l => l.Length > 0 && !l.EndsWith(CronMarker + name, StringComparison.Ordinal)).ToList();
            return lines.Count == 0 ? string.Empty : string.Join("\n", lines) + "\n";
        }

        public static string PowerShellQuote(string text) => "'" + text.Replace("'", "''") + "'";

        public static string ShellQuote(string text) => "'" + text.Replace("'", "'\\''") + "'";

        private static string WindowsQuote(string argument) => argument.IndexOfAny(CharactersToQuote) >= 0 ? "\"" + argument.Replace("\"", "\\\"") + "\"" : argument;
    }
}
