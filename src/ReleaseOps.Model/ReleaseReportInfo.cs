using System;
using System.Collections.Generic;

namespace ReleaseOps
{
    /// <summary>What Export-ReleaseReport wrote.</summary>
    public sealed class ReleaseReportInfo
    {
        /// <summary>The HTML file.</summary>
        public string Path { get; set; } = string.Empty;

        /// <summary>The projects on the page, one row each.</summary>
        public IReadOnlyList<string> Projects { get; set; } = new string[0];

        /// <summary>The charts drawn (their element ids in the page).</summary>
        public IReadOnlyList<string> Charts { get; set; } = new string[0];

        /// <summary>The file's size in bytes.</summary>
        public long Length { get; set; }

        /// <summary>Written, or WouldWrite (-WhatIf).</summary>
        public FileWriteStatus Status { get; set; }

        /// <inheritdoc />
        public override string ToString() => Path;
    }
}
