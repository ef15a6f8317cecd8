using System.Collections.Generic;
using System.Diagnostics;

namespace ReleaseOps.Core
{
    /// <summary>
    /// The environment of child processes that run commands the repository chooses: the release gate
    /// (EndToEndTestCommand from releaseops.psd1) and git (whose hooks may live in the repository, as husky's do).
    /// Whoever can push to develop chooses those commands, so ReleaseOps' own secrets are taken out of their
    /// environment: the git token, the Jenkins token, and the clouds' credentials.
    /// </summary>
    internal static class ChildEnvironment
    {
        /// <summary>The variables that carry secrets ReleaseOps reads (ProviderSettings, JenkinsConnection, GitCli), and the agent socket.</summary>
        public static readonly IReadOnlyList<string> SecretVariables = new[]
        {
            "RELEASEOPS_GIT_TOKEN",
            "JENKINS_API_TOKEN",
            "DIGITALOCEAN_TOKEN",
            "DIGITALOCEAN_ACCESS_TOKEN",
            "SCW_SECRET_KEY",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_SESSION_TOKEN",
            "AWS_SECURITY_TOKEN",
            "CLOUDFLARE_API_TOKEN",
        };

        /// <summary>Removes the secrets from a child's environment (and, for the gate, the ssh-agent socket, which would push to master).</summary>
        public static void Scrub(ProcessStartInfo psi, bool agent)
        {
            foreach (var name in SecretVariables)
            {
                psi.Environment.Remove(name);
            }

            if (agent)
            {
                psi.Environment.Remove("SSH_AUTH_SOCK");
            }
        }
    }
}
