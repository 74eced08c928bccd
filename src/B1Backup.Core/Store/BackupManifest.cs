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

        /// <summary>Reads a manifest, or returns null when there is none or it cannot be read.</summary>
        public static BackupManifest? TryRead(string backupPath)
        {
            string path = PathFor(backupPath);
            try
            {
                return File.Exists(path) ? FromJson(File.ReadAllText(path, Encoding.UTF8)) : null;
            }
            catch (Exception e) when (e is IOException || e is JsonException || e is InvalidDataException || e is UnauthorizedAccessException)
            {
                return null;
            }
        }
    }

    public sealed class ManifestTable
    {
        public string Name { get; set; } = string.Empty;

        public long Rows { get; set; }

        public long DataBytes { get; set; }
    }

    public sealed class ManifestEncryption
    {
        public string Algorithm { get; set; } = string.Empty;

        public string Salt { get; set; } = string.Empty;

        public int Iterations { get; set; }

        /// <summary>HMAC of a fixed text with the derived key: tells a wrong key without decrypting anything.</summary>
        public string KeyCheck { get; set; } = string.Empty;
    }

    /// <summary>One independently compressed part of the file.</summary>
    public sealed class ManifestMember
    {
        /// <summary>Header, Schema (one table's CREATE), Data (rows of one table), Objects (views, routines, triggers, events) or Footer.</summary>
        public string Kind { get; set; } = string.Empty;

        public string? Table { get; set; }

        public long Offset { get; set; }

        public long Length { get; set; }

        public long UncompressedLength { get; set; }

        public long Rows { get; set; }
    }

    /// <summary>A view, routine, trigger, event or sequence in the dump.</summary>
    public sealed class ManifestObject
    {
        public string Kind { get; set; } = string.Empty;

        public string Name { get; set; } = string.Empty;
    }
}
