using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using ReleaseOps.Core;
using ReleaseOps.Core.Ssh;

namespace ReleaseOps.Commands
{
    /// <summary>Add-NodeSshKey: ssh-copy-id as a cmdlet.</summary>
    [Cmdlet(VerbsCommon.Add, "NodeSshKey", SupportsShouldProcess = true, DefaultParameterSetName = KeySet)]
    [OutputType(typeof(NodeSshKeyResult))]
    public sealed class AddNodeSshKeyCommand : SshCmdlet
    {
        private const string KeySet = "PublicKey";
        private const string FileSet = "PublicKeyFile";
        private List<PublicKey> keys = new();

        /// <summary>Public key lines, as in a .pub file.</summary>
        [Parameter(Mandatory = true, ParameterSetName = KeySet)]
        [ValidateNotNullOrEmpty]
        public string[] PublicKey { get; set; } = Array.Empty<string>();

        /// <summary>.pub files to read the keys from.</summary>
        [Parameter(Mandatory = true, ParameterSetName = FileSet)]
        [ValidateNotNullOrEmpty]
        public string[] PublicKeyFile { get; set; } = Array.Empty<string>();

        /// <summary>The account whose authorized_keys receives the key; default the login user.</summary>
        [Parameter]
        public string? ForUser { get; set; }

        /// <inheritdoc />
        protected override string Action => $"Install {(ParameterSetName == FileSet ? string.Join(", ", PublicKeyFile) : "the public key")} for {ForUser ?? "the login user"}";

        /// <inheritdoc />
        protected override string Activity => "Add-NodeSshKey";

        /// <inheritdoc />
        protected override void Prepare()
        {
            var lines = ParameterSetName == FileSet
                ? PublicKeyFile.SelectMany(f =>
                {
                    var path = GetUnresolvedProviderPathFromPSPath(f);
                    if (!File.Exists(path))
                    {
                        throw new ReleaseOpsException(ErrorIds.PublicKeyFileNotFound, FailureCategory.ObjectNotFound, $"{path} does not exist.", "Pass a .pub file, such as ~/.ssh/id_ed25519.pub.", path);
                    }

                    return File.ReadAllLines(path);
                })
                : PublicKey.SelectMany(k => k.Split('\n'));
            keys = lines.Where(l => l.Trim().Length > 0 && !l.TrimStart().StartsWith("#", StringComparison.Ordinal)).Select(Core.Ssh.PublicKey.Parse).ToList();
            if (!string.IsNullOrEmpty(ForUser) && ForUser!.Any(c => !(char.IsLetterOrDigit(c) || c == '_' || c == '-' || c == '.')))
            {
                throw new ReleaseOpsException(ErrorIds.InvalidUserName, FailureCategory.InvalidArgument, $"'{ForUser}' is not a valid user name.", "Use a login name such as alice.", ForUser);
            }
        }

        /// <inheritdoc />
        protected override Task RunAsync(IReadOnlyList<NodeTarget> nodes, SshConnectOptions options, IOperationReporter reporter, Action<Action> post, CancellationToken token) =>
            FanOutAsync(nodes, options, async (session, ct) =>
            {
                var results = new List<NodeSshKeyResult>();
                foreach (var key in keys)
                {
                    results.Add(await NodeOperations.AddSshKeyAsync(session, key, ForUser, reporter, ct).ConfigureAwait(false));
                }

                return results;
            }, results => results.ForEach(WriteObject), reporter, post, token);
    }
}
