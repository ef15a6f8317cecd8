using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Management.Automation;
using ReleaseOps.Core;

namespace ReleaseOps.Commands
{
    /// <summary>Enter-DirectNode: an interactive shell on a node's direct name, through the system's ssh.</summary>
    [Cmdlet(VerbsCommon.Enter, "DirectNode", SupportsShouldProcess = true)]
    [OutputType(typeof(int))]
    public sealed class EnterDirectNodeCommand : ReleaseOpsCmdlet
    {
        /// <summary>The node's public name (cryptsend.io, kmc.countable.ca), an address or an ssh_config alias.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("ComputerName")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(HostNameCompleter))]
        public string HostName { get; set; } = string.Empty;

        /// <summary>The SSH port.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateRange(1, 65535)]
        public int Port { get; set; }

        /// <summary>The user to log in as.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string? User { get; set; }

        /// <summary>A private key for ssh -i.</summary>
        [Parameter]
        public string[]? IdentityFile { get; set; }

        /// <summary>An ssh_config file for ssh -F.</summary>
        [Parameter]
        public string? ConfigFile { get; set; }

        /// <summary>A known_hosts file (ssh -o UserKnownHostsFile).</summary>
        [Parameter]
        public string? KnownHostsFile { get; set; }

        /// <summary>Strict or AcceptNew; unset leaves it to ssh's own configuration.</summary>
        [Parameter]
        public HostKeyPolicy? HostKeyPolicy { get; set; }

        /// <summary>Connects to the name as given, without mapping it to its direct name.</summary>
        [Parameter]
        public SwitchParameter NoDirect { get; set; }

        /// <summary>The agency's own domains, for the direct name.</summary>
        [Parameter]
        public string[]? OwnDomain { get; set; }

        /// <summary>A command to run instead of an interactive shell.</summary>
        [Parameter]
        public string? Command { get; set; }

        /// <summary>Returns ssh's exit code.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            try
            {
                var target = Target();
                var args = Arguments(target);
                var ssh = FindSsh();
                var line = ShellQuote.Join(new[] { ssh }.Concat(args));
                WriteVerbose(line);
                if (!ShouldProcess(target, "Open a shell: " + line))
                {
                    return;
                }

                var psi = new ProcessStartInfo(ssh) { UseShellExecute = false };
                psi.Arguments = string.Join(" ", args.Select(WindowsQuote));
                using var process = Process.Start(psi) ?? throw new ReleaseOpsException(ErrorIds.SshClientFailed, FailureCategory.ResourceUnavailable, "ssh did not start.", "Check the OpenSSH client installation.");
                process.WaitForExit();
                if (PassThru)
                {
                    WriteObject(process.ExitCode);
                }
            }
            catch (ReleaseOpsException ex)
            {
                WriteError(ToErrorRecord(ex, HostName));
            }
        }

        private string Target()
        {
            var name = HostName.Trim();
            // Before any ssh runs: a name ssh would take for an option (-oProxyCommand=...) or misread is InvalidHostName.
            ReleaseOps.Core.Ssh.SshConfig.ValidateDestination(name);
            if (NoDirect || name.IndexOf('.') < 0)
            {
                return name; // an ssh_config alias, or asked for as it is
            }

            var result = DirectHostNames.Resolve(name, DirectHostNames.ResolveOwnDomains(OwnDomain));
            if (result.Rule == DirectNameRule.IpAddress)
            {
                WriteWarning($"'{name}' is an IP address; connecting to it directly.");
            }

            return result.DirectHostName;
        }

        private List<string> Arguments(string target)
        {
            var args = new List<string>();
            if (ConfigFile is not null)
            {
                args.AddRange(new[] { "-F", GetUnresolvedProviderPathFromPSPath(ConfigFile) });
            }

            foreach (var file in IdentityFile ?? Array.Empty<string>())
            {
                args.AddRange(new[] { "-i", GetUnresolvedProviderPathFromPSPath(file) });
            }

            if (Port > 0)
            {
                args.AddRange(new[] { "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            }

            if (!string.IsNullOrEmpty(User))
            {
                args.AddRange(new[] { "-l", User! });
            }

            if (KnownHostsFile is not null)
            {
                // none is ssh's own word for no file (not a file named none here).
                args.AddRange(new[] { "-o", "UserKnownHostsFile=" + (KnownHostsFile == Core.Ssh.KnownHostsFile.NoFile ? KnownHostsFile : GetUnresolvedProviderPathFromPSPath(KnownHostsFile)) });
            }

            if (HostKeyPolicy is not null)
            {
                args.AddRange(new[] { "-o", "StrictHostKeyChecking=" + (HostKeyPolicy == ReleaseOps.HostKeyPolicy.AcceptNew ? "accept-new" : "yes") });
            }

            if (Command is null)
            {
                args.Add("-t");
            }

            // The target after "--", so that a hostile name can never be read as an option.
            args.Add("--");
            args.Add(target);
            if (Command is not null)
            {
                args.Add(Command);
            }

            return args;
        }

        private static string FindSsh()
        {
            var exe = Environment.OSVersion.Platform == PlatformID.Win32NT ? "ssh.exe" : "ssh";
            foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(System.IO.Path.PathSeparator))
            {
                var candidate = System.IO.Path.Combine(dir, exe);
                if (dir.Length > 0 && File.Exists(candidate))
                {
                    return candidate;
                }
            }

            throw new ReleaseOpsException(ErrorIds.SshClientNotFound, FailureCategory.NotInstalled, "The OpenSSH client (ssh) is not on the PATH.",
                "Install the OpenSSH client (apt-get install openssh-client; on Windows, the OpenSSH Client feature).");
        }

        // ProcessStartInfo.Arguments follows the Windows command-line convention on every platform.
        private static string WindowsQuote(string arg)
        {
            if (arg.Length > 0 && arg.All(c => !char.IsWhiteSpace(c) && c != '"' && c != '\\'))
            {
                return arg;
            }

            var sb = new System.Text.StringBuilder("\"");
            var backslashes = 0;
            foreach (var c in arg)
            {
                if (c == '\\')
                {
                    backslashes++;
                    continue;
                }

                sb.Append('\\', c == '"' ? backslashes * 2 + 1 : backslashes);
                backslashes = 0;
                sb.Append(c);
            }

            sb.Append('\\', backslashes * 2).Append('"');
            return sb.ToString();
        }
    }
}
