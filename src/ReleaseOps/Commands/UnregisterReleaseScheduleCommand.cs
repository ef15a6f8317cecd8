using System;
using System.IO;
using System.Management.Automation;
using ReleaseOps.Core;
using ReleaseOps.Core.Release;

namespace ReleaseOps.Commands
{
    /// <summary>Unregister-ReleaseSchedule: removes the weekly release job.</summary>
    [Cmdlet(VerbsLifecycle.Unregister, "ReleaseSchedule", SupportsShouldProcess = true)]
    [OutputType(typeof(bool))]
    public sealed class UnregisterReleaseScheduleCommand : ReleaseOpsCmdlet
    {
        /// <summary>The job's name, such as releaseops-cortico.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        public string Name { get; set; } = string.Empty;

        /// <summary>The method it was installed with.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateSet("Auto", "SystemdTimer", "Cron", "ScheduledTask")]
        public string Method { get; set; } = "Auto";

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            try
            {
                RegisterReleaseScheduleCommand.CheckName(Name);
            }
            catch (ReleaseOpsException ex)
            {
                ThrowFailure(ex, Name);
                return;
            }

            if (ShouldProcess(Name, "Remove the weekly release job"))
            {
                ForEachInput(Name, () => WriteObject(ReleaseScheduler.Unregister(Name, Method, ScheduleLocations.StateDirectory())));
            }
        }
    }
}
