using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;

namespace B1Backup.Loader
{
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
