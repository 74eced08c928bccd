namespace B1Backup.Core.Drill
{
    public enum DrillReportFormat
    {
        Html,
        Markdown,
    }
}
