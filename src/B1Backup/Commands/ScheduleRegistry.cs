using System;
using System.Linq;
using B1Backup.Core.Schedule;

namespace B1Backup.Commands
{
    /// <summary>Whether the system's scheduler still holds a schedule.</summary>
    internal static class ScheduleRegistry
    {
        public static string Crontab(B1Cmdlet cmdlet) => SchedulerTool.Run(cmdlet, "crontab", new[] { "-l" }, null, allowFailure: true);

        public static bool IsRegistered(ScheduleDefinition definition, string crontab)
        {
            if (definition.Platform == SchedulePlatform.Cron)
            {
                return crontab.Replace("\r\n", "\n").Split('\n').Any(l => l.EndsWith(ScheduleBuilder.CronMarker + definition.Name, StringComparison.Ordinal));
            }

            var result = SchedulerTool.Capture("schtasks.exe", new[] { "/Query", "/TN", "B1Backup\\" + definition.Name });
            return result.ExitCode == 0;
        }
    }
}
