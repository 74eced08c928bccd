namespace B1Backup.Core.Connection
{
    /// <summary>The kind of server a URL scheme or a version string points at.</summary>
    public enum ServerKind
    {
        Unknown,
        MySql,
        MariaDb,
        TiDb,
    }
}
