using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Threading;

namespace ReleaseOps.Core.Ssh
{
    /// <summary>The outcome of <see cref="KnownHostsFile.Check"/>.</summary>
    public enum HostKeyStatus
    {
        /// <summary>An entry for the host holds the presented key.</summary>
        Known,

        /// <summary>The file has no entry for the host.</summary>
        Unknown,

        /// <summary>The host is recorded with a different key of the same type, or only with keys of other types.</summary>
        Changed,

        /// <summary>The presented key is listed on a @revoked line.</summary>
        Revoked,
    }
}
