using System;
using System.Collections.Generic;

namespace ReleaseOps
{
    /// <summary>An admin in the team roster.</summary>
    public sealed class TeamMember
    {
        /// <summary>The admin's full name.</summary>
        public string Name { get; set; } = string.Empty;

        /// <summary>The login on nodes.</summary>
        public string Login { get; set; } = string.Empty;

        /// <summary>The admin's public keys (authorized_keys lines).</summary>
        public string[] PublicKey { get; set; } = new string[0];

        /// <inheritdoc />
        public override string ToString() => Login;
    }
}
