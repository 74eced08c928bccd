using System;
using System.Management.Automation;
using B1Backup.Core;

namespace B1Backup.Commands
{
    /// <summary>The key parameters of the cmdlets that write or read signed and encrypted backups.</summary>
    public abstract class KeyedCmdlet : B1Cmdlet
    {
        /// <summary>HMAC-SHA-256 key that signs (or checks) the backup's .sig sidecar, as a SecureString.</summary>
        [Parameter]
        public System.Security.SecureString? SigningKey { get; set; }

        /// <summary>A file whose bytes are the signing key (at least 16; 32 random bytes is a good key).</summary>
        [Parameter]
        public string? SigningKeyPath { get; set; }

        /// <summary>Passphrase for encryption at rest (AES-256-GCM), as a SecureString.</summary>
        [Parameter]
        public System.Security.SecureString? EncryptionKey { get; set; }

        /// <summary>A file whose bytes are the encryption key.</summary>
        [Parameter]
        public string? EncryptionKeyPath { get; set; }

        protected byte[]? ReadSigningKey() => ReadKey(SigningKey, SigningKeyPath);

        protected byte[]? ReadEncryptionKey() => ReadKey(EncryptionKey, EncryptionKeyPath);

        /// <summary>A key from a SecureString (its UTF-8 bytes) or a key file (its bytes), or null: -SigningKey(Path), -EncryptionKey(Path).</summary>
        private byte[]? ReadKey(System.Security.SecureString? key, string? keyPath)
        {
            if (key != null && keyPath != null)
            {
                ThrowEngineError(new B1BackupException("KeyAmbiguous", FailureKind.InvalidArgument, "Pass a key either as a SecureString or as a key file, not both."));
            }

            if (keyPath != null)
            {
                string path = ToFileSystemPath(keyPath);
                try
                {
                    return System.IO.File.ReadAllBytes(path);
                }
                catch (Exception e) when (e is System.IO.IOException || e is UnauthorizedAccessException)
                {
                    ThrowEngineError(new B1BackupException("KeyFileUnreadable", FailureKind.InvalidArgument, $"The key file '{path}' cannot be read: {e.Message}", e), path);
                }
            }

            if (key == null)
            {
                return null;
            }

            IntPtr text = System.Runtime.InteropServices.Marshal.SecureStringToGlobalAllocUnicode(key);
            try
            {
                return System.Text.Encoding.UTF8.GetBytes(System.Runtime.InteropServices.Marshal.PtrToStringUni(text, key.Length));
            }
            finally
            {
                System.Runtime.InteropServices.Marshal.ZeroFreeGlobalAllocUnicode(text);
            }
        }
    }
}
