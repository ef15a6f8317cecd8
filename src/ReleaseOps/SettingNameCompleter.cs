using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace ReleaseOps.Commands
{
    /// <summary>Completes the names of ReleaseOps settings.</summary>
    public sealed class SettingNameCompleter : IArgumentCompleter
    {
        /// <inheritdoc />
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters) =>
            HostNameCompleter.Matching(ReleaseOps.Core.ReleaseOpsConfiguration.Names, wordToComplete);
    }
}
