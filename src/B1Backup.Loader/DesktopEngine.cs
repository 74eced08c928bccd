using System;
using System.IO;
using System.Reflection;

namespace B1Backup.Loader
{
    /// <summary>
    /// Windows PowerShell 5.1 has no load contexts: the engine joins the process's assemblies, found
    /// by simple name in deps/desktop, whatever version was asked for (a module cannot carry binding
    /// redirects).
    /// </summary>
    internal static class DesktopEngine
    {
        public static void Install(string folder)
        {
            AppDomain.CurrentDomain.AssemblyResolve += (sender, args) =>
            {
                var path = Path.Combine(folder, new AssemblyName(args.Name).Name + ".dll");
                return File.Exists(path) ? Assembly.LoadFrom(path) : null;
            };
        }
    }
}
