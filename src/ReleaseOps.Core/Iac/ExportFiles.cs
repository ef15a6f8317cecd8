using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace ReleaseOps.Core.Iac
{
    /// <summary>Writes the exports' files through the module's safe file writer (atomic, private, no links).</summary>
    public static class ExportFiles
    {
        /// <summary>Writes one file of an export atomically, with mode 0600 (0700 when executable), into a private folder.</summary>
        public static void Write(string path, string text, bool executable = false) => LocalFiles.WriteAtomically(path, text, executable);
    }
}
