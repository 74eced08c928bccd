using System.Linq;
using System.Management.Automation;
using System.Runtime.InteropServices;
using B1Backup.Core;
using B1Backup.Core.Schedule;

namespace B1Backup.Commands
{
    /// <summary>Lists the registered schedules with their last run (from their logs) and whether the scheduler still holds them.</summary>
    [Cmdlet(VerbsCommon.Get, "B1BackupSchedule")]
    [OutputType(typeof(ScheduleInfo))]
    public sealed class GetB1BackupScheduleCommand : B1Cmdlet
    {
        /// <summary>Only schedules whose name matches (wildcards allowed). Default: all.</summary>
        [Parameter(Position = 0)]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; } = "*";

        protected override void EndProcessing()
        {
            var pattern = new WildcardPattern(Name, WildcardOptions.IgnoreCase);
            try
            {
                string crontab = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? string.Empty : ScheduleRegistry.Crontab(this);
                foreach (var definition in ScheduleStore.List(ScheduleStore.Home()).Where(d => pattern.IsMatch(d.Name)))
                {
                    WriteObject(ScheduleInfo.From(definition, ScheduleRegistry.IsRegistered(definition, crontab)));
                }
            }
            catch (B1BackupException e)
            {
                ThrowEngineError(e);
            }
        }
    }
}
