using System;
using System.Linq;
using System.Runtime.InteropServices;
using System.Security;
using System.Text;

namespace ReleaseOps.Core.Jenkins
{
    /// <summary>
    /// Where Jenkins is and who we are there. The URL, user and API token fall back to JENKINS_URL, JENKINS_USER_ID
    /// and JENKINS_API_TOKEN, the variables the Jenkins CLI reads (JENKINS_USER, which the release gate read first,
    /// is still accepted for the user). The token is kept as a SecureString and only turned into an Authorization
    /// header; it is never part of a message, and it is sent only over https or to a loopback address (JenkinsInsecureUrl).
    /// </summary>
    public sealed class JenkinsConnection
    {
        public const string UrlVariable = "JENKINS_URL";
        public const string UserVariable = "JENKINS_USER_ID";
        public const string LegacyUserVariable = "JENKINS_USER";
        public const string TokenVariable = "JENKINS_API_TOKEN";

        private JenkinsConnection(Uri baseUrl, string? user, SecureString? token)
        {
            BaseUrl = baseUrl;
            User = user;
            Token = token;
        }

        /// <summary>The server's root URL, always ending with a slash.</summary>
        public Uri BaseUrl { get; }

        /// <summary>The Jenkins user, or null for anonymous access.</summary>
        public string? User { get; }

        internal SecureString? Token { get; }

        /// <summary>Whether a user and token are sent.</summary>
        public bool Authenticated => !string.IsNullOrEmpty(User) && Token is not null && Token.Length > 0;

        /// <summary>Resolves the URL and credentials from the arguments, else from the environment.</summary>
        public static JenkinsConnection Resolve(string? url, string? user, SecureString? token, Func<string, string?>? environment = null)
        {
            // An empty variable counts as unset (PowerShell's [Environment]::SetEnvironmentVariable(name, $null) leaves one behind).
            var read = environment ?? Environment.GetEnvironmentVariable;
            environment = name => read(name) is { } v && v.Trim().Length > 0 ? v : null;
            url = string.IsNullOrWhiteSpace(url) ? environment(UrlVariable) : url;
            if (string.IsNullOrWhiteSpace(url))
            {
                throw new ReleaseOpsException(ErrorIds.JenkinsUrlMissing, FailureCategory.InvalidArgument,
                    "No Jenkins URL was given, and JENKINS_URL is not set.",
                    "Pass -JenkinsUrl https://jenkins.example.com/, or set the JENKINS_URL environment variable (Jenkins sets it for its own jobs).");
            }

            if (!Uri.TryCreate(url!.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || !string.IsNullOrEmpty(uri.UserInfo))
            {
                throw new ReleaseOpsException(ErrorIds.InvalidJenkinsUrl, FailureCategory.InvalidArgument,
                    "The Jenkins URL is not an http(s) URL without credentials in it.",
                    "Pass the server's root URL, such as https://jenkins.example.com/ ; credentials go in -Credential or JENKINS_USER_ID and JENKINS_API_TOKEN.");
            }

            var root = new UriBuilder(uri) { Query = string.Empty, Fragment = string.Empty };
            if (!root.Path.EndsWith("/", StringComparison.Ordinal))
            {
                root.Path += "/";
            }

            if (token is null || token.Length == 0)
            {
                user = string.IsNullOrEmpty(user) ? environment(UserVariable) ?? environment(LegacyUserVariable) : user;
                var fromEnvironment = environment(TokenVariable);
                if (!string.IsNullOrEmpty(fromEnvironment))
                {
                    token = new SecureString();
                    foreach (var c in fromEnvironment!)
                    {
                        token.AppendChar(c);
                    }

                    token.MakeReadOnly();
                }
            }

            var connection = new JenkinsConnection(root.Uri, string.IsNullOrEmpty(user) ? null : user, token);
            if (connection.Authenticated && root.Uri.Scheme != Uri.UriSchemeHttps && !root.Uri.IsLoopback)
            {
                // Basic authentication over plain HTTP hands the API token to anyone on the path.
                throw new ReleaseOpsException(ErrorIds.JenkinsInsecureUrl, FailureCategory.SecurityError,
                    $"The Jenkins URL {root.Uri} is plain http, and the Jenkins credentials are sent only over https (or to this machine's loopback address).",
                    "Use the server's https:// URL. A Jenkins on this machine may be reached as http://127.0.0.1:<port>/.", root.Uri.ToString());
            }

            return connection;
        }

        /// <summary>The job's URL path below the root: cortico/e2e becomes job/cortico/job/e2e/.</summary>
        public static string JobPath(string job)
        {
            var parts = (job ?? string.Empty).Split(new[] { '/' }, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 0 || parts.Any(p => p == "." || p == ".."))
            {
                throw new ReleaseOpsException(ErrorIds.InvalidJenkinsJob, FailureCategory.InvalidArgument, $"'{job}' is not a Jenkins job path.",
                    "Name the job with its folders, separated by /, such as cortico/e2e.", job);
            }

            return string.Concat(parts.Select(p => "job/" + Uri.EscapeDataString(p) + "/"));
        }

        /// <summary>A job path in its canonical form: folders separated by single slashes.</summary>
        public static string NormalizeJob(string job) => string.Join("/", (job ?? string.Empty).Split(new[] { '/' }, StringSplitOptions.RemoveEmptyEntries));

        internal string? BasicAuthorization()
        {
            if (!Authenticated)
            {
                return null;
            }

            var ptr = Marshal.SecureStringToGlobalAllocUnicode(Token!);
            try
            {
                return Convert.ToBase64String(Encoding.UTF8.GetBytes(User + ":" + Marshal.PtrToStringUni(ptr)));
            }
            finally
            {
                Marshal.ZeroFreeGlobalAllocUnicode(ptr);
            }
        }
    }
}
