namespace B1Backup.Core.Connection
{
    /// <summary>
    /// What a caller supplied: a connection string (DATABASE_URL or ADO form) and/or separate
    /// values. Separate values win over the string's parts.
    /// </summary>
    public sealed class ConnectionRequest
    {
        public string? ConnectionString { get; set; }

        public string? Server { get; set; }

        public int? Port { get; set; }

        public string? Database { get; set; }

        public string? User { get; set; }

        public string? Password { get; set; }

        public TlsMode? TlsMode { get; set; }

        public string? SslCa { get; set; }
    }
}
