using System.IO;
using System.Security.Cryptography;
using System.Text;

namespace B1Backup.Core.Store
{
    /// <summary>
    /// The .sha256 sidecar only catches accidents: anyone who can change the file can change it too.
    /// A signature (HMAC-SHA-256 with a key the attacker lacks) over the file's SHA-256, its name and
    /// its manifest catches tampering. Stored beside the backup as &lt;file&gt;.sig.
    /// </summary>
    public static class BackupSignature
    {
        public const string Suffix = ".sig";

        public const int MinimumKeyBytes = 16;

        private const string Scheme = "B1Backup-HMAC-SHA256-v1";

        public static string PathFor(string backupPath) => backupPath + Suffix;

        /// <summary>The sidecar's content for a backup whose file hashes to <paramref name="sha256"/>.</summary>
        public static string Create(byte[] key, string backupPath, string sha256) =>
            Scheme + " " + Compute(key, backupPath, sha256) + "\n";

        /// <summary>True when the sidecar exists and was made with this key for this file and manifest.</summary>
        public static bool Verify(byte[] key, string backupPath, string sha256, out string problem)
        {
            string path = PathFor(backupPath);
            if (!File.Exists(path))
            {
                problem = "There is no signature file (" + Path.GetFileName(path) + ") beside the backup.";
                return false;
            }

            string[] parts = File.ReadAllText(path, Encoding.UTF8).Trim().Split(' ');
            if (parts.Length != 2 || parts[0] != Scheme)
            {
                problem = "The signature file is not in the format B1Backup writes.";
                return false;
            }

            byte[] expected = Encoding.ASCII.GetBytes(Compute(key, backupPath, sha256));
            byte[] actual = Encoding.ASCII.GetBytes(parts[1].ToLowerInvariant());
            if (!FixedTimeEquals(expected, actual))
            {
                problem = "The signature does not match: the backup or its manifest was changed after it was signed, or the key is not the one it was signed with.";
                return false;
            }

            problem = string.Empty;
            return true;
        }

        public static void ValidateKey(byte[] key)
        {
            if (key.Length < MinimumKeyBytes)
            {
                throw new B1BackupException("SigningKeyTooShort", FailureKind.InvalidArgument,
                    $"The signing key has {key.Length} bytes; use at least {MinimumKeyBytes} (for example 32 random bytes in a key file).");
            }
        }

        private static string Compute(byte[] key, string backupPath, string sha256)
        {
            string manifestPath = BackupManifest.PathFor(backupPath);
            string manifestHash = File.Exists(manifestPath) ? ChecksumFile.ComputeSha256(manifestPath) : "none";
            string message = Scheme + "\n" + Path.GetFileName(backupPath) + "\n" + sha256.ToLowerInvariant() + "\n" + manifestHash + "\n";
            using var hmac = new HMACSHA256(key);
            return ChecksumFile.ToHex(hmac.ComputeHash(Encoding.UTF8.GetBytes(message)));
        }

        private static bool FixedTimeEquals(byte[] a, byte[] b)
        {
            if (a.Length != b.Length)
            {
                return false;
            }

            int difference = 0;
            for (int i = 0; i < a.Length; i++)
            {
                difference |= a[i] ^ b[i];
            }

            return difference == 0;
        }
    }
}
