using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace ReleaseOps.Commands
{
    /// <summary>The module's own records as the infrastructure-as-code exports keep them.</summary>
    internal static class IacRecords
    {
        /// <summary>
        /// A project's settings as snake_case names and values. A URL keeps no user information (a token in a clone URL
        /// is a secret), and nothing else in releaseops.psd1 is one: credentials never live there.
        /// </summary>
        public static IReadOnlyList<(string Name, object? Value)> Settings(ReleaseOpsProject project) =>
            typeof(ReleaseOpsProject).GetProperties()
                .Where(p => p.CanRead && p.GetIndexParameters().Length == 0)
                .OrderBy(p => p.MetadataToken)
                .Select(p => (SnakeCase(p.Name), Clean(p.GetValue(project))))
                .ToList();

        private static object? Clean(object? value) => value switch
        {
            string s when Uri.TryCreate(s, UriKind.Absolute, out var uri) && uri.UserInfo.Length > 0 =>
                new UriBuilder(uri) { UserName = string.Empty, Password = string.Empty }.Uri.ToString(),
            _ => value,
        };

        private static string SnakeCase(string name)
        {
            var sb = new StringBuilder();
            for (var i = 0; i < name.Length; i++)
            {
                if (char.IsUpper(name[i]) && i > 0 && (char.IsLower(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1]))))
                {
                    sb.Append('_');
                }

                sb.Append(char.ToLowerInvariant(name[i]));
            }

            return sb.ToString();
        }
    }
}
