using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

// Windows PowerShell 5.1 (net472). PowerShell 7 compiles SandboxNode.cs instead; the project file picks one of the two.
namespace ReleaseOps.Core.Sandbox
{
    /// <summary>Sandbox nodes need Linux namespaces; Windows PowerShell 5.1 runs only on Windows.</summary>
    public sealed class SandboxNode : IDisposable
    {
        private SandboxNode()
        {
        }

        public string Name => string.Empty;

        public string Address => "127.0.0.1";

        public int Port => 0;

        public string HostKey => string.Empty;

        public string HostKeyFingerprint => string.Empty;

        public DateTimeOffset Started => default;

        public int SshdPid => 0;

        public string RootPath => string.Empty;

        public bool IsRunning => false;

        public static IReadOnlyCollection<SandboxNode> All => Array.Empty<SandboxNode>();

        public static string? NotSupportedReason() => "Sandbox nodes need Linux namespaces and PowerShell 7; this is Windows PowerShell.";

        public static Task<SandboxNode> StartAsync(SandboxNodeOptions options, IOperationReporter reporter, CancellationToken token) =>
            throw new ReleaseOpsException(ErrorIds.SandboxNotSupported, FailureCategory.NotInstalled, NotSupportedReason()!,
                "Run PowerShell 7 as root on Linux, or use a real provider.", options?.Name);

        public void Stop()
        {
        }

        public void Dispose()
        {
        }
    }
}
