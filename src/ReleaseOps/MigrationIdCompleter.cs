using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace ReleaseOps.Commands
{
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
}
