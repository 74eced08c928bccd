using System;

namespace B1Backup.Core.Remote
{
    /// <summary>
    /// What may authenticate to Azure Blob Storage, besides a SAS token in the location's URL: a
    /// connection string or an account key, given as parameters or read from the variables the Azure
    /// CLI reads (AZURE_STORAGE_CONNECTION_STRING, AZURE_STORAGE_KEY). With none of them, Azure.Identity's
    /// default chain (environment, workload and managed identity, az login) is used.
    /// </summary>
    public sealed class BlobCredentials
    {
        public const string ConnectionStringVariable = "AZURE_STORAGE_CONNECTION_STRING";
        public const string AccountKeyVariable = "AZURE_STORAGE_KEY";

        public string? ConnectionString { get; set; }

        public string? AccountKey { get; set; }

        /// <summary>Parameters first; the environment fills what they leave empty.</summary>
        public static BlobCredentials Resolve(string? connectionString, string? accountKey) => new BlobCredentials
        {
            ConnectionString = NonEmpty(connectionString) ?? (NonEmpty(accountKey) == null ? NonEmpty(Environment.GetEnvironmentVariable(ConnectionStringVariable)) : null),
            AccountKey = NonEmpty(accountKey) ?? NonEmpty(Environment.GetEnvironmentVariable(AccountKeyVariable)),
        };

        private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
    }
}
