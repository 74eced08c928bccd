namespace B1Backup.Core.Store
{
    public sealed class ManifestTable
    {
        public string Name { get; set; } = string.Empty;

        public long Rows { get; set; }

        public long DataBytes { get; set; }
    }
}
