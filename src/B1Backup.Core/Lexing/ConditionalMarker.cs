namespace B1Backup.Core.Lexing
{
    /// <summary>The kinds of executable comment: /*! (all servers), /*M! (MariaDB only), /*T! (TiDB only).</summary>
    public enum ConditionalMarker
    {
        Any,
        MariaDb,
        TiDb,
    }
}
