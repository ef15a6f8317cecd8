using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace ReleaseOps.Core
{
    /// <summary>One setting, with where its value came from.</summary>
    public sealed class ConfigurationValue
    {
        public string Name { get; set; } = string.Empty;

        public string? Value { get; set; }

        /// <summary>Environment, File or Default.</summary>
        public string Source { get; set; } = "Default";

        public string EnvironmentVariable { get; set; } = string.Empty;

        public string Description { get; set; } = string.Empty;
    }
}
