using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using ReleaseOps.Core.Providers;
using ReleaseOps.Core.Ssh;

namespace ReleaseOps.Core.Iac
{
    /// <summary>One file of the configuration.</summary>
    public sealed class TerraformFile
    {
        /// <summary>The file's name, such as digitalocean.tf.</summary>
        public string Name { get; set; } = string.Empty;

        /// <summary>Its text.</summary>
        public string Text { get; set; } = string.Empty;

        /// <summary>The resources it declares.</summary>
        public int Resources { get; set; }

        /// <summary>The import blocks it holds.</summary>
        public int Imports { get; set; }
    }
}
