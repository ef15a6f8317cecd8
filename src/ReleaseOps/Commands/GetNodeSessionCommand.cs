using System;
using System.Collections.Generic;
using System.Management.Automation;
using ReleaseOps.Core;
using ReleaseOps.Core.Ssh;

namespace ReleaseOps.Commands
{
    /// <summary>Get-NodeSession: the sessions New-NodeSession opened in this PowerShell process.</summary>
    [Cmdlet(VerbsCommon.Get, "NodeSession")]
    [OutputType(typeof(NodeSessionInfo))]
    public sealed class GetNodeSessionCommand : ReleaseOpsCmdlet
    {
        /// <summary>Only these sessions.</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        public int[]? SessionId { get; set; }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            if (SessionId is null)
            {
                WriteObject(NodeSessions.List(), true);
                return;
            }

            foreach (var id in SessionId)
            {
                ForEachInput(id, () => WriteObject(NodeSessions.Get(id).Info));
            }
        }
    }
}
