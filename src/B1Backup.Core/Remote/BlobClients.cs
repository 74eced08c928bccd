using System;
using System.Collections.Concurrent;
using Azure;
using Azure.Core;
using Azure.Identity;
using Azure.Storage;
using Azure.Storage.Blobs;

namespace B1Backup.Core.Remote
{
    /// <summary>
    /// Builds the container client for a location. The credential is taken from, in order: a SAS token
    /// in the URL, a connection string, an account key, the one this session last used for the same
    /// container (so a listing piped on loses nothing by showing URLs without their token), and
    /// Azure.Identity's default chain (managed identity, workload identity, environment, az login).
    /// </summary>
    internal static class BlobClients
    {
        // Per process, never written anywhere: what a pipeline's earlier cmdlet authenticated with.
        private static readonly ConcurrentDictionary<string, BlobContainerClient> Recent = new ConcurrentDictionary<string, BlobContainerClient>(StringComparer.OrdinalIgnoreCase);

        public static BlobContainerClient ContainerFor(BlobPath location, BlobCredentials credentials)
        {
            var options = NewOptions();
            string cacheKey = location.WithKey(string.Empty).Display;
            BlobContainerClient client;
            if (location.Sas != null)
            {
                client = new BlobContainerClient(location.ContainerUri, new AzureSasCredential(location.Sas), options);
            }
            else if (credentials.ConnectionString != null)
            {
                client = FromConnectionString(location, credentials.ConnectionString, options);
            }
            else if (credentials.AccountKey != null)
            {
                client = new BlobContainerClient(location.ContainerUri, SharedKey(location.Account, credentials.AccountKey), options);
            }
            else if (Recent.TryGetValue(cacheKey, out var recent))
            {
                return recent;
            }
            else
            {
                TokenCredential identity = new DefaultAzureCredential(new DefaultAzureCredentialOptions { ExcludeInteractiveBrowserCredential = true });
                client = new BlobContainerClient(location.ContainerUri, identity, options);
            }

            Recent[cacheKey] = client;
            return client;
        }

        internal static BlobClientOptions NewOptions()
        {
            var options = new BlobClientOptions();
            // Fail within a minute or so when the service is gone, rather than after the SDK's longer default.
            options.Retry.MaxRetries = 3;
            options.Retry.Delay = TimeSpan.FromSeconds(0.5);
            options.Retry.MaxDelay = TimeSpan.FromSeconds(8);
            options.Retry.NetworkTimeout = TimeSpan.FromSeconds(60);
            options.Diagnostics.IsLoggingEnabled = false;
            options.Diagnostics.IsTelemetryEnabled = false;
            return options;
        }

        private static BlobContainerClient FromConnectionString(BlobPath location, string connectionString, BlobClientOptions options)
        {
            BlobServiceClient service;
            try
            {
                service = new BlobServiceClient(connectionString, options);
            }
            catch (Exception e) when (e is FormatException || e is ArgumentException || e is InvalidOperationException)
            {
                // The parser's message may quote the string, key included.
                throw new B1BackupException("InvalidStorageConnectionString", FailureKind.InvalidArgument,
                    "The storage connection string cannot be read. Copy it again from the portal (Access keys) or from 'az storage account show-connection-string'.");
            }

            if (!string.Equals(service.AccountName, location.Account, StringComparison.OrdinalIgnoreCase))
            {
                throw new B1BackupException("StorageAccountMismatch", FailureKind.InvalidArgument,
                    $"The storage connection string is for account '{service.AccountName}', but the location '{location.Display}' is in account '{location.Account}'.");
            }

            // az://account/... goes wherever the connection string points (Azurite, a private endpoint);
            // an explicit URL must agree with it.
            if (!location.IsShortForm && !SameEndpoint(service.Uri, location.AccountEndpoint))
            {
                throw new B1BackupException("StorageEndpointMismatch", FailureKind.InvalidArgument,
                    $"The storage connection string points at '{service.Uri.GetLeftPart(UriPartial.Path)}', but the location '{location.Display}' is at '{location.AccountEndpoint}'. Use one of them.");
            }

            return service.GetBlobContainerClient(location.Container);
        }

        private static StorageSharedKeyCredential SharedKey(string account, string key)
        {
            try
            {
                Convert.FromBase64String(key);
                return new StorageSharedKeyCredential(account, key);
            }
            catch (FormatException)
            {
                throw new B1BackupException("InvalidStorageAccountKey", FailureKind.InvalidArgument,
                    "The storage account key is not base64. Copy it again from the portal (Access keys) or from 'az storage account keys list'.");
            }
        }

        private static bool SameEndpoint(Uri a, Uri b) =>
            string.Equals(a.GetLeftPart(UriPartial.Path).TrimEnd('/'), b.GetLeftPart(UriPartial.Path).TrimEnd('/'), StringComparison.OrdinalIgnoreCase);
    }
}
