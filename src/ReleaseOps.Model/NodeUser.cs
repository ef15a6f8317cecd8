using System;
using System.Collections.Generic;

namespace ReleaseOps
{
    /// <summary>An admin account on a node.</summary>
    public sealed class NodeUser
    {
        /// <summary>The node.</summary>
        public string HostName { get; set; } = string.Empty;

        /// <summary>The login.</summary>
        public string Login { get; set; } = string.Empty;

        /// <summary>The full name (GECOS).</summary>
        public string Name { get; set; } = string.Empty;

        /// <summary>The groups the account is in.</summary>
        public string[] Groups { get; set; } = new string[0];

        /// <summary>Fingerprints of the keys in its authorized_keys.</summary>
        public string[] KeyFingerprints { get; set; } = new string[0];

        /// <summary>Whether the account is locked or expired.</summary>
        public bool Locked { get; set; }

        /// <summary>The home folder.</summary>
        public string Home { get; set; } = string.Empty;
    }
}
