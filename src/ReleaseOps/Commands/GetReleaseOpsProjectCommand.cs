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

        private static ReleaseOpsProject Read(string path)
        {
            var file = FindSettings(path);
            var ast = Parser.ParseFile(file, out _, out var errors);
            if (errors.Length > 0)
            {
                var e = errors[0];
                throw new ReleaseOpsException("ProjectSettingsParseError", FailureCategory.InvalidData,
                    $"{file}:{e.Extent.StartLineNumber}: {e.Message}", "Fix the syntax; the file is a PowerShell data file: @{ Slug = 'cortico' }.", file);
            }

            var statements = ast.EndBlock?.Statements;
            var table = statements is { Count: 1 } && statements[0] is PipelineAst { PipelineElements: { Count: 1 } } p
                && p.PipelineElements[0] is CommandExpressionAst { Expression: HashtableAst h } ? h : null;
            if (table is null || ast.BeginBlock is not null || ast.ProcessBlock is not null || ast.ParamBlock is not null)
            {
                throw new ReleaseOpsException("ProjectSettingsParseError", FailureCategory.InvalidData,
                    $"{file}: the file must hold one hashtable and nothing else.", "Write the settings as @{ Slug = 'cortico'; ... }.", file);
            }

            object value;
            try
            {
                value = table.SafeGetValue();
            }
            catch (InvalidOperationException ex)
            {
                throw new ReleaseOpsException("ProjectSettingsNotConstant", FailureCategory.SecurityError,
                    $"{file}: {ex.Message}", "Use only constant values: strings, numbers, $true, $false, $null, @() and @{}. The file is read, never run.", file, ex);
            }

            var lines = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            foreach (var pair in table.KeyValuePairs)
            {
                if (pair.Item1 is StringConstantExpressionAst key)
                {
                    lines[key.Value] = key.Extent.StartLineNumber;
                }
            }

            return ProjectSettings.FromValues((IDictionary)value, lines, file, System.IO.Path.GetDirectoryName(file) ?? path);
        }

        private static string FindSettings(string path)
        {
            if (File.Exists(path))
            {
                return path;
            }

            if (!Directory.Exists(path))
            {
                throw new ReleaseOpsException("ProjectPathNotFound", FailureCategory.ObjectNotFound,
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

            throw new ReleaseOpsException("ProjectSettingsNotFound", FailureCategory.ObjectNotFound,
                $"No {ProjectSettings.FileName} was found in '{path}' or above it in its repository.",
                $"Create {ProjectSettings.FileName} at the repository's root, for example @{{ Slug = 'cortico' }}, or pass -Path.", path);
        }
    }
}
