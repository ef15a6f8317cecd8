using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace ReleaseOps
{
    /// <summary>Completes -DataResidency.</summary>
    public sealed class DataResidencyCompleter : IArgumentCompleter
    {
        /// <inheritdoc />
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters) =>
            new[] { "Any", "Canada" }
                .Where(v => v.StartsWith(wordToComplete ?? string.Empty, System.StringComparison.OrdinalIgnoreCase))
                .Select(v => new CompletionResult(v));
    }

    /// <summary>
    /// Completes -HostName with the Host aliases of ssh_config (-ConfigFile when given, else ~/.ssh/config), read by
    /// the module's own resolver, as `ssh <Tab>` does. A configuration that cannot be read completes nothing.
    /// </summary>
    public sealed class HostNameCompleter : IArgumentCompleter
    {
        /// <inheritdoc />
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            try
            {
                var file = fakeBoundParameters?["ConfigFile"] as string;
                var config = string.IsNullOrEmpty(file) ? ReleaseOps.Core.Ssh.SshConfig.LoadDefault() : ReleaseOps.Core.Ssh.SshConfig.Load(file!);
                return Matching(config.HostAliases(), wordToComplete);
            }
            catch (ReleaseOps.Core.ReleaseOpsException)
            {
                return Enumerable.Empty<CompletionResult>();
            }
        }

        internal static IEnumerable<CompletionResult> Matching(IEnumerable<string> values, string? word) =>
            values.Where(v => v.StartsWith(word ?? string.Empty, System.StringComparison.OrdinalIgnoreCase))
                .Select(v => new CompletionResult(v, v, CompletionResultType.ParameterValue, v));
    }

    /// <summary>Completes -Id with the ids of the migrations in the journal folder (of -Project when given), newest first.</summary>
    public sealed class MigrationIdCompleter : IArgumentCompleter
    {
        /// <inheritdoc />
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            try
            {
                var project = fakeBoundParameters?["Project"] as string;
                return HostNameCompleter.Matching(ReleaseOps.Core.Migration.MigrationJournal.List(string.IsNullOrEmpty(project) ? null : project)
                    .OrderByDescending(m => m.Id, System.StringComparer.Ordinal).Select(m => m.Id), wordToComplete);
            }
            catch (ReleaseOps.Core.ReleaseOpsException)
            {
                return Enumerable.Empty<CompletionResult>();
            }
        }
    }

    /// <summary>Completes -Project with the projects this machine knows: those of its migration journals.</summary>
    public sealed class ProjectCompleter : IArgumentCompleter
    {
        /// <inheritdoc />
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            try
            {
                return HostNameCompleter.Matching(ReleaseOps.Core.Migration.MigrationJournal.List(null).Select(m => m.Project).Where(p => p.Length > 0)
                    .Distinct(System.StringComparer.Ordinal).OrderBy(p => p, System.StringComparer.Ordinal), wordToComplete);
            }
            catch (ReleaseOps.Core.ReleaseOpsException)
            {
                return Enumerable.Empty<CompletionResult>();
            }
        }
    }

    /// <summary>Completes the names of ReleaseOps settings.</summary>
    public sealed class SettingNameCompleter : IArgumentCompleter
    {
        /// <inheritdoc />
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters) =>
            HostNameCompleter.Matching(ReleaseOps.Core.ReleaseOpsConfiguration.Names, wordToComplete);
    }

    /// <summary>
    /// Completes -Region and -Size of New-ProjectNode from what the provider (-Provider when given) listed the last
    /// time it was asked; nothing is requested from the provider while completing.
    /// </summary>
    public sealed class ProviderCatalogCompleter : IArgumentCompleter
    {
        /// <inheritdoc />
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var given = fakeBoundParameters?["Provider"];
            ReleaseOps.HostingProvider? provider = given is null ? null
                : System.Enum.TryParse<ReleaseOps.HostingProvider>(given.ToString(), true, out var p) ? p : null;
            var values = string.Equals(parameterName, "Size", System.StringComparison.OrdinalIgnoreCase)
                ? ReleaseOps.Core.Providers.ProviderCatalog.Sizes(provider)
                : ReleaseOps.Core.Providers.ProviderCatalog.Regions(provider);
            return HostNameCompleter.Matching(values, wordToComplete);
        }
    }
}
