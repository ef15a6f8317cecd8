using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using ReleaseOps.Core;
using ReleaseOps.Core.Bootstrap;

namespace ReleaseOps.Commands
{
    /// <summary>
    /// The team roster: TeamMember objects, or a team.psd1 file such as
    /// @{ Admins = @( @{ Name = 'Alice Smith'; Login = 'alice'; PublicKey = @('ssh-ed25519 AAAA... alice@laptop') } ) }.
    /// </summary>
    internal static class TeamRoster
    {
        public const string Example = "@{ Admins = @( @{ Name = 'Alice Smith'; Login = 'alice'; PublicKey = @('ssh-ed25519 AAAA... alice@laptop') } ) }";

        public static IReadOnlyList<TeamMember> Read(string file)
        {
            var (values, lines) = PowerShellDataFile.Read(file, Example);
            var admins = values.Contains("Admins") ? values["Admins"] : null;
            if (admins is null || values.Count != 1)
            {
                var where = lines.Keys.FirstOrDefault(k => !k.Equals("Admins", StringComparison.OrdinalIgnoreCase));
                throw new ReleaseOpsException(ErrorIds.InvalidTeamFile, FailureCategory.InvalidData,
                    $"{file}{(where is not null ? ":" + lines[where].ToString(CultureInfo.InvariantCulture) + ": '" + where + "' is not a setting" : ": Admins is missing")}.",
                    $"The file holds one key, Admins: {Example}.", file);
            }

            var list = admins is IEnumerable e and not string ? e.Cast<object?>().ToList() : new List<object?> { admins };
            var members = new List<TeamMember>();
            var index = 0;
            foreach (var item in list)
            {
                index++;
                if (item is not IDictionary entry)
                {
                    throw Invalid(file, index, "is not a hashtable");
                }

                string Text(string key) => entry.Contains(key) && entry[key] is string s ? s : string.Empty;
                var keys = entry.Contains("PublicKey") ? entry["PublicKey"] : null;
                var keyList = keys switch
                {
                    null => Array.Empty<string>(),
                    string one => new[] { one },
                    IEnumerable many => many.Cast<object?>().Select(k => k as string ?? throw Invalid(file, index, "has a PublicKey that is not a string")).ToArray(),
                    _ => throw Invalid(file, index, "has a PublicKey that is not a string"),
                };
                try
                {
                    members.Add(NodeBootstrap.Validate(new TeamMember { Name = Text("Name"), Login = Text("Login"), PublicKey = keyList }));
                }
                catch (ReleaseOpsException ex)
                {
                    throw new ReleaseOpsException(ex.ErrorId, ex.Category, $"{file}: admin {index}: {ex.Message}", ex.RecommendedAction, file, ex);
                }
            }

            var duplicate = members.GroupBy(m => m.Login).FirstOrDefault(g => g.Count() > 1);
            if (duplicate is not null)
            {
                throw new ReleaseOpsException(ErrorIds.InvalidTeamFile, FailureCategory.InvalidData, $"{file}: the login {duplicate.Key} appears twice.", "Give each admin one entry with all their keys.", file);
            }

            return members;
        }

        private static ReleaseOpsException Invalid(string file, int index, string what) =>
            new(ErrorIds.InvalidTeamFile, FailureCategory.InvalidData, $"{file}: admin {index} {what}.", $"Write each admin as @{{ Name = '...'; Login = '...'; PublicKey = @('...') }}.", file);
    }
}
