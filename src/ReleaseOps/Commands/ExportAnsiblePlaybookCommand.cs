using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using ReleaseOps.Core;
using ReleaseOps.Core.Bootstrap;
using ReleaseOps.Core.Iac;

namespace ReleaseOps.Commands
{
    /// <summary>
    /// Export-AnsiblePlaybook: a playbook that does what Initialize-Node does for a roster (groups, admin accounts and
    /// keys, the sudo policy checked by visudo, shared history, and Docker with -Docker).
    /// </summary>
    [Cmdlet(VerbsData.Export, "AnsiblePlaybook", SupportsShouldProcess = true, DefaultParameterSetName = TeamSet)]
    [OutputType(typeof(ExportedFile))]
    public sealed class ExportAnsiblePlaybookCommand : ReleaseOpsCmdlet
    {
        private const string TeamSet = "Team";
        private const string TeamFileSet = "TeamFile";

        /// <summary>The playbook file to write, such as ./bootstrap.yml.</summary>
        [Parameter(Mandatory = true, Position = 0)]
        public string Path { get; set; } = string.Empty;

        /// <summary>The admins: objects or hashtables with Name, Login and PublicKey, as Initialize-Node -Team takes them.</summary>
        [Parameter(Mandatory = true, ParameterSetName = TeamSet)]
        public TeamMember[] Team { get; set; } = Array.Empty<TeamMember>();

        /// <summary>The roster file, as Initialize-Node -TeamFile reads it.</summary>
        [Parameter(Mandatory = true, ParameterSetName = TeamFileSet)]
        public string TeamFile { get; set; } = string.Empty;

        /// <summary>Also install Docker and compose, as Initialize-Node -Docker.</summary>
        [Parameter]
        public SwitchParameter Docker { get; set; }

        /// <summary>The play's hosts pattern (default all): an inventory group such as project_cortico.</summary>
        [Parameter]
        public string Hosts { get; set; } = "all";

        /// <inheritdoc />
        protected override void EndProcessing()
        {
            try
            {
                IReadOnlyList<TeamMember> team = ParameterSetName == TeamFileSet
                    ? TeamRoster.Read(GetUnresolvedProviderPathFromPSPath(TeamFile))
                    : Team.Select(NodeBootstrap.Validate).ToList();
                var duplicate = team.GroupBy(m => m.Login).FirstOrDefault(g => g.Count() > 1);
                if (duplicate is not null)
                {
                    throw new ReleaseOpsException(ErrorIds.DuplicateLogin, FailureCategory.InvalidArgument, $"The login {duplicate.Key} appears twice in -Team.", "Give each admin one entry with all their keys.", duplicate.Key);
                }

                var path = GetUnresolvedProviderPathFromPSPath(Path);
                var text = AnsibleExport.Playbook(team, Hosts, Docker);
                var write = ShouldProcess(path, $"Write the bootstrap playbook for {team.Count} admin(s)");
                if (write)
                {
                    ExportFiles.Write(path, text);
                }

                WriteObject(new ExportedFile { Path = path, Format = "AnsiblePlaybook", Items = team.Count, Status = write ? FileWriteStatus.Written : FileWriteStatus.WouldWrite });
            }
            catch (ReleaseOpsException ex)
            {
                ThrowFailure(ex, Path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                ThrowFailure(new ReleaseOpsException(ErrorIds.ExportWriteFailed, FailureCategory.PermissionDenied, $"The playbook could not be written to {Path}: {ex.Message}",
                    "Choose a folder that you own and can write, with no link in its path.", Path), Path);
            }
        }
    }
}
