using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ReleaseOps.Core.Ssh;

namespace ReleaseOps.Core.RemoteScripts
{
    /// <summary>
    /// The one runner of the embedded remote scripts (bootstrap.sh, deploy.sh, redirect.sh): it puts the protocol's
    /// prelude (protocol.sh) before the script, runs it through <see cref="NodeCommandRunner"/> with every argument
    /// quoted and under sudo when asked, and parses the line protocol that protocol.sh describes. Standard error goes
    /// to the verbose stream and warning records to the warning stream; step records reach the caller as they come.
    /// </summary>
    public sealed class RemoteScript
    {
        private static readonly Lazy<string> Prelude = new(() => Resource("ReleaseOps.Core.RemoteScripts.protocol.sh"));
        private static readonly Lazy<RemoteScript> BootstrapScript = new(() => new RemoteScript("bootstrap.sh", "ReleaseOps.Core.Bootstrap.bootstrap.sh"));
        private static readonly Lazy<RemoteScript> DeployScript = new(() => new RemoteScript("deploy.sh", "ReleaseOps.Core.Deploy.deploy.sh"));
        private static readonly Lazy<RemoteScript> RedirectScript = new(() => new RemoteScript("redirect.sh", "ReleaseOps.Core.Migration.redirect.sh"));

        private RemoteScript(string name, string resource)
        {
            Name = name;
            Body = Resource(resource);
            Text = Prelude.Value + "\n" + Body;
        }

        /// <summary>Initialize-Node, Add-NodeUser, Remove-NodeUser and Get-NodeUser.</summary>
        public static RemoteScript Bootstrap => BootstrapScript.Value;

        /// <summary>Deploy-ProjectStack.</summary>
        public static RemoteScript Deploy => DeployScript.Value;

        /// <summary>Set-NodeRedirect and Remove-NodeRedirect.</summary>
        public static RemoteScript Redirect => RedirectScript.Value;

        /// <summary>The script's file name.</summary>
        public string Name { get; }

        /// <summary>The script's own text, without the prelude.</summary>
        public string Body { get; }

        /// <summary>What runs on the node: the prelude, then the script.</summary>
        public string Text { get; }

        /// <summary>
        /// Runs the script on one node. onStep receives each step record as it arrives, "start" records included.
        /// </summary>
        public async Task<RemoteScriptResult> RunAsync(NodeSession session, IReadOnlyList<string> arguments, bool sudo, TimeSpan? timeout, string? input,
            Action<RemoteScriptStep>? onStep, IOperationReporter reporter, CancellationToken token)
        {
            if (session is null)
            {
                throw new ArgumentNullException(nameof(session));
            }

            if (reporter is null)
            {
                throw new ArgumentNullException(nameof(reporter));
            }

            var result = new RemoteScriptResult();
            void OnLine(string line, bool isError)
            {
                if (isError)
                {
                    reporter.Verbose($"{session.Name}: {line}");
                    return;
                }

                var (step, warning) = Apply(line, result);
                if (warning is not null)
                {
                    reporter.Warning($"{session.Name}: {warning}");
                }

                if (step is not null)
                {
                    onStep?.Invoke(step);
                }
            }

            var request = new NodeCommandRequest { Command = Text, Arguments = arguments ?? Array.Empty<string>(), Sudo = sudo, Timeout = timeout, Input = input };
            result.Command = await NodeCommandRunner.RunAsync(session, request, OnLine, reporter, token).ConfigureAwait(false);
            return result;
        }

        /// <summary>
        /// Applies one line of the protocol to the result, and returns the step record or the warning it held, for the
        /// caller to report as they come. A line that is no record is ignored.
        /// </summary>
        public static (RemoteScriptStep? Step, string? Warning) Apply(string line, RemoteScriptResult result)
        {
            if (result is null)
            {
                throw new ArgumentNullException(nameof(result));
            }

            var f = (line ?? string.Empty).Split('\t');
            lock (result)
            {
                switch (f[0])
                {
                    case "step" when f.Length >= 4:
                        var step = new RemoteScriptStep { Name = f[1], Status = f[2], Detail = f[3], ErrorId = f.Length >= 5 && f[4].Length > 0 ? f[4] : null };
                        if (step.Status != "start")
                        {
                            result.Steps.Add(step);
                        }

                        return (step, null);
                    case "field" when f.Length >= 3:
                        result.Fields[f[1]] = f[2];
                        break;
                    case "row" when f.Length >= 2:
                        result.Rows.Add(f.Skip(1).ToArray());
                        break;
                    case "warning" when f.Length >= 2:
                        return (null, f[1]);
                    case "error" when f.Length >= 3:
                        result.ErrorId = f[1];
                        result.ErrorMessage = f[2];
                        break;
                }
            }

            return (null, null);
        }

        private static string Resource(string name)
        {
            using var stream = typeof(RemoteScript).Assembly.GetManifestResourceStream(name)
                ?? throw new InvalidOperationException($"{name} is not embedded.");
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        }
    }
}
