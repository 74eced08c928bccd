using System;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using B1Backup.Core.Store;

namespace B1Backup.Core.Archive
{
    /// <summary>
    /// Encryption at rest, member by member: AES-256-GCM with a fresh nonce per member and the member's
    /// position as associated data, so members can be neither altered nor reordered. The key comes from
    /// a passphrase or key file through PBKDF2-SHA-256 with a salt kept in the manifest. AES-GCM is not
    /// in .NET Standard 2.0: it is found at run time (PowerShell 7); Windows PowerShell 5.1 cannot encrypt.
    /// </summary>
    public sealed class MemberCipher
    {
        public const string Algorithm = "AES-256-GCM/PBKDF2-SHA256";

        public const string Suffix = ".enc";

        private const int NonceSize = 12;
        private const int TagSize = 16;
        private const int Iterations = 200_000;

        private static readonly Type? AesGcmType = typeof(Aes).Assembly.GetType("System.Security.Cryptography.AesGcm")
            ?? Type.GetType("System.Security.Cryptography.AesGcm, System.Security.Cryptography");

        private readonly byte[] key;

        private MemberCipher(byte[] key)
        {
            this.key = key;
        }

        public static bool IsAvailable => AesGcmType != null && Pbkdf2 != null;

        /// <summary>A new cipher for a new backup: a fresh salt, recorded in the manifest.</summary>
        public static MemberCipher Create(byte[] secret, ManifestEncryption record)
        {
            RequireAvailable();
            byte[] salt = new byte[16];
            using (var random = RandomNumberGenerator.Create())
            {
                random.GetBytes(salt);
            }

            record.Algorithm = Algorithm;
            record.Salt = Convert.ToBase64String(salt);
            record.Iterations = Iterations;
            var cipher = new MemberCipher(Derive(secret, salt, Iterations));
            record.KeyCheck = cipher.KeyCheck();
            return cipher;
        }

        /// <summary>The cipher of an existing backup; a wrong key is told here, before any member is read.</summary>
        public static MemberCipher Open(byte[]? secret, ManifestEncryption record, string path)
        {
            if (secret == null)
            {
                throw new B1BackupException("EncryptionKeyRequired", FailureKind.SecurityError,
                    $"'{path}' is encrypted: pass the key it was made with (-EncryptionKey or -EncryptionKeyPath). Nothing was changed.")
                { Target = path };
            }

            RequireAvailable();
            var cipher = new MemberCipher(Derive(secret, Convert.FromBase64String(record.Salt), record.Iterations));
            if (cipher.KeyCheck() != record.KeyCheck)
            {
                throw new B1BackupException("EncryptionKeyWrong", FailureKind.SecurityError,
                    $"The encryption key is not the one '{path}' was made with. Nothing was changed.")
                { Target = path };
            }

            return cipher;
        }

        /// <summary>nonce | tag | ciphertext of one member.</summary>
        public byte[] Encrypt(byte[] plain, int length, int memberIndex)
        {
            byte[] output = new byte[NonceSize + TagSize + length];
            byte[] nonce = new byte[NonceSize];
            using (var random = RandomNumberGenerator.Create())
            {
                random.GetBytes(nonce);
            }

            byte[] plaintext = new byte[length];
            Buffer.BlockCopy(plain, 0, plaintext, 0, length);
            byte[] ciphertext = new byte[length];
            byte[] tag = new byte[TagSize];
            Invoke("Encrypt", nonce, plaintext, ciphertext, tag, Associated(memberIndex));
            Buffer.BlockCopy(nonce, 0, output, 0, NonceSize);
            Buffer.BlockCopy(tag, 0, output, NonceSize, TagSize);
            Buffer.BlockCopy(ciphertext, 0, output, NonceSize + TagSize, length);
            return output;
        }

        public byte[] Decrypt(byte[] data, int memberIndex, string path)
        {
            if (data.Length < NonceSize + TagSize)
            {
                throw Damaged(path, memberIndex, null);
            }

            byte[] nonce = new byte[NonceSize];
            byte[] tag = new byte[TagSize];
            byte[] ciphertext = new byte[data.Length - NonceSize - TagSize];
            Buffer.BlockCopy(data, 0, nonce, 0, NonceSize);
            Buffer.BlockCopy(data, NonceSize, tag, 0, TagSize);
            Buffer.BlockCopy(data, NonceSize + TagSize, ciphertext, 0, ciphertext.Length);
            byte[] plain = new byte[ciphertext.Length];
            try
            {
                Invoke("Decrypt", nonce, ciphertext, tag, plain, Associated(memberIndex));
            }
            catch (TargetInvocationException e) when (e.InnerException is CryptographicException)
            {
                throw Damaged(path, memberIndex, e.InnerException);
            }

            return plain;
        }

        private static DecryptionFailedException Damaged(string path, int memberIndex, Exception? inner) =>
            new DecryptionFailedException(
                $"Part {memberIndex} of '{path}' does not decrypt: it was altered or damaged. Nothing was changed; use another backup.", inner)
            { Target = path };

        private static byte[] Associated(int memberIndex) => Encoding.ASCII.GetBytes("B1Backup-member-" + memberIndex);

        private string KeyCheck()
        {
            using var hmac = new HMACSHA256(key);
            return ChecksumFile.ToHex(hmac.ComputeHash(Encoding.ASCII.GetBytes("B1Backup key check")));
        }

        private void Invoke(string method, params byte[][] arguments)
        {
            object aes = Activator.CreateInstance(AesGcmType!, key, TagSize)!;
            try
            {
                AesGcmType!.GetMethod(method, new[] { typeof(byte[]), typeof(byte[]), typeof(byte[]), typeof(byte[]), typeof(byte[]) })!
                    .Invoke(aes, arguments);
            }
            finally
            {
                (aes as IDisposable)?.Dispose();
            }
        }

        private static readonly MethodInfo? Pbkdf2 = typeof(Rfc2898DeriveBytes).GetMethod("Pbkdf2",
            new[] { typeof(byte[]), typeof(byte[]), typeof(int), typeof(HashAlgorithmName), typeof(int) });

        private static byte[] Derive(byte[] secret, byte[] salt, int iterations) =>
            (byte[])Pbkdf2!.Invoke(null, new object[] { secret, salt, iterations, HashAlgorithmName.SHA256, 32 })!;

        private static void RequireAvailable()
        {
            if (!IsAvailable)
            {
                throw new B1BackupException("EncryptionNotSupported", FailureKind.NotSupported,
                    "Encrypted backups need AES-GCM, which this .NET runtime lacks. Use PowerShell 7.");
            }
        }
    }
}
