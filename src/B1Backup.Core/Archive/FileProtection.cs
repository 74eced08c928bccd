using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Security.AccessControl;
using System.Security.Principal;

namespace B1Backup.Core.Archive
{
    /// <summary>
    /// Backups hold all of a company's data: they are readable by their owner only. On Unix, mode
    /// 0600 for files and 0700 for folders B1Backup creates; on Windows, an ACL that grants the
    /// current user and Administrators and inherits nothing.
    /// </summary>
    public static class FileProtection
    {
        private const int OwnerReadWrite = 0x180; // 0600
        private const int OwnerAll = 0x1C0; // 0700

        public static void RestrictFile(string path) => Restrict(path, isDirectory: false);

        public static void RestrictDirectory(string path) => Restrict(path, isDirectory: true);

        private static void Restrict(string path, bool isDirectory)
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
            {
                RestrictWindows(path, isDirectory);
                return;
            }

            if (Chmod(path, isDirectory ? OwnerAll : OwnerReadWrite) != 0)
            {
                throw new IOException($"Could not make '{path}' private to its owner (chmod failed with errno {Marshal.GetLastWin32Error()}).");
            }
        }

#if NET
        [System.Runtime.Versioning.SupportedOSPlatform("windows")]
#endif
        private static void RestrictWindows(string path, bool isDirectory)
        {
            var user = WindowsIdentity.GetCurrent().User ?? throw new IOException("The current Windows user has no security identifier.");
            var administrators = new SecurityIdentifier(WellKnownSidType.BuiltinAdministratorsSid, null);
            if (isDirectory)
            {
                var security = new DirectorySecurity();
                security.SetAccessRuleProtection(isProtected: true, preserveInheritance: false);
                foreach (var sid in new[] { user, administrators })
                {
                    security.AddAccessRule(new FileSystemAccessRule(sid, FileSystemRights.FullControl,
                        InheritanceFlags.ContainerInherit | InheritanceFlags.ObjectInherit, PropagationFlags.None, AccessControlType.Allow));
                }

                new DirectoryInfo(path).SetAccessControl(security);
            }
            else
            {
                var security = new FileSecurity();
                security.SetAccessRuleProtection(isProtected: true, preserveInheritance: false);
                security.AddAccessRule(new FileSystemAccessRule(user, FileSystemRights.FullControl, AccessControlType.Allow));
                security.AddAccessRule(new FileSystemAccessRule(administrators, FileSystemRights.FullControl, AccessControlType.Allow));
                new FileInfo(path).SetAccessControl(security);
            }
        }

        /// <summary>Unix: true when no one but the owner may read or write the file (group and other bits clear). Windows: true.</summary>
        public static bool IsPrivate(string path, out string mode)
        {
            mode = string.Empty;
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
            {
                return true;
            }

#if NET
            var bits = File.GetUnixFileMode(path);
            mode = Convert.ToString((int)bits, 8);
            return (bits & (UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite)) == 0;
#else
            var start = new System.Diagnostics.ProcessStartInfo("stat", "-c %a \"" + path.Replace("\"", "\\\"") + "\"") { UseShellExecute = false, RedirectStandardOutput = true };
            using var process = System.Diagnostics.Process.Start(start)!;
            mode = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit();
            int octal = Convert.ToInt32(mode, 8);
            return (octal & 0x3F) == 0;
#endif
        }

        [DllImport("libc", EntryPoint = "chmod", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
        private static extern int Chmod(string path, int mode);
    }
}
