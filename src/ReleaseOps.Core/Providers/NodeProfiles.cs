using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ReleaseOps.Core.Sandbox;

namespace ReleaseOps.Core.Providers
{
    /// <summary>The sizing profiles. Small is the process's guidance for a low-traffic Django app.</summary>
    public static class NodeProfiles
    {
        /// <summary>The profiles by name: memory and disk in GB.</summary>
        public static readonly IReadOnlyDictionary<string, (double MemoryGB, int DiskGB)> All = new Dictionary<string, (double, int)>(StringComparer.OrdinalIgnoreCase)
        {
            ["Small"] = (2, 50),
            ["Medium"] = (4, 80),
            ["Large"] = (8, 160),
        };
    }
}
