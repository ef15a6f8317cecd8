using System;
using System.Linq;
using System.Management.Automation;
using ReleaseOps.Core;
using ReleaseOps.Core.Providers;

namespace ReleaseOps.Commands
{
    /// <summary>Get-ProjectNode: the nodes of projects, across the configured providers.</summary>
    [Cmdlet(VerbsCommon.Get, "ProjectNode", DefaultParameterSetName = ProvidersSet)]
    [OutputType(typeof(ProjectNode))]
    public sealed class GetProjectNodeCommand : ProviderCmdlet
    {
        private const string ProvidersSet = "Providers";
        private const string TerraformSet = "TerraformState";

        /// <summary>Only the nodes of this project or with this name (wildcards allowed).</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("Slug", "Name")]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(ProjectCompleter))]
        public string? Project { get; set; }

        /// <summary>Only the nodes with this role (staging, production; wildcards allowed).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [SupportsWildcards]
        public string? Role { get; set; }

        /// <summary>The providers to list; default: every provider whose credentials are set, client servers and the sandbox.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public HostingProvider[]? Provider { get; set; }

        /// <summary>
        /// Read the nodes that Terraform manages instead of asking the providers: a state file (terraform state pull
        /// > state.json) or the output of terraform show -json.
        /// </summary>
        [Parameter(Mandatory = true, ParameterSetName = TerraformSet)]
        public string TerraformState { get; set; } = string.Empty;

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            if (ParameterSetName == TerraformSet)
            {
                FromTerraformState();
                return;
            }

            var pattern = new WildcardPattern(string.IsNullOrEmpty(Project) ? "*" : Project, WildcardOptions.IgnoreCase);
            WildcardPattern? role = string.IsNullOrEmpty(Role) ? null : new WildcardPattern(Role, WildcardOptions.IgnoreCase);
            var exact = !string.IsNullOrEmpty(Project) && !WildcardPattern.ContainsWildcardCharacters(Project) && DirectHostNames.IsDnsLabel(Project) && Project!.IndexOf('-') < 0 ? Project : null;
            var providers = Provider ?? NodeProvisioner.Configured(Settings((HostingProvider?)null)).ToArray();
            foreach (var kind in providers)
            {
                ForEachInput(kind, () =>
                {
                    var settings = Settings(kind);
                    var nodes = RunEngine(async (reporter, token) =>
                    {
                        using var provider = NodeProvisioner.Create(kind, settings, KnownHostsPath(null), reporter);
                        return await provider.ListAsync(exact, token).ConfigureAwait(false);
                    });
                    foreach (var node in nodes.Where(n => Matches(n, pattern, role)))
                    {
                        WriteObject(node);
                    }
                });
            }
        }

        private static bool Matches(ProjectNode n, WildcardPattern pattern, WildcardPattern? role) =>
            (pattern.IsMatch(n.Project) || pattern.IsMatch(n.Name)) && (role is null || (n.Role is not null && role.IsMatch(n.Role)));

        private void FromTerraformState()
        {
            var pattern = new WildcardPattern(string.IsNullOrEmpty(Project) ? "*" : Project, WildcardOptions.IgnoreCase);
            WildcardPattern? role = string.IsNullOrEmpty(Role) ? null : new WildcardPattern(Role, WildcardOptions.IgnoreCase);
            var path = GetUnresolvedProviderPathFromPSPath(TerraformState);
            ForEachInput(path, () =>
            {
                string json;
                try
                {
                    json = System.IO.File.ReadAllText(path);
                }
                catch (Exception ex) when (ex is System.IO.IOException or UnauthorizedAccessException)
                {
                    throw new ReleaseOpsException(ErrorIds.TerraformStateNotFound, FailureCategory.ObjectNotFound, $"The Terraform state {path} cannot be read: {ex.Message}",
                        "Write it first: terraform state pull > state.json, or terraform show -json > state.json.", path);
                }

                foreach (var node in RunEngine(_ => Core.Iac.TerraformState.Read(json, path)).Where(n => (Provider is null || Provider.Contains(n.Provider)) && Matches(n, pattern, role)))
                {
                    WriteObject(node);
                }
            });
        }
    }
}
