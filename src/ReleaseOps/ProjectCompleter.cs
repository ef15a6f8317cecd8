using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace ReleaseOps.Commands
{
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
}
