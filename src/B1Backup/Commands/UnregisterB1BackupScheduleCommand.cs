using System.Management.Automation;
using B1Backup.Core;
using B1Backup.Core.Schedule;

namespace B1Backup.Commands
{
    /// <summary>Removes a schedule: its crontab line or scheduled task, and its definition. Its log is kept.</summary>
    [Cmdlet(VerbsLifecycle.Unregister, "B1BackupSchedule", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(ScheduleInfo))]
    public sealed class UnregisterB1BackupScheduleCommand : B1Cmdlet
    {
        /// <summary>The schedule to remove, also from Get-B1BackupSchedule's objects.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; } = string.Empty;

        /// <summary>Emit the removed schedule.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            try
            {
                string path = ScheduleStore.DefinitionPath(ScheduleStore.Home(), Name);
                if (!System.IO.File.Exists(path))
                {
                    WriteEngineError(new B1BackupException("ScheduleNotFound", FailureKind.NotFound,
                        $"There is no schedule named '{Name}'. List them with Get-B1BackupSchedule."), Name);
                    return;
                }

                var definition = ScheduleDefinition.Read(path);
                if (!ShouldProcess(definition.Platform == SchedulePlatform.Cron ? $"crontab line '{Name}'" : $"scheduled task B1Backup\\{Name}", "Unregister the recurring backup"))
                {
                    return;
                }

                if (definition.Platform == SchedulePlatform.Cron)
                {
                    string crontab = ScheduleRegistry.Crontab(this);
                    SchedulerTool.Run(this, "crontab", new[] { "-" }, ScheduleBuilder.RemoveFromCrontab(crontab, Name), allowFailure: false);
                }
                else
                {
                    SchedulerTool.Run(this, "schtasks.exe", new[] { "/Delete", "/F", "/TN", "B1Backup\\" + Name }, null, allowFailure: true);
                }

                System.IO.File.Delete(path);
                WriteVerbose($"Unregistered '{Name}'. Its log stays in {definition.LogPath}.");
                if (PassThru)
                {
                    WriteObject(ScheduleInfo.From(definition, registered: false));
                }
            }
            catch (B1BackupException e)
            {
                ThrowEngineError(e);
            }
        }
    }
}
