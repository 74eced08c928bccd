using System;
using System.IO;

namespace B1Backup.Core.Schedule
{
    /// <summary>Reads DATABASE_URL from a schedule's environment file, so a run by hand connects as the scheduled one does.</summary>
    public static class EnvironmentFile
    {
        /// <summary>The value of a DATABASE_URL=... line (also with export, and in single or double quotes); null when there is none.</summary>
        public static string? ReadDatabaseUrl(string path)
        {
            foreach (string raw in File.ReadAllLines(path))
            {
                string line = raw.Trim();
                if (line.StartsWith("export ", StringComparison.Ordinal))
                {
                    line = line.Substring(7).TrimStart();
                }

                if (!line.StartsWith("DATABASE_URL=", StringComparison.Ordinal))
                {
                    continue;
                }

                string value = line.Substring("DATABASE_URL=".Length);
                if (value.Length >= 2 && (value[0] == '\'' || value[0] == '"') && value[value.Length - 1] == value[0])
                {
                    value = value.Substring(1, value.Length - 2);
                }

                return value;
            }

            return null;
        }
    }
}
