using System;
using System.Collections.Generic;
using System.Management.Automation;
using ReleaseOps.Core;
using ReleaseOps.Core.Ssh;

namespace ReleaseOps.Commands
{
    /// <summary>
    /// New-NodeSession: opens SSH connections that later commands reuse (-Session, or piped in), as Posh-SSH's
    /// New-SSHSession: a script that runs 20 commands on one node connects once.
    /// </summary>
    [Cmdlet(VerbsCommon.New, "NodeSession", SupportsShouldProcess = true)]
    [OutputType(typeof(NodeSessionInfo))]
    public sealed class NewNodeSessionCommand : SshOptionsCmdlet
    {
        /// <summary>The nodes: ssh_config aliases, addresses, or objects with a HostName property.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("ComputerName")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(HostNameCompleter))]
        public string[] HostName { get; set; } = Array.Empty<string>();

        /// <summary>The SSH port, over ssh_config's Port.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateRange(1, 65535)]
        public int Port { get; set; }

        /// <summary>The user to log in as, over ssh_config's User.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("UserName")]
        public string? User { get; set; }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            var options = ConnectOptions();
            foreach (var name in HostName)
            {
                var port = Port > 0 ? Port : options.Port;
                var user = string.IsNullOrEmpty(User) ? options.User : User;
                if (!ShouldProcess(name, "Open an SSH session and keep it for later commands"))
                {
                    continue;
                }

                ForEachInput(name, () =>
                {
                    var session = RunEngine((reporter, token) => NodeConnector.ConnectAsync(name, options.With(o =>
                    {
                        o.Port = port;
                        o.User = user;
                    }), reporter, token));
                    WriteObject(NodeSessions.Add(name, session));
                });
            }
        }
    }
}
