using System;

namespace B1Backup.Commands
{
    internal static class EnvironmentName
    {
        /// <summary>$env:ENV_NAME when it is set.</summary>
        public static string? FromVariable()
        {
            string? value = System.Environment.GetEnvironmentVariable("ENV_NAME");
            return string.IsNullOrWhiteSpace(value) ? null : value!.Trim();
        }

        public static bool IsProduction(string? environment) =>
            string.Equals(environment, "production", StringComparison.OrdinalIgnoreCase)
            || string.Equals(environment, "prod", StringComparison.OrdinalIgnoreCase);
    }
}
