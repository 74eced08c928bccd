using System;
using System.Collections.Generic;

namespace B1Backup.Core.Schedule
{
    /// <summary>Exactly what will be created: shown by -WhatIf, carried out otherwise.</summary>
    public sealed class SchedulePlan
    {
        public SchedulePlatform Platform { get; set; }

        public string Name { get; set; } = string.Empty;

        /// <summary>The PowerShell command the job runs: Invoke-B1BackupJob with the schedule's definition file.</summary>
        public string PowerShellCommand { get; set; } = string.Empty;

        /// <summary>The same job as a dry run, as the scheduler would start it (argv): what registration runs first.</summary>
        public IReadOnlyList<string> DryRun { get; set; } = Array.Empty<string>();

        /// <summary>Cron: the crontab line, with its marker comment.</summary>
        public string? CronLine { get; set; }

        /// <summary>Windows: the schtasks.exe arguments.</summary>
        public IReadOnlyList<string> TaskArguments { get; set; } = Array.Empty<string>();

        public string Description { get; set; } = string.Empty;

        public override string ToString() => Description;
    }
}
