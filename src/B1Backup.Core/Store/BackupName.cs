using System;
using System.Globalization;
using System.Text.RegularExpressions;

namespace B1Backup.Core.Store
{
    /// <summary>The naming rule of the backup folder: backup_&lt;env&gt;_&lt;yyyyMMdd_HHmmss&gt;.sql[.gz|.zst].</summary>
    public static class BackupName
    {
        public const string TimestampFormat = "yyyyMMdd_HHmmss";

        public const string ChecksumSuffix = ".sha256";

        private static readonly Regex FilePattern = new Regex(
            @"^backup_(?<env>[A-Za-z0-9_-]+)_(?<ts>\d{8}_\d{6})(?<ext>\.sql(?:\.gz|\.zst)?)(?:\.enc)?$",
            RegexOptions.CultureInvariant);

        private static readonly Regex EnvironmentPattern = new Regex("^[A-Za-z0-9_-]{1,64}$", RegexOptions.CultureInvariant);

        public static bool IsValidEnvironment(string? environment) =>
            environment != null && EnvironmentPattern.IsMatch(environment);

        public static void ValidateEnvironment(string? environment)
        {
            if (!IsValidEnvironment(environment))
            {
                throw new B1BackupException("InvalidEnvironment", FailureKind.InvalidArgument,
                    $"The environment name '{environment}' is not allowed: use 1 to 64 letters, digits, '-' or '_' (for example production, staging, development).");
            }
        }

        public static string Extension(CompressionKind compression) => compression switch
        {
            CompressionKind.Gzip => ".sql.gz",
            CompressionKind.Zstd => ".sql.zst",
            _ => ".sql",
        };

        public static string Format(string environment, DateTime localTimestamp, CompressionKind compression) =>
            "backup_" + environment + "_" + localTimestamp.ToString(TimestampFormat, CultureInfo.InvariantCulture) + Extension(compression);

        /// <summary>Reads a file name; false for anything that is not a backup (sidecars, temporary files).</summary>
        public static bool TryParse(string fileName, out string environment, out DateTime timestamp, out CompressionKind compression)
        {
            environment = string.Empty;
            timestamp = default;
            compression = CompressionKind.None;
            var match = FilePattern.Match(fileName);
            if (!match.Success || !DateTime.TryParseExact(match.Groups["ts"].Value, TimestampFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeLocal, out timestamp))
            {
                return false;
            }

            environment = match.Groups["env"].Value;
            compression = match.Groups["ext"].Value switch
            {
                ".sql.gz" => CompressionKind.Gzip,
                ".sql.zst" => CompressionKind.Zstd,
                _ => CompressionKind.None,
            };
            return true;
        }
    }
}
