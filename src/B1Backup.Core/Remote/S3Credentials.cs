using System;

namespace B1Backup.Core.Remote
{
    /// <summary>
    /// How to reach S3-compatible storage: an endpoint for services other than AWS (MinIO, Ceph, Wasabi,
    /// R2; -Endpoint or AWS_ENDPOINT_URL), and access keys from parameters. Without keys, the AWS SDK's
    /// own chain is used: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, the shared profile (AWS_PROFILE), an instance or task role.
    /// </summary>
    public sealed class S3Credentials
    {
        public const string EndpointVariable = "AWS_ENDPOINT_URL";

        public string? Endpoint { get; set; }

        public string? AccessKey { get; set; }

        public string? SecretKey { get; set; }

        /// <summary>AWS_REGION or AWS_DEFAULT_REGION; us-east-1 when neither is set (S3-compatible services mostly ignore it).</summary>
        public string Region { get; set; } = "us-east-1";

        public static S3Credentials Resolve(string? endpoint, string? accessKey, string? secretKey) => new S3Credentials
        {
            Endpoint = NonEmpty(endpoint) ?? NonEmpty(Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL_S3")) ?? NonEmpty(Environment.GetEnvironmentVariable(EndpointVariable)),
            AccessKey = NonEmpty(accessKey),
            SecretKey = NonEmpty(secretKey),
            Region = NonEmpty(Environment.GetEnvironmentVariable("AWS_REGION")) ?? NonEmpty(Environment.GetEnvironmentVariable("AWS_DEFAULT_REGION")) ?? "us-east-1",
        };

        private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
    }
}
