using System;
using System.Collections.Generic;
using System.Management.Automation;
using ReleaseOps.Core;
using ReleaseOps.Core.Bootstrap;

namespace ReleaseOps.Commands
{
    /// <summary>Writes step results, with an error record for each failed step.</summary>
    internal static class StepWriter
    {
        public static void Write(Cmdlet cmdlet, IReadOnlyList<NodeStepResult> steps)
        {
            foreach (var step in steps)
            {
                cmdlet.WriteObject(step);
                if (step.Status == StepStatus.Failed)
                {
                    cmdlet.WriteError(ReleaseOpsCmdlet.ToErrorRecord(NodeBootstrap.StepFailure(step), step.HostName));
                }
            }
        }
    }
}
