using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ReleaseOps.Core.Sandbox;

namespace ReleaseOps.Core.Providers
{
    /// <summary>Names and tags that every provider uses, so that nodes are found again.</summary>
    public static class NodeNaming
    {
        /// <summary>The tag that marks every node ReleaseOps created.</summary>
        public const string ManagedTag = "releaseops";

        /// <summary>The tag prefix that holds the time the node's stack was stopped (Unix seconds).</summary>
        public const string StackStoppedPrefix = "stack-stopped:";

        /// <summary>The tag that names the node's project.</summary>
        public static string ProjectTag(string project) => "project:" + project;

        /// <summary>Validates and joins the slug and client into the node's name.</summary>
        public static string NodeName(string project, string? client) => SandboxProvider.NodeName(project, client);

        /// <summary>The tags a new node gets: releaseops, project:slug and, with a role, role:name.</summary>
        public static string[] TagsFor(NodeRequest request)
        {
            ValidateRole(request.Role);
            return request.Role is null
                ? new[] { ManagedTag, ProjectTag(request.Project) }
                : new[] { ManagedTag, ProjectTag(request.Project), "role:" + request.Role };
        }

        /// <summary>A role is a DNS label, so that it fits every provider's tags.</summary>
        public static void ValidateRole(string? role)
        {
            if (role is not null && !DirectHostNames.IsDnsLabel(role))
            {
                throw new ReleaseOpsException(ErrorIds.InvalidRole, FailureCategory.InvalidArgument, $"'{role}' is not a valid role: it must be a DNS label.",
                    "Use a short lower-case name such as staging or production.", role);
            }
        }

        /// <summary>The role of a node, from its tags.</summary>
        public static string? RoleOf(IEnumerable<string> tags) =>
            tags.Where(t => t.StartsWith("role:", StringComparison.Ordinal)).Select(t => t.Substring("role:".Length)).FirstOrDefault();

        /// <summary>The project of a node, from its tags, else from its name.</summary>
        public static string ProjectOf(string name, IEnumerable<string> tags)
        {
            var tag = tags.FirstOrDefault(t => t.StartsWith("project:", StringComparison.Ordinal));
            if (tag is not null)
            {
                return tag.Substring("project:".Length);
            }

            var dash = name.IndexOf('-');
            return dash > 0 ? name.Substring(0, dash) : name;
        }

        /// <summary>When the node's stack was stopped, from its tags.</summary>
        public static DateTimeOffset? StackStopped(IEnumerable<string> tags)
        {
            var tag = tags.FirstOrDefault(t => t.StartsWith(StackStoppedPrefix, StringComparison.Ordinal));
            return tag is not null && long.TryParse(tag.Substring(StackStoppedPrefix.Length), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds)
                ? DateTimeOffset.FromUnixTimeSeconds(seconds)
                : null;
        }
    }
}
