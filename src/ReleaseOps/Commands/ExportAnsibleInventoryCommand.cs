using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using ReleaseOps.Core;
using ReleaseOps.Core.Iac;

namespace ReleaseOps.Commands
{
    /// <summary>
    /// Export-AnsibleInventory: the fleet as an Ansible inventory, in YAML and as a dynamic inventory script that
    /// answers --list and --host, grouped by project, role, provider and region.
    /// </summary>
    [Cmdlet(VerbsData.Export, "AnsibleInventory", SupportsShouldProcess = true)]
    [OutputType(typeof(ExportedFile))]
    public sealed class ExportAnsibleInventoryCommand : ReleaseOpsCmdlet
    {
        private readonly List<ProjectNode> nodes = new();

        /// <summary>The folder to write inventory.yml and inventory.py into; created (private) when missing.</summary>
        [Parameter(Mandatory = true, Position = 0)]
        public string Path { get; set; } = string.Empty;

        /// <summary>The nodes, from Get-ProjectNode or New-ProjectNode.</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true)]
        public ProjectNode[] InputObject { get; set; } = Array.Empty<ProjectNode>();

        /// <summary>The ssh_config file that resolves the nodes' addresses, ports and users (default ~/.ssh/config).</summary>
        [Parameter]
        public string? ConfigFile { get; set; }

        /// <inheritdoc />
        protected override void ProcessRecord() => nodes.AddRange(InputObject);

        /// <inheritdoc />
        protected override void EndProcessing()
        {
            try
            {
                var folder = GetUnresolvedProviderPathFromPSPath(Path);
                var hosts = RunEngine(_ => AnsibleHosts.Resolve(nodes, ConfigFile is null ? null : GetUnresolvedProviderPathFromPSPath(ConfigFile)));
                foreach (var (name, text, executable) in new[] { ("inventory.yml", AnsibleExport.InventoryYaml(hosts), false), ("inventory.py", AnsibleExport.InventoryScript(hosts), true) })
                {
                    var path = System.IO.Path.Combine(folder, name);
                    var write = ShouldProcess(path, $"Write the Ansible inventory ({hosts.Count} hosts)");
                    if (write)
                    {
                        ExportFiles.Write(path, text, executable);
                    }

                    WriteObject(new ExportedFile { Path = path, Format = "AnsibleInventory", Items = hosts.Count, Status = write ? FileWriteStatus.Written : FileWriteStatus.WouldWrite });
                }
            }
            catch (ReleaseOpsException ex)
            {
                ThrowFailure(ex, Path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                ThrowFailure(new ReleaseOpsException(ErrorIds.ExportWriteFailed, FailureCategory.PermissionDenied, $"The inventory could not be written to {Path}: {ex.Message}",
                    "Choose a folder that you own and can write, with no link in its path.", Path), Path);
            }
        }
    }
}
