using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace ReleaseOps.Commands
{
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
}
