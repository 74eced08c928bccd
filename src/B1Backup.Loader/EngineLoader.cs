using System;
using System.IO;
using System.Management.Automation;

namespace B1Backup.Loader
{
    /// <summary>
    /// The manifest imports this assembly as a nested module, so Import-Module calls this before it
    /// loads the cmdlets (whose parameter types come from the engine). The engine (B1Backup.Core)
    /// and its dependencies (MySqlConnector and friends) live in bin/deps, not beside the cmdlets,
    /// so the runtime cannot find them on its own: this tells it where, and on
    /// PowerShell 7 loads them into a context of their own, so a module that loaded another
    /// MySqlConnector first neither breaks us nor is broken by us.
    /// </summary>
    public sealed class EngineLoader : IModuleAssemblyInitializer
    {
        private static readonly object Gate = new object();
        private static bool installed;

        public void OnImport()
        {
            lock (Gate)
            {
                // Import-Module -Force imports again into the same process: one resolver is enough.
                if (installed)
                {
                    return;
                }

                var bin = Path.GetDirectoryName(typeof(EngineLoader).Assembly.Location)!;
                if (IsDotNetCore)
                {
                    // net8.0 build where the runtime can take it (PowerShell 7.4+), else netstandard2.0.
                    var folder = Environment.Version.Major >= 8 ? "core" : "desktop";
                    IsolatedEngine.Install(Path.Combine(bin, "deps", folder));
                }
                else
                {
                    DesktopEngine.Install(Path.Combine(bin, "deps", "desktop"));
                }

                installed = true;
            }
        }

        private static bool IsDotNetCore => typeof(object).Assembly.GetName().Name == "System.Private.CoreLib";
    }
}
