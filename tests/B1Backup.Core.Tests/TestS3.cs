using System;
using System.Collections.Generic;
using B1Backup.Core.Remote;

namespace B1Backup.Core.Tests
{
    /// <summary>
    /// A private S3-compatible server (s3rver) for one test class, with one bucket (B1_TEST_S3RVER_ENTRY names
    /// its script; build.ps1 Test installs it).
    /// </summary>
    public sealed class TestS3 : TestNodeServer
    {
        public const string EntryVariable = "B1_TEST_S3RVER_ENTRY";
        public const string Bucket = "b1backup-test";

        // s3rver's fixed development key pair, not a secret.
        public const string Key = "S3RVER";

        public TestS3()
            : base("s3rver", EntryVariable, "b1s3-")
        {
            Start();
        }

        public string Endpoint => $"http://127.0.0.1:{Port}";

        public StoreAccess Access => new StoreAccess { S3 = new S3Credentials { Endpoint = Endpoint, AccessKey = Key, SecretKey = Key } };

        public static string NewLocation() => $"s3://{Bucket}/t{Guid.NewGuid():N}/backups";

        // s3rver's continuation tokens use a cipher OpenSSL 3 keeps in its legacy provider.
        protected override IEnumerable<string> NodeOptions() => new[] { "--openssl-legacy-provider" };

        protected override IEnumerable<string> Arguments(string port) =>
            new[] { "--directory", DataFolder, "--address", "127.0.0.1", "--port", port, "--silent", "--no-vhost-buckets", "--configure-bucket", Bucket };
    }
}
