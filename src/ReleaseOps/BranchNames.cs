using System;
using System.Text.RegularExpressions;
using ReleaseOps.Core;

namespace ReleaseOps.Commands
{
    /// <summary>The names of feature/ and hotfix/ branches: lower-case words, checked as git checks refs.</summary>
    internal static class BranchNames
    {
        private static readonly Regex Word = new("^[a-z0-9][a-z0-9._-]*$", RegexOptions.CultureInvariant);

        /// <summary>The name without its prefix; feature names may have sub-paths (feature/jira/123-x), hotfixes may not.</summary>
        public static string Validate(string given, string prefix, bool allowSubPaths)
        {
            var name = given.Trim();
            if (name.StartsWith(prefix + "/", StringComparison.Ordinal))
            {
                name = name.Substring(prefix.Length + 1);
            }

            var parts = name.Split('/');
            var shapeOk = (allowSubPaths || parts.Length == 1) && Array.TrueForAll(parts, p => Word.IsMatch(p)) && name.Length <= 200;
            var problem = ProjectSettings.GitRefProblem(prefix + "/" + name);
            if (!shapeOk || problem is not null)
            {
                throw new ReleaseOpsException(ErrorIds.InvalidBranchName, FailureCategory.InvalidArgument,
                    $"'{given}' is not a valid {prefix} name{(problem is null ? string.Empty : ": " + problem)}.",
                    "Use lower-case words joined by hyphens (200 characters at most), such as login-page or jira-123-export.", given);
            }

            return name;
        }
    }
}
