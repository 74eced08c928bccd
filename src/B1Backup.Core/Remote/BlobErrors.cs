using System;
using System.Linq;
using Azure;
using Azure.Identity;

namespace B1Backup.Core.Remote
{
    /// <summary>
    /// Storage failures as errors an admin can act on. Built from the status and error code only: the
    /// SDK's own messages carry request headers and URLs, which is where a SAS signature would show.
    /// </summary>
    internal static class BlobErrors
    {
        public static bool IsStorageFailure(Exception e) =>
            e is RequestFailedException || e is AuthenticationFailedException || e is CredentialUnavailableException
            || (e is AggregateException aggregate && aggregate.InnerExceptions.Any(IsStorageFailure));

        public static bool IsLock(string? errorCode) =>
            errorCode != null && (errorCode.StartsWith("BlobImmutable", StringComparison.Ordinal) || errorCode.IndexOf("LegalHold", StringComparison.Ordinal) >= 0);

        public static B1BackupException Translate(Exception e, string what, string shown)
        {
            if (e is AggregateException aggregate)
            {
                // The SDK's retries end in an AggregateException of the same failure, tried several times.
                e = aggregate.Flatten().InnerExceptions.First(IsStorageFailure);
            }

            if (e is AuthenticationFailedException || e is CredentialUnavailableException)
            {
                return new B1BackupException("StorageCredentialMissing", FailureKind.PermissionDenied,
                    $"No Azure credential could {what} '{shown}': give a SAS URL, -StorageConnectionString (or AZURE_STORAGE_CONNECTION_STRING), -StorageAccountKey (or AZURE_STORAGE_KEY), or sign in (a managed identity, az login) with a role such as Storage Blob Data Contributor.", Sanitized(e))
                { Target = shown };
            }

            var failure = (RequestFailedException)e;
            string code = failure.ErrorCode ?? "no error code";
            return failure.Status switch
            {
                0 => new B1BackupException("StorageUnreachable", FailureKind.ConnectionError,
                    $"The storage service for '{shown}' could not be reached to {what} it: check the URL, the network and that the service is running.", Sanitized(e))
                { Target = shown },
                401 or 403 => new B1BackupException("StorageAccessDenied", FailureKind.PermissionDenied,
                    $"The storage service refused to let this credential {what} '{shown}' ({failure.Status}, {code}): check the account key or connection string, the SAS token's expiry and permissions, or the identity's role (Storage Blob Data Contributor).", Sanitized(e))
                { Target = shown },
                404 => new B1BackupException("StorageObjectNotFound", FailureKind.NotFound,
                    $"'{shown}' was not found ({code}): check the account, container and path; list what is there with Get-B1Backup.", Sanitized(e))
                { Target = shown },
                409 or 412 when code == "BlobAlreadyExists" || code == "ConditionNotMet" || failure.Status == 412 => new B1BackupException("BackupExists", FailureKind.WriteError,
                    $"'{shown}' already exists; a backup in the store is never replaced. Remove it first if you mean to.", Sanitized(e))
                { Target = shown },
                _ => new B1BackupException("StorageRequestFailed", FailureKind.WriteError,
                    $"The storage service answered {failure.Status} ({code}) when asked to {what} '{shown}'. Try again; if it persists, check the account's state.", Sanitized(e))
                { Target = shown },
            };
        }

        /// <summary>The inner exception kept for its type and status, with a message that cannot carry a token.</summary>
        private static Exception Sanitized(Exception e) =>
            e is RequestFailedException failure
                ? new RequestFailedException(failure.Status, $"Status {failure.Status}", failure.ErrorCode, null)
                : new InvalidOperationException(e.GetType().Name);
    }
}
