using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace ReleaseOps.Commands
{
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
