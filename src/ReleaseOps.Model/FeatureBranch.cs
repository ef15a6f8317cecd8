using System;
using System.Collections.Generic;

namespace ReleaseOps
{
    /// <summary>A feature branch made by New-FeatureBranch.</summary>
    public sealed class FeatureBranch
    {
        /// <summary>The branch, such as feature/login-page.</summary>
        public string Name { get; set; } = string.Empty;

        /// <summary>The commit it starts at.</summary>
        public string Commit { get; set; } = string.Empty;

        /// <summary>What it was made from, such as origin/develop.</summary>
        public string BasedOn { get; set; } = string.Empty;

        /// <summary>Whether it was pushed (with upstream tracking).</summary>
        public bool Pushed { get; set; }

        /// <summary>Whether it was checked out.</summary>
        public bool CheckedOut { get; set; }

        /// <inheritdoc />
        public override string ToString() => Name;
    }
}
