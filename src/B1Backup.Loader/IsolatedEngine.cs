using System;
using System.IO;
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
}
