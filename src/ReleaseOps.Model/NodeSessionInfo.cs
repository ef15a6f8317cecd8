using System;
using System.Collections.Generic;

namespace ReleaseOps
{
    /// <summary>An open SSH connection that New-NodeSession keeps for later commands (-Session, or the pipeline).</summary>
    public sealed class NodeSessionInfo
    {
        /// <summary>The session's number in this PowerShell process.</summary>
        public int SessionId { get; set; }

        /// <summary>The node as it was asked for.</summary>
        public string Name { get; set; } = string.Empty;

        /// <summary>The host name or address, as the SSH cmdlets take it.</summary>
        public string HostName { get; set; } = string.Empty;

        /// <summary>The SSH port.</summary>
        public int Port { get; set; }

        /// <summary>The user logged in.</summary>
        public string User { get; set; } = string.Empty;

        /// <summary>host:port actually connected to.</summary>
        public string Endpoint { get; set; } = string.Empty;

        /// <summary>When it was opened.</summary>
        public DateTimeOffset Opened { get; set; }

        /// <summary>Opened, Broken (the connection dropped) or Closed.</summary>
        public NodeSessionState State { get; set; } = NodeSessionState.Opened;

        /// <inheritdoc />
        public override string ToString() => $"{SessionId}: {User}@{Endpoint}";
    }
}
