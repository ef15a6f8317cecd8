using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using ReleaseOps.Core;

namespace ReleaseOps.Commands
{
    /// <summary>Get-ReleaseOpsProject: reads a project's releaseops.psd1.</summary>
    [Cmdlet(VerbsCommon.Get, "ReleaseOpsProject")]
    [OutputType(typeof(ReleaseOpsProject))]
    public sealed class GetReleaseOpsProjectCommand : ReleaseOpsCmdlet
    {
        /// <summary>The repository folder (or any folder inside it), or the settings file itself.</summary>
        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("FullName", "PSPath", "RepositoryPath")]
        [ValidateNotNullOrEmpty]
        public string[]? Path { get; set; }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            foreach (var given in Path ?? new[] { SessionState.Path.CurrentFileSystemLocation.ProviderPath })
            {
                ForEachInput(given, () => WriteObject(Read(GetUnresolvedProviderPathFromPSPath(given))));
            }
        }

        internal static ReleaseOpsProject Read(string path)
        {
            var file = FindSettings(path);
            var (values, lines) = PowerShellDataFile.Read(file, "@{ Slug = 'cortico' }");
            return ProjectSettings.FromValues(values, lines, file, System.IO.Path.GetDirectoryName(file) ?? path);
        }

        internal static string FindSettings(string path)
        {
            if (File.Exists(path))
            {
                return path;
            }

            if (!Directory.Exists(path))
            {
                throw new ReleaseOpsException(ErrorIds.ProjectPathNotFound, FailureCategory.ObjectNotFound,
                    $"'{path}' does not exist.", "Pass the project's repository folder or its releaseops.psd1.", path);
            }

            // From the folder up to the repository's root, as git finds .git.
            for (var dir = new DirectoryInfo(path); dir is not null; dir = dir.Parent)
            {
                var candidate = System.IO.Path.Combine(dir.FullName, ProjectSettings.FileName);
                if (File.Exists(candidate))
                {
                    return candidate;
                }

                if (Directory.Exists(System.IO.Path.Combine(dir.FullName, ".git")) || File.Exists(System.IO.Path.Combine(dir.FullName, ".git")))
                {
                    break;
                }
            }

            throw new ReleaseOpsException(ErrorIds.ProjectSettingsNotFound, FailureCategory.ObjectNotFound,
                $"No {ProjectSettings.FileName} was found in '{path}' or above it in its repository.",
                $"Create {ProjectSettings.FileName} at the repository's root, for example @{{ Slug = 'cortico' }}, or pass -Path.", path);
        }
    }
}
