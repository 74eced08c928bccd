using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using B1Backup.Core.Archive;

namespace B1Backup.Core.Schedule
{
    /// <summary>Where schedules keep their definitions and logs: one folder per user, documented in the README.</summary>
    public static class ScheduleStore
    {
        /// <summary>$B1BACKUP_HOME, else %LOCALAPPDATA%\B1Backup on Windows, else $XDG_STATE_HOME/b1backup or ~/.local/state/b1backup.</summary>
        public static string Home()
        {
            string? explicitHome = System.Environment.GetEnvironmentVariable("B1BACKUP_HOME");
            if (!string.IsNullOrEmpty(explicitHome))
            {
                return explicitHome!;
            }

            if (System.Runtime.InteropServices.RuntimeInformation.IsOSPlatform(System.Runtime.InteropServices.OSPlatform.Windows))
            {
                return Path.Combine(System.Environment.GetFolderPath(System.Environment.SpecialFolder.LocalApplicationData), "B1Backup");
            }

            string? state = System.Environment.GetEnvironmentVariable("XDG_STATE_HOME");
            string home = System.Environment.GetEnvironmentVariable("HOME") ?? System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile);
            return Path.Combine(string.IsNullOrEmpty(state) ? Path.Combine(home, ".local", "state") : state!, "b1backup");
        }

        public static string DefinitionPath(string home, string name) => Path.Combine(home, "schedules", name + ".json");

        public static string LogPath(string home, string name) => Path.Combine(home, "logs", name + ".log");

        public static void Save(ScheduleDefinition definition)
        {
            string folder = Path.GetDirectoryName(definition.DefinitionPath)!;
            Directory.CreateDirectory(folder);
            FileProtection.RestrictDirectory(folder);
            string temporary = definition.DefinitionPath + ".tmp";
            File.WriteAllText(temporary, definition.ToJson());
            FileProtection.RestrictFile(temporary);
            if (File.Exists(definition.DefinitionPath))
            {
                File.Delete(definition.DefinitionPath);
            }

            File.Move(temporary, definition.DefinitionPath);
        }

        public static IReadOnlyList<ScheduleDefinition> List(string home)
        {
            string folder = Path.Combine(home, "schedules");
            return Directory.Exists(folder)
                ? Directory.EnumerateFiles(folder, "*.json").OrderBy(f => f, StringComparer.Ordinal).Select(ScheduleDefinition.Read).ToList()
                : (IReadOnlyList<ScheduleDefinition>)Array.Empty<ScheduleDefinition>();
        }
    }
}
