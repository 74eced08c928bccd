using System;
using System.Linq;

namespace B1Backup.Core.Remote
{
    /// <summary>A place in S3-compatible storage: <c>s3://bucket/key</c>, the key a backup root, an environment folder or one object.</summary>
    public sealed class S3Path
    {
        private static readonly char[] Slash = { '/' };

        private S3Path(string bucket, string key)
        {
            Bucket = bucket;
            Key = key;
        }

        public string Bucket { get; }

        /// <summary>The key or key prefix, without leading or trailing '/'; empty for the bucket itself.</summary>
        public string Key { get; }

        public string Display => "s3://" + Bucket + (Key.Length > 0 ? "/" + Key : string.Empty);

        public string Name => Key.Substring(Key.LastIndexOf('/') + 1);

        public static bool LooksLikeS3Path(string path) => path.StartsWith("s3://", StringComparison.OrdinalIgnoreCase);

        public static S3Path Parse(string path)
        {
            if (!LooksLikeS3Path(path))
            {
                throw Invalid(path, "It does not start with s3://.");
            }

            string rest = path.Substring("s3://".Length);
            if (rest.IndexOf('?') >= 0)
            {
                throw Invalid(path.Substring(0, path.IndexOf('?')) + "?<query hidden>", "An s3:// location takes no query; give credentials with -StorageCredential or the AWS variables.");
            }

            string[] segments = rest.Split(Slash, StringSplitOptions.RemoveEmptyEntries);
            if (segments.Length == 0)
            {
                throw Invalid(path, "It needs a bucket: s3://<bucket>/<prefix>.");
            }

            string bucket = segments[0];
            bool valid = bucket.Length >= 3 && bucket.Length <= 63
                && bucket.All(c => (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.')
                && char.IsLetterOrDigit(bucket[0]) && char.IsLetterOrDigit(bucket[bucket.Length - 1]);
            if (!valid)
            {
                throw Invalid(path, $"'{bucket}' is not a valid bucket name (3 to 63 lower-case letters, digits, dots and hyphens).");
            }

            if (segments.Skip(1).Any(s => s == "." || s == ".."))
            {
                throw Invalid(path, "An S3 path cannot contain '.' or '..' segments.");
            }

            return new S3Path(bucket, string.Join("/", segments.Skip(1)));
        }

        public S3Path WithKey(string key) => new S3Path(Bucket, key.Trim('/'));

        public S3Path Combine(params string[] segments) => WithKey(string.Join("/", new[] { Key }.Concat(segments).Where(s => s.Length > 0)));

        public S3Path Parent() => WithKey(Key.Contains('/') ? Key.Substring(0, Key.LastIndexOf('/')) : string.Empty);

        public override string ToString() => Display;

        private static B1BackupException Invalid(string path, string why) =>
            new B1BackupException("InvalidStoragePath", FailureKind.InvalidArgument, $"'{path}' is not an S3 location. {why}");
    }
}
