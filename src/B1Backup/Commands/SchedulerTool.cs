using System.Collections.Generic;
using System.Linq;
using B1Backup.Core;

namespace B1Backup.Commands
{
    /// <summary>Runs the system's scheduler tools (crontab, schtasks.exe), turning their failures into errors that say what to do.</summary>
    internal static class SchedulerTool
    {
        public static string Run(B1Cmdlet cmdlet, string file, IEnumerable<string> arguments, string? input, bool allowFailure)
        {
            try
            {
                var result = Capture(file, arguments, input);
                if (result.ExitCode != 0 && !allowFailure)
                {
                    throw new B1BackupException("ScheduleFailed", FailureKind.ResourceUnavailable, $"{file} failed ({result.ExitCode}): {result.Error.Trim()}");
                }

                return result.ExitCode == 0 ? result.Output : string.Empty;
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                throw new B1BackupException("SchedulerMissing", FailureKind.NotFound,
                    $"'{file}' is not available ({e.Message}). On Debian: apt-get install cron.", e);
            }
        }

        public static (int ExitCode, string Output, string Error) Capture(string file, IEnumerable<string> arguments, string? input = null)
        {
            var start = new System.Diagnostics.ProcessStartInfo(file, string.Join(" ", arguments.Select(Quote)))
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = input != null,
            };
            using var process = System.Diagnostics.Process.Start(start)!;
            if (input != null)
            {
                process.StandardInput.Write(input);
                process.StandardInput.Close();
            }

            var output = process.StandardOutput.ReadToEndAsync();
            string error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, output.Result, error);
        }

        /// <summary>One argument as the runtime splits a command line (the Windows rules, which .NET applies on Unix too).</summary>
        internal static string Quote(string argument)
        {
            if (argument.Length > 0 && argument.IndexOfAny(new[] { ' ', '\t', '"', '\'', '\\' }) < 0)
            {
                return argument;
            }

            var quoted = new System.Text.StringBuilder("\"");
            int backslashes = 0;
            foreach (char c in argument)
            {
                if (c == '\\')
                {
                    backslashes++;
                    continue;
                }

                quoted.Append('\\', c == '"' ? (backslashes * 2) + 1 : backslashes);
                backslashes = 0;
                quoted.Append(c);
            }

            return quoted.Append('\\', backslashes * 2).Append('"').ToString();
        }
    }
}
