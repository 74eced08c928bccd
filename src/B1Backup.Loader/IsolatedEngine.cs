using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;

namespace B1Backup.Loader
{
    /// <summary>
    /// PowerShell 7: B1Backup.Core and everything it needs that the runtime does not provide load
    /// into <see cref="EngineLoadContext"/>. Only this class and that one name AssemblyLoadContext,
    /// so Windows PowerShell never compiles them.
    /// </summary>
    internal static class IsolatedEngine
    {
        internal const string EngineAssemblyName = "B1Backup.Core";

        public static void Install(string folder)
        {
            var context = new EngineLoadContext(folder);
            // The cmdlets (default context) ask for the engine by name; it is not beside them, so the
            // default context asks us, and gets the engine from the isolated context.
            AssemblyLoadContext.Default.Resolving += (defaultContext, name) =>
                string.Equals(name.Name, EngineAssemblyName, StringComparison.OrdinalIgnoreCase)
                    ? context.LoadFromAssemblyPath(Path.Combine(folder, EngineAssemblyName + ".dll"))
                    : null;
        }
    }

    internal sealed class EngineLoadContext : AssemblyLoadContext
    {
        private readonly string folder;
        private readonly Lazy<Dictionary<string, string>> platformAssemblies = new Lazy<Dictionary<string, string>>(ReadPlatformAssemblies);

        public EngineLoadContext(string folder)
        {
            this.folder = folder;
        }

        protected override Assembly? Load(AssemblyName name)
        {
            // Framework and PowerShell assemblies are shared (one System.Text.Json, one Span<T>);
            // ours are loaded here only when the runtime has none or an older one.
            if (RuntimeProvides(name))
            {
                return null;
            }

            var path = Path.Combine(folder, name.Name + ".dll");
            return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
        }

        private bool RuntimeProvides(AssemblyName name)
        {
            if (name.Name == null || !platformAssemblies.Value.TryGetValue(name.Name, out var path))
            {
                return false;
            }

            var available = AssemblyName.GetAssemblyName(path).Version;
            return name.Version == null || (available != null && available >= name.Version);
        }

        // The runtime's trusted platform assemblies: .NET itself plus what pwsh ships.
        private static Dictionary<string, string> ReadPlatformAssemblies()
        {
            var list = AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string ?? string.Empty;
            return list.Split(new[] { Path.PathSeparator }, StringSplitOptions.RemoveEmptyEntries)
                .GroupBy(Path.GetFileNameWithoutExtension, StringComparer.OrdinalIgnoreCase)
                .ToDictionary(group => group.Key, group => group.First(), StringComparer.OrdinalIgnoreCase);
        }
    }
}
