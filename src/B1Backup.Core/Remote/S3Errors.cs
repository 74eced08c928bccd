using System;
using System.Linq;
using System.Net;
using Amazon.Runtime;

namespace B1Backup.Core.Remote
{
    /// <summary>S3 failures as errors an admin can act on, built from the status and error code only: nothing of the request (keys, signatures) is repeated.</summary>
    internal static class S3Errors
    {
        public static bool IsStorageFailure(Exception e) =>
            e is AmazonServiceException || e is AmazonClientException || e is System.Net.Http.HttpRequestException || e is System.Net.Sockets.SocketException
            || (e is AggregateException aggregate && aggregate.InnerExceptions.Any(IsStorageFailure));

        public static B1BackupException Translate(Exception e, string what, string shown)
        {
            if (e is AggregateException aggregate)
            {
                e = aggregate.Flatten().InnerExceptions.First(IsStorageFailure);
            }

            if (e is AmazonServiceException service && service.StatusCode != 0)
            {
                string code = service.ErrorCode ?? "no error code";
                var inner = new InvalidOperationException($"S3 {(int)service.StatusCode} {code}");
                return service.StatusCode switch
                {
                    HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized => new B1BackupException("StorageAccessDenied", FailureKind.PermissionDenied,
                        $"The storage service refused to let these credentials {what} '{shown}' ({(int)service.StatusCode}, {code}): check the access key and secret (-StorageCredential, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or the profile), and the bucket policy.", inner)
                    { Target = shown },
                    HttpStatusCode.NotFound => new B1BackupException("StorageObjectNotFound", FailureKind.NotFound,
                        $"'{shown}' was not found ({code}): check the bucket and path (and -Endpoint for a service other than AWS); list what is there with Get-B1Backup.", inner)
                    { Target = shown },
                    HttpStatusCode.PreconditionFailed or HttpStatusCode.Conflict => new B1BackupException("BackupExists", FailureKind.WriteError,
                        $"'{shown}' already exists; a backup in the store is never replaced. Remove it first if you mean to.", inner)
                    { Target = shown },
                    _ => new B1BackupException("StorageRequestFailed", FailureKind.WriteError,
                        $"The storage service answered {(int)service.StatusCode} ({code}) when asked to {what} '{shown}'. Try again; if it persists, check the bucket's state.", inner)
                    { Target = shown },
                };
            }

            if (e is AmazonClientException && !(e.InnerException is System.Net.Http.HttpRequestException || e.InnerException is System.Net.Sockets.SocketException || e.InnerException is WebException))
            {
                return new B1BackupException("StorageCredentialMissing", FailureKind.PermissionDenied,
                    $"No S3 credentials could {what} '{shown}': pass -StorageCredential (access key as the user name, secret as the password), set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or use a profile or role.", new InvalidOperationException(e.GetType().Name))
                { Target = shown };
            }

            return new B1BackupException("StorageUnreachable", FailureKind.ConnectionError,
                $"The storage service for '{shown}' could not be reached to {what} it: check -Endpoint (or AWS_ENDPOINT_URL), the network and that the service is running.", new InvalidOperationException(e.GetType().Name))
            { Target = shown };
        }
    }
}
