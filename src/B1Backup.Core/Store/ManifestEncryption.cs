namespace B1Backup.Core.Store
{
    public sealed class ManifestEncryption
    {
        public string Algorithm { get; set; } = string.Empty;

        public string Salt { get; set; } = string.Empty;

        public int Iterations { get; set; }

        /// <summary>HMAC of a fixed text with the derived key: tells a wrong key without decrypting anything.</summary>
        public string KeyCheck { get; set; } = string.Empty;
    }
}
