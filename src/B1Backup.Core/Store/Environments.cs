using System;

namespace B1Backup.Core.Store
{
    /// <summary>What an environment name means: which names are production, and how long each keeps its backups.</summary>
    public static class Environments
    {
        /// <summary>$env:ENV_NAME when it is set, as the procedure's scripts read it.</summary>
        public static string? FromVariable()
        {
            string? value = System.Environment.GetEnvironmentVariable("ENV_NAME");
            return string.IsNullOrWhiteSpace(value) ? null : value!.Trim();
        }

        /// <summary>production or prod, in any case: a restore into it asks for the typed phrase.</summary>
        public static bool IsProduction(string? environment) =>
            string.Equals(environment, "production", StringComparison.OrdinalIgnoreCase)
            || string.Equals(environment, "prod", StringComparison.OrdinalIgnoreCase);

        /// <summary>Retention by environment, as the procedure sets it: production 30 days, staging 7, development 3, anything else 7.</summary>
        public static int DefaultRetentionDays(string environment)
        {
            if (IsProduction(environment))
            {
                return 30;
            }

            return environment.ToLowerInvariant() switch
            {
                "development" or "dev" => 3,
                _ => 7,
            };
        }
    }
}
