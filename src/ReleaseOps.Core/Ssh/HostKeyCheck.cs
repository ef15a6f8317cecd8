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
    /// <summary>What a known_hosts file says about a presented host key.</summary>
    public sealed class HostKeyCheck
    {
        internal HostKeyCheck(HostKeyStatus status, string presentedFingerprint, IReadOnlyList<string> knownFingerprints,
            IReadOnlyList<string> knownKeyTypes, string? file, int? line)
        {
            Status = status;
            PresentedFingerprint = presentedFingerprint;
            KnownFingerprints = knownFingerprints;
            KnownKeyTypes = knownKeyTypes;
            File = file;
            Line = line;
        }

        public HostKeyStatus Status { get; }

        /// <summary>SHA256:... of the key that was presented, as ssh-keygen -l prints it.</summary>
        public string PresentedFingerprint { get; }

        /// <summary>Fingerprints of the keys recorded for this host (any type, file order, no repeats), for error messages.</summary>
        public IReadOnlyList<string> KnownFingerprints { get; }

        /// <summary>Key types recorded for this host (file order, no repeats), e.g. ssh-ed25519, so a client can ask for them.</summary>
        public IReadOnlyList<string> KnownKeyTypes { get; }

        /// <summary>The file holding the matching (Known), conflicting (Changed) or revoking (Revoked) entry; null when Unknown.</summary>
        public string? File { get; }

        /// <summary>The 1-based line of that entry; null when Unknown.</summary>
        public int? Line { get; }

        public override string ToString() =>
            Line is null ? $"{Status} {PresentedFingerprint}" : $"{Status} {PresentedFingerprint} ({File}:{Line})";
    }
}
