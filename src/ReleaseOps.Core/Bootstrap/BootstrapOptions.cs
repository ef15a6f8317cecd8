using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using ReleaseOps.Core.RemoteScripts;
using ReleaseOps.Core.Ssh;

namespace ReleaseOps.Core.Bootstrap
{
    /// <summary>What Initialize-Node sets up besides groups, accounts and keys.</summary>
    public sealed class BootstrapOptions
    {
        /// <summary>Only report what would change (-WhatIf).</summary>
        public bool Check { get; set; }

        /// <summary>The sudoers drop-in for group dev (passwordless, since accounts have no password).</summary>
        public bool SudoPolicy { get; set; } = true;

        /// <summary>The shared command history profile.</summary>
        public bool History { get; set; } = true;

        /// <summary>A dotfiles repository to clone for each admin, and run its install script; null for none.</summary>
        public string? DotfilesUrl { get; set; }

        /// <summary>Installs Docker and the compose plugin from the distribution's packages.</summary>
        public bool Docker { get; set; }

        /// <summary>Runs Jenkins as a docker compose service (/opt/jenkins).</summary>
        public bool Jenkins { get; set; }

        /// <summary>After checking that an admin can log in with a key: no root or password logins, unattended upgrades, ufw.</summary>
        public bool Harden { get; set; }
    }
}
