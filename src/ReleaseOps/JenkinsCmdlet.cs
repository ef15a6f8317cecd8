using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using System.Runtime.InteropServices;
using System.Security;
using ReleaseOps.Core;
using ReleaseOps.Core.Jenkins;

namespace ReleaseOps.Commands
{
    /// <summary>
    /// The base of the Jenkins cmdlets: where Jenkins is (-JenkinsUrl, else JENKINS_URL) and who we are there
    /// (-Credential, else JENKINS_USER_ID and JENKINS_API_TOKEN, as the Jenkins CLI reads them).
    /// </summary>
    public abstract class JenkinsCmdlet : ReleaseOpsCmdlet
    {
        /// <summary>The information stream's tags for console log lines.</summary>
        internal static readonly string[] LogTags = { "Jenkins", "ConsoleLog" };

        private JenkinsConnection? connection;

        /// <summary>Jenkins' root URL (default: the JENKINS_URL environment variable).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? JenkinsUrl { get; set; }

        /// <summary>The Jenkins user and API token (default: JENKINS_USER_ID and JENKINS_API_TOKEN).</summary>
        [Parameter]
        [Credential]
        public PSCredential? Credential { get; set; }

        /// <summary>The resolved connection; resolved once, in BeginProcessing.</summary>
        protected JenkinsConnection Connection => connection ?? throw new InvalidOperationException("BeginProcessing resolves the connection.");

        /// <inheritdoc />
        protected override void BeginProcessing()
        {
            try
            {
                var credential = Credential == PSCredential.Empty ? null : Credential;
                connection = JenkinsConnection.Resolve(JenkinsUrl, credential?.UserName, credential?.Password);
                WriteVerbose($"Jenkins at {connection.BaseUrl}, " + (connection.Authenticated ? $"as {connection.User} with an API token." : "anonymously (no user and API token were given)."));
            }
            catch (ReleaseOpsException ex)
            {
                ThrowFailure(ex);
            }
        }

        /// <summary>
        /// Job parameters from a hashtable, as the strings Jenkins receives (booleans as true/false). A SecureString or
        /// PSCredential value (its password) is a secret: its name goes to secretNames, and it is shown nowhere.
        /// </summary>
        internal static IDictionary<string, string>? ToParameters(IDictionary? table, ISet<string> secretNames)
        {
            if (table is null)
            {
                return null;
            }

            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (DictionaryEntry e in table)
            {
                var value = e.Value is PSObject ps ? ps.BaseObject : e.Value;
                var name = LanguagePrimitives.ConvertTo<string>(e.Key);
                if (value is PSCredential credential)
                {
                    value = credential.Password;
                }

                if (value is SecureString secure)
                {
                    secretNames.Add(name);
                    var ptr = Marshal.SecureStringToGlobalAllocUnicode(secure);
                    try
                    {
                        result[name] = Marshal.PtrToStringUni(ptr) ?? string.Empty;
                    }
                    finally
                    {
                        Marshal.ZeroFreeGlobalAllocUnicode(ptr);
                    }

                    continue;
                }

                result[name] = value switch
                {
                    null => string.Empty,
                    bool b => b ? "true" : "false",
                    SwitchParameter s => s.IsPresent ? "true" : "false",
                    _ => LanguagePrimitives.ConvertTo<string>(value),
                };
            }

            return result;
        }
    }
}
