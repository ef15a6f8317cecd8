using System;
using System.Collections.Generic;

namespace ReleaseOps
{
    /// <summary>One ReleaseOps setting, and where its value came from (Get-ReleaseOpsConfiguration).</summary>
    public sealed class ReleaseOpsSetting
    {
        /// <summary>The setting's name (OwnDomains, MigrationsFolder, ...).</summary>
        public string Name { get; set; } = string.Empty;

        /// <summary>Its value; empty when the default applies.</summary>
        public string? Value { get; set; }

        /// <summary>Environment, File or Default.</summary>
        public string Source { get; set; } = "Default";

        /// <summary>The environment variable that overrides the file.</summary>
        public string EnvironmentVariable { get; set; } = string.Empty;

        /// <summary>What it is for, and its default.</summary>
        public string Description { get; set; } = string.Empty;

        /// <summary>The settings file of this user.</summary>
        public string Path { get; set; } = string.Empty;
    }
}
