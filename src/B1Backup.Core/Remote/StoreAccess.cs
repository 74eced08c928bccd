namespace B1Backup.Core.Remote
{
    /// <summary>What may open a store: Azure Blob Storage credentials and S3 endpoint and keys; each used only for its kind of location.</summary>
    public sealed class StoreAccess
    {
        public BlobCredentials Blob { get; set; } = new BlobCredentials();

        public S3Credentials S3 { get; set; } = new S3Credentials();

        /// <summary>Parameters first; the environment variables each SDK's users expect fill the rest.</summary>
        public static StoreAccess Resolve(string? connectionString, string? accountKey, string? endpoint, string? accessKey, string? secretKey) => new StoreAccess
        {
            Blob = BlobCredentials.Resolve(connectionString, accountKey),
            S3 = S3Credentials.Resolve(endpoint, accessKey, secretKey),
        };

        /// <summary>From the environment only (a scheduled job's environment file, a machine's identity).</summary>
        public static StoreAccess FromEnvironment() => Resolve(null, null, null, null, null);
    }
}
