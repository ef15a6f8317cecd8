using System;
using System.Collections.Generic;
using System.Management.Automation;
using ReleaseOps.Core;
using ReleaseOps.Core.Ssh;

namespace ReleaseOps.Commands
{
    /// <summary>Remove-NodeSession: closes sessions that New-NodeSession opened.</summary>
    [Cmdlet(VerbsCommon.Remove, "NodeSession", SupportsShouldProcess = true)]
    [OutputType(typeof(NodeSessionInfo))]
    public sealed class RemoveNodeSessionCommand : ReleaseOpsCmdlet
    {
        /// <summary>The sessions to close, by number; piped NodeSessionInfo objects bind by their SessionId.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        public int[] SessionId { get; set; } = Array.Empty<int>();

        /// <summary>Writes the closed sessions.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            foreach (var id in SessionId)
            {
                ForEachInput(id, () =>
                {
                    var info = NodeSessions.Get(id).Info;
                    if (ShouldProcess(info.ToString(), "Close the SSH session"))
                    {
                        var closed = NodeSessions.Remove(id);
                        if (PassThru)
                        {
                            WriteObject(closed);
                        }
                    }
                });
            }
        }
    }
}
