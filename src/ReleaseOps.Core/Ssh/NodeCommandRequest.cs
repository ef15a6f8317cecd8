using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace ReleaseOps.Core.Ssh
{
    /// <summary>A command for one or many nodes.</summary>
    public sealed class NodeCommandRequest
    {
        /// <summary>The admin's command line, for the remote shell.</summary>
        public string Command { get; set; } = string.Empty;

        /// <summary>Values passed to the command as "$1", "$2", ..., each quoted.</summary>
        public IReadOnlyList<string> Arguments { get; set; } = Array.Empty<string>();

        /// <summary>Runs the command as root through sudo -n (never prompting) when the user is not root.</summary>
        public bool Sudo { get; set; }

        /// <summary>Stops the remote command after this long.</summary>
        public TimeSpan? Timeout { get; set; }

        /// <summary>Text written to the command's standard input.</summary>
        public string? Input { get; set; }
    }
}
