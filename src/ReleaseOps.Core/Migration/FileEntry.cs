using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using ReleaseOps.Core.Ssh;

namespace ReleaseOps.Core.Migration
{
    /// <summary>One entry of a folder listing: type (f, l, d), size, whole-second mtime, mode, link target.</summary>
    public sealed class FileEntry
    {
        public string Path { get; set; } = string.Empty;

        public char Type { get; set; }

        public long Size { get; set; }

        public long MTime { get; set; }

        public string Mode { get; set; } = string.Empty;

        public string Link { get; set; } = string.Empty;

        public bool SameAs(FileEntry other) =>
            Type == other.Type && Mode == other.Mode && (Type == 'd' || (Size == other.Size && MTime == other.MTime && Link == other.Link));
    }
}
