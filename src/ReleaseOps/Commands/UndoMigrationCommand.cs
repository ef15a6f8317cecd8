using System;
using System.Linq;
using System.Management.Automation;
using ReleaseOps.Core;
using ReleaseOps.Core.Migration;
using ReleaseOps.Core.Providers;
using ReleaseOps.Core.Ssh;

namespace ReleaseOps.Commands
{
    /// <summary>Undo-Migration: returns a migration's traffic and stack to the old node.</summary>
    [Cmdlet(VerbsCommon.Undo, "Migration", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(MigrationInfo))]
    public sealed class UndoMigrationCommand : MigrationCmdlet
    {
        /// <summary>The old node's public address, which the DNS names point back at (default: its PublicIPv4, else its HostName).</summary>
        [Parameter]
        public string? SourceAddress { get; set; }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            try
            {
                var (source, target, plan) = BuildPlan();
                var journal = MigrationJournal.List(Project).FirstOrDefault(m => m.Status != "RolledBack" && m.Source == source.ToString() && m.Target == target.ToString())
                    ?? throw new ReleaseOpsException("MigrationNotFound", FailureCategory.ObjectNotFound, $"There is no migration of {Project} from {source} to {target} to undo.",
                        "List the migrations with Get-Migration; give the same -Source and -Target as Invoke-Migration.", Project);
                var address = SourceAddress ?? (Source.Properties["PublicIPv4"]?.Value as string) ?? source.HostName;
                var done = string.Join(", ", journal.Steps.Where(s => s.State != "Pending").Select(s => s.Name));
                if (!ShouldProcessUnlessForced($"{source} <- {target}", $"Undo migration {journal.Id} (steps run: {done}): remove the redirect, point the DNS names back at {address}, start the old stack", Force))
                {
                    return;
                }

                var settings = ProviderSettings.FromEnvironment();
                var options = ConnectOptions();
                var result = RunEngine(async (reporter, token) =>
                {
                    using var session = await NodeConnector.ConnectAsync(source.HostName, options.With(o =>
                    {
                        o.Port = source.Port ?? options.Port;
                        o.User = source.User ?? options.User;
                    }), reporter, token).ConfigureAwait(false);
                    return await MigrationEngine.UndoAsync(journal, session, plan, address, settings, reporter, token).ConfigureAwait(false);
                });
                WriteObject(result);
            }
            catch (ReleaseOpsException ex)
            {
                WriteError(ToErrorRecord(ex, Project));
            }
        }
    }
}
