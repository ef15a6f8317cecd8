using System;
using System.IO;
using System.Management.Automation;
using System.Reflection;
using System.Threading;
#if NET
using System.Runtime.InteropServices;
using System.Runtime.Loader;
#endif

namespace ReleaseOps.Commands
{
    /// <summary>
    /// Runs when PowerShell imports the module. It makes ReleaseOps.Core and every third-party dependency load from
    /// the module's deps folder, away from other modules' copies (Posh-SSH's Renci.SshNet, AWS.Tools' AWSSDK.*).
    /// </summary>
    public sealed class ModuleInitializer : IModuleAssemblyInitializer
    {
        /// <inheritdoc />
        public void OnImport() => EngineLoader.Register();
    }

    internal static class EngineLoader
    {
        private const string EngineAssembly = "ReleaseOps.Core";
        private static int registered;

        internal static string DepsDirectory =>
            Path.Combine(Path.GetDirectoryName(typeof(EngineLoader).Assembly.Location) ?? ".", "deps");

        internal static void Register()
        {
            if (Interlocked.Exchange(ref registered, 1) == 1)
            {
                return;
            }

            var deps = DepsDirectory;
#if NET
            // PowerShell 7: a private load context. The default context asks it only for the engine; the engine's
            // own references then resolve inside it, so our SSH.NET, AWS SDK and LibGit2Sharp never meet others'.
            var context = new EngineLoadContext(deps, ReadyToRunDirectory(deps, EngineLoadContext.RuntimeId(), Environment.Version.Major));
            AssemblyLoadContext.Default.Resolving += (_, name) =>
                string.Equals(name.Name, EngineAssembly, StringComparison.Ordinal) ? context.LoadFromAssemblyName(name) : null;
#else
            // Windows PowerShell 5.1: one AppDomain, so a resolve handler scoped to the files in our deps folder.
            AppDomain.CurrentDomain.AssemblyResolve += (_, args) =>
            {
                var name = new AssemblyName(args.Name);
                var path = Path.Combine(deps, name.Name + ".dll");
                if (!File.Exists(path))
                {
                    return null;
                }

                var requester = args.RequestingAssembly;
                var ours = requester is null || string.Equals(Path.GetDirectoryName(requester.Location), deps, StringComparison.OrdinalIgnoreCase)
                    || requester == typeof(EngineLoader).Assembly;
                return ours ? Assembly.LoadFrom(path) : null;
            };
#endif
        }

        /// <summary>
        /// deps/readytorun/&lt;rid&gt;-net&lt;major&gt;, when the build compiled the engine ahead of time for this runtime
        /// (build.ps1 does for linux-x64 and .NET 10); otherwise null, and everything loads from deps.
        /// </summary>
        internal static string? ReadyToRunDirectory(string deps, string runtimeId, int runtimeMajor)
        {
            var folder = Path.Combine(deps, "readytorun", runtimeId + "-net" + runtimeMajor.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return Directory.Exists(folder) ? folder : null;
        }
    }

#if NET
    internal sealed class EngineLoadContext : AssemblyLoadContext
    {
        private readonly string deps;
        private readonly string? readyToRun;

        public EngineLoadContext(string deps, string? readyToRun)
            : base("ReleaseOps.Engine", isCollectible: false)
        {
            this.deps = deps;
            this.readyToRun = readyToRun;
        }

        protected override Assembly? Load(AssemblyName assemblyName)
        {
            // The pipeline types are shared with PowerShell's default context, where the cmdlets see them.
            if (string.Equals(assemblyName.Name, "ReleaseOps.Model", StringComparison.Ordinal))
            {
                return null;
            }

            // The same assembly compiled ahead of time for this runtime, when the build made one; else the IL.
            var compiled = readyToRun is null ? null : Path.Combine(readyToRun, assemblyName.Name + ".dll");
            if (compiled is not null && File.Exists(compiled))
            {
                return LoadFromAssemblyPath(compiled);
            }

            var path = Path.Combine(deps, assemblyName.Name + ".dll");
            return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
        }

        protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
        {
            // pwsh ignores a module's deps.json, so libgit2 is found here, under deps/runtimes/<rid>/native.
            var native = Path.Combine(deps, "runtimes", RuntimeId(), "native");
            if (Directory.Exists(native))
            {
                foreach (var candidate in new[] { unmanagedDllName, "lib" + unmanagedDllName + ".so", unmanagedDllName + ".so", unmanagedDllName + ".dll", "lib" + unmanagedDllName + ".dylib" })
                {
                    var path = Path.Combine(native, candidate);
                    if (File.Exists(path))
                    {
                        return LoadUnmanagedDllFromPath(path);
                    }
                }
            }

            return IntPtr.Zero;
        }

        internal static string RuntimeId()
        {
            var os = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "win"
                : RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? "osx"
                : File.Exists("/etc/alpine-release") ? "linux-musl" : "linux";
            var arch = RuntimeInformation.ProcessArchitecture switch
            {
                Architecture.X64 => "x64",
                Architecture.X86 => "x86",
                Architecture.Arm64 => "arm64",
                Architecture.Arm => "arm",
                _ => RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant(),
            };
            return os + "-" + arch;
        }
    }
#endif
}
