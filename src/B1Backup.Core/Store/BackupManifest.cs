using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace B1Backup.Core.Store
{
    /// <summary>
    /// The small JSON sidecar (&lt;backup&gt;.manifest.json) that lets listing and verification know a
    /// backup without decompressing it. Never holds credentials.
    /// </summary>
    public sealed class BackupManifest
    {
        public const string Suffix = ".manifest.json";

        public int FormatVersion { get; set; } = 1;

        public string Tool { get; set; } = "B1Backup";

        public string? ToolVersion { get; set; }

        public string? Environment { get; set; }

        public string? Database { get; set; }

        public string? Server { get; set; }

        public string? ServerVersion { get; set; }

        public string? ServerKind { get; set; }

        public string? CharacterSet { get; set; }

        public string? Collation { get; set; }

        public string? Consistency { get; set; }

        public string? Compression { get; set; }

        public DateTimeOffset StartedUtc { get; set; }

        public DateTimeOffset FinishedUtc { get; set; }

        public double DurationSeconds { get; set; }

        public long Size { get; set; }

        public long UncompressedSize { get; set; }

        public string? Sha256 { get; set; }

        public string? EndMarker { get; set; }

        public List<ManifestTable> Tables { get; set; } = new List<ManifestTable>();

        public List<ManifestObject> Objects { get; set; } = new List<ManifestObject>();

        /// <summary>What the backup may lack because its user could not see it; empty when nothing.</summary>
        public List<string> Incomplete { get; set; } = new List<string>();

        /// <summary>Set when the members are encrypted: how to derive the key and check it.</summary>
        public ManifestEncryption? Encryption { get; set; }

        /// <summary>The independently compressed members of the file, in order: what a parallel restore reads.</summary>
        public List<ManifestMember> Members { get; set; } = new List<ManifestMember>();

        private static readonly JsonSerializerOptions Options = new JsonSerializerOptions
        {
            WriteIndented = true,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        };

        public static string PathFor(string backupPath) => backupPath + Suffix;

        public string ToJson() => JsonSerializer.Serialize(this, Options);

        public static BackupManifest FromJson(string json) =>
            JsonSerializer.Deserialize<BackupManifest>(json, Options)
            ?? throw new InvalidDataException("The manifest is empty.");

        /// <summary>Reads a manifest, or returns null when there is none or it cannot be read or trusted.</summary>
        public static BackupManifest? TryRead(string backupPath) => TryRead(backupPath, out _);

        /// <summary>Reads a manifest; when one is there but unusable, <paramref name="problem"/> says why and null is returned.</summary>
        public static BackupManifest? TryRead(string backupPath, out string? problem)
        {
            problem = null;
            string path = PathFor(backupPath);
            try
            {
                if (!File.Exists(path))
                {
                    return null;
                }

                if (new FileInfo(path).Length > MaxBytes)
                {
                    problem = $"its manifest is larger than {MaxBytes / (1 << 20)} MB";
                    return null;
                }

                var manifest = FromJson(File.ReadAllText(path, Encoding.UTF8));
                problem = manifest.Problem(DateTimeOffset.UtcNow);
                return problem == null ? manifest : null;
            }
            catch (Exception e) when (e is IOException || e is JsonException || e is InvalidDataException || e is UnauthorizedAccessException || e is NotSupportedException || e is OverflowException)
            {
                problem = "its manifest cannot be read (" + e.GetType().Name + ")";
                return null;
            }
        }

        /// <summary>A manifest is small; one larger than this is not read at all.</summary>
        public const long MaxBytes = 64L << 20;

        /// <summary>Lowest and highest PBKDF2 iterations a manifest may ask for: fewer is no protection, more is a denial of service.</summary>
        public const int MinIterations = 10_000;
        public const int MaxIterations = 10_000_000;

        /// <summary>What makes this manifest unusable, or null: missing lists, impossible counts, bad key parameters, a time in the future.</summary>
        public string? Problem(DateTimeOffset now)
        {
            if (Tables == null || Objects == null || Members == null)
            {
                return "its manifest lacks its list of tables, objects or parts";
            }

            long rows = 0;
            foreach (var table in Tables)
            {
                if (table == null || table.Name == null || table.Rows < 0 || table.DataBytes < 0)
                {
                    return "its manifest records a table without a name or with a negative count";
                }

                rows += table.Rows;
                if (rows < 0)
                {
                    return "its manifest's row counts add up beyond what a number holds";
                }
            }

            foreach (var member in Members)
            {
                if (member == null || member.Offset < 0 || member.Length < 0 || member.UncompressedLength < 0 || member.Rows < 0)
                {
                    return "its manifest records a part with a negative offset, length or count";
                }
            }

            if (Size < 0 || UncompressedSize < 0)
            {
                return "its manifest records a negative size";
            }

            if (StartedUtc > now.AddMinutes(5))
            {
                return $"its manifest says it was started in the future ({StartedUtc:yyyy-MM-dd HH:mm:ss} UTC)";
            }

            if (Encryption != null)
            {
                if (Encryption.Iterations < MinIterations || Encryption.Iterations > MaxIterations)
                {
                    return $"its manifest asks for {Encryption.Iterations} key-derivation iterations (allowed: {MinIterations:N0} to {MaxIterations:N0})";
                }

                byte[] salt;
                try
                {
                    salt = Convert.FromBase64String(Encryption.Salt ?? string.Empty);
                }
                catch (FormatException)
                {
                    return "its manifest's key-derivation salt is not base64";
                }

                if (salt.Length < 16 || salt.Length > 64)
                {
                    return "its manifest's key-derivation salt is not 16 to 64 bytes";
                }
            }

            return null;
        }
    }
}
