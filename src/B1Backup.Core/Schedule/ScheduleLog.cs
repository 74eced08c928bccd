using System;
using System.Globalization;
using System.IO;
using System.Linq;
using B1Backup.Core.Archive;

namespace B1Backup.Core.Schedule
{
    /// <summary>The log of a schedule: one line per run, rotated at 1 MB (three old files kept).</summary>
    public static class ScheduleLog
    {
        public const long RotateAtBytes = 1 << 20;

        public const int KeepOldFiles = 3;

        public static void Append(string path, string line)
        {
            string folder = Path.GetDirectoryName(path)!;
            if (!Directory.Exists(folder))
            {
                Directory.CreateDirectory(folder);
                FileProtection.RestrictDirectory(folder);
            }

            if (File.Exists(path) && new FileInfo(path).Length >= RotateAtBytes)
            {
                Rotate(path);
            }

            bool isNew = !File.Exists(path);
            File.AppendAllText(path, line.Replace('\r', ' ').Replace('\n', ' ') + "\n");
            if (isNew)
            {
                FileProtection.RestrictFile(path);
            }
        }

        public static string Line(DateTimeOffset at, bool succeeded, string text) =>
            at.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture) + (succeeded ? " OK " : " FAILED ") + text;

        /// <summary>The last line written, or null when the job has not run.</summary>
        public static string? LastLine(string path)
        {
            if (!File.Exists(path))
            {
                return null;
            }

            return File.ReadLines(path).LastOrDefault(l => l.Length > 0);
        }

        private static void Rotate(string path)
        {
            string Old(int n) => path + "." + n.ToString(CultureInfo.InvariantCulture);
            if (File.Exists(Old(KeepOldFiles)))
            {
                File.Delete(Old(KeepOldFiles));
            }

            for (int n = KeepOldFiles - 1; n >= 1; n--)
            {
                if (File.Exists(Old(n)))
                {
                    File.Move(Old(n), Old(n + 1));
                }
            }

            File.Move(path, Old(1));
        }
    }
}
