namespace B1Backup.Core.Store
{
    public enum CompressionKind
    {
        Gzip,
        Zstd,
        None,
    }
}
