namespace B1Backup.Core.Connection
{
    /// <summary>How strictly the connection is encrypted, weakest first.</summary>
    public enum TlsMode
    {
        Disabled = 0,
        Preferred = 1,
        Required = 2,
        VerifyCA = 3,
        VerifyIdentity = 4,
    }
}
