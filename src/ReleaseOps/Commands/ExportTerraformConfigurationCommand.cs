using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using ReleaseOps.Core;
using ReleaseOps.Core.Iac;
using ReleaseOps.Core.Providers;

namespace ReleaseOps.Commands
{
    /// <summary>
    /// Export-TerraformConfiguration: writes .tf files that adopt the nodes and DNS records ReleaseOps manages, with
    /// an import block for each, so that Terraform takes them over with no change to any resource.
    /// </summary>
    [Cmdlet(VerbsData.Export, "TerraformConfiguration", SupportsShouldProcess = true)]
    [OutputType(typeof(ExportedFile))]
    public sealed class ExportTerraformConfigurationCommand : ProviderCmdlet
    {
        private readonly List<ProjectNode> nodes = new();
        private readonly List<DnsRecord> records = new();

        /// <summary>The folder to write the .tf files into; created (private) when missing.</summary>
        [Parameter(Mandatory = true, Position = 0)]
        public string Path { get; set; } = string.Empty;

        /// <summary>Nodes from Get-ProjectNode and records from Get-DnsRecord.</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true)]
        public PSObject[] InputObject { get; set; } = Array.Empty<PSObject>();

        /// <summary>The admins' public key files (.pub), registered at DigitalOcean and imported into EC2 by New-ProjectNode.</summary>
        [Parameter]
        public string[] PublicKey { get; set; } = Array.Empty<string>();

        /// <summary>The project's repository (or a folder in it), whose releaseops.psd1 is kept as locals.</summary>
        [Parameter]
        public string? ProjectPath { get; set; }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            foreach (var item in InputObject)
            {
                switch (item?.BaseObject)
                {
                    case ProjectNode node:
                        nodes.Add(node);
                        break;
                    case DnsRecord record:
                        records.Add(record);
                        break;
                    default:
                        WriteError(ToErrorRecord(new ReleaseOpsException(ErrorIds.UnsupportedInput, FailureCategory.InvalidArgument,
                            $"Export-TerraformConfiguration takes nodes and DNS records, not {item?.BaseObject?.GetType().Name ?? "null"}.",
                            "Pipe the output of Get-ProjectNode and Get-DnsRecord.", item), item));
                        break;
                }
            }
        }

        /// <inheritdoc />
        protected override void EndProcessing()
        {
            try
            {
                var folder = GetUnresolvedProviderPathFromPSPath(Path);
                var keys = PublicKey.Select(p => Core.Ssh.PublicKey.Parse(File.ReadAllText(GetUnresolvedProviderPathFromPSPath(p)))).ToList();
                var input = new TerraformExportInput
                {
                    Nodes = nodes,
                    Records = records,
                    ClientNodes = RunEngine(reporter => new ClientProvider().ListAsync(null, CancellationToken).GetAwaiter().GetResult()),
                    ProjectSettings = ProjectPath is null ? null : IacRecords.Settings(ProjectLoader.Load(GetUnresolvedProviderPathFromPSPath(ProjectPath)).Project),
                };
                if (keys.Count > 0 && nodes.Any(n => n.Provider == HostingProvider.DigitalOcean))
                {
                    var settings = Settings(HostingProvider.DigitalOcean);
                    input.PublicKeys = RunEngine(async (reporter, token) =>
                    {
                        using var provider = new DigitalOceanProvider(settings, reporter);
                        var found = new List<(Core.Ssh.PublicKey, string?, string?)>();
                        foreach (var key in keys)
                        {
                            var registered = await provider.FindKeyAsync(key, token).ConfigureAwait(false);
                            found.Add((key, registered?.Id, registered?.Name));
                        }

                        return (IReadOnlyList<(Core.Ssh.PublicKey, string?, string?)>)found;
                    });
                }
                else
                {
                    input.PublicKeys = keys.Select(k => (k, (string?)null, (string?)null)).ToList();
                }

                var files = RunEngine(reporter => TerraformExport.Build(input, reporter));
                foreach (var file in files)
                {
                    var path = System.IO.Path.Combine(folder, file.Name);
                    var write = ShouldProcess(path, $"Write the Terraform configuration ({file.Resources} resources, {file.Imports} imports)");
                    if (write)
                    {
                        ExportFiles.Write(path, file.Text);
                    }

                    WriteObject(new ExportedFile { Path = path, Format = "Terraform", Items = file.Resources, Imports = file.Imports, Status = write ? FileWriteStatus.Written : FileWriteStatus.WouldWrite });
                }
            }
            catch (ReleaseOpsException ex)
            {
                ThrowFailure(ex, Path);
            }
            catch (FileNotFoundException ex)
            {
                ThrowFailure(new ReleaseOpsException(ErrorIds.PublicKeyNotFound, FailureCategory.ObjectNotFound, $"The public key file {ex.FileName} does not exist.",
                    "Pass the .pub file of the key that New-ProjectNode registered, such as ~/.ssh/id_ed25519.pub.", ex.FileName), ex.FileName);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                ThrowFailure(new ReleaseOpsException(ErrorIds.ExportWriteFailed, FailureCategory.PermissionDenied, $"The configuration could not be written to {Path}: {ex.Message}",
                    "Choose a folder that you own and can write, with no link in its path.", Path), Path);
            }
        }
    }
}
