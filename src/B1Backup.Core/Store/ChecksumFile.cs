using System;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace B1Backup.Core.Store
{
    /// <summary>Reads and writes the one-line format of sha256sum: "&lt;64 hex&gt;  &lt;file name&gt;\n".</summary>
    public static class ChecksumFile
    {
        private static readonly Regex LinePattern = new Regex(@"^\\?(?<hash>[0-9a-fA-F]{64}) [ *](?<name>.+)$", RegexOptions.CultureInvariant);

        public static string PathFor(string backupPath) => backupPath + BackupName.ChecksumSuffix;

        public static string FormatLine(string sha256Hex, string fileName) => sha256Hex.ToLowerInvariant() + "  " + fileName + "\n";

        /// <summary>Parses the first line; false when it is not in sha256sum format.</summary>
        public static bool TryParse(string content, out string hash, out string fileName)
        {
            hash = string.Empty;
            fileName = string.Empty;
            string firstLine = content.Split('\n')[0].TrimEnd('\r');
            var match = LinePattern.Match(firstLine);
            if (!match.Success)
            {
                return false;
            }

            hash = match.Groups["hash"].Value.ToLowerInvariant();
            fileName = match.Groups["name"].Value;
            if (firstLine.StartsWith("\\", StringComparison.Ordinal))
            {
                // sha256sum escapes names that hold a backslash or a newline this way.
                fileName = fileName.Replace("\\n", "\n").Replace("\\\\", "\\");
            }

            return true;
        }

        public static string ComputeSha256(string path)
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
            using var sha = SHA256.Create();
            return ToHex(sha.ComputeHash(stream));
        }

        public static string ToHex(byte[] hash)
        {
            var builder = new StringBuilder(hash.Length * 2);
            foreach (byte b in hash)
            {
                builder.Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
            }

            return builder.ToString();
        }
    }
}
