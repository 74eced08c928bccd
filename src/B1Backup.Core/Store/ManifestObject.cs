namespace B1Backup.Core.Store
{
    /// <summary>A view, routine, trigger, event or sequence in the dump.</summary>
    public sealed class ManifestObject
    {
        public string Kind { get; set; } = string.Empty;

        public string Name { get; set; } = string.Empty;
    }
}
