using System;
using System.Collections.Generic;
using System.Management.Automation;
using ReleaseOps.Core;

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
                    cmdlet.WriteError(new ErrorRecord(new InvalidOperationException($"{step.HostName}: {step.Step} failed: {step.Detail}"),
                        step.ErrorId ?? ErrorIds.NodeStepFailed, step.ErrorId is null ? ErrorCategory.InvalidResult : ErrorCategory.SecurityError, step.HostName)
                    {
                        ErrorDetails = new ErrorDetails($"{step.HostName}: {step.Step} failed: {step.Detail}")
                        {
                            RecommendedAction = "Fix the cause and run the same command again: the steps that are done report Unchanged, and the rest complete.",
                        },
                    });
                }
            }
        }
    }
}
