namespace B1Backup.Core.Schedule
{
    /// <summary>Which system scheduler a schedule is registered with.</summary>
    public enum SchedulePlatform
    {
        Cron,
        WindowsTask,
    }
}
