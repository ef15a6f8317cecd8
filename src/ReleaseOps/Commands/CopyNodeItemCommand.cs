using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using ReleaseOps.Core;
using ReleaseOps.Core.Ssh;

namespace ReleaseOps.Commands
{
    /// <summary>Copy-NodeItem: uploads and downloads files and folders over SFTP, with progress.</summary>
    [Cmdlet(VerbsCommon.Copy, "NodeItem", SupportsShouldProcess = true, DefaultParameterSetName = UploadSet)]
    [OutputType(typeof(NodeCopyResult))]
    public sealed class CopyNodeItemCommand : SshCmdlet
    {
        private const string UploadSet = "Upload";
        private const string DownloadSet = "Download";
        private string local = string.Empty;

        /// <summary>The local file or folder to upload.</summary>
        [Parameter(Mandatory = true, ParameterSetName = UploadSet)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = string.Empty;

        /// <summary>The remote path the upload becomes (relative paths and ~/ are under the login user's home).</summary>
        [Parameter(Mandatory = true, ParameterSetName = UploadSet)]
        [ValidateNotNullOrEmpty]
        public string Destination { get; set; } = string.Empty;

        /// <summary>The remote file or folder to download.</summary>
        [Parameter(Mandatory = true, ParameterSetName = DownloadSet)]
        [ValidateNotNullOrEmpty]
        public string RemotePath { get; set; } = string.Empty;

        /// <summary>The local path the download becomes. With several nodes, each node's copy goes to LocalPath/&lt;node&gt;.</summary>
        [Parameter(Mandatory = true, ParameterSetName = DownloadSet)]
        [ValidateNotNullOrEmpty]
        public string LocalPath { get; set; } = string.Empty;

        /// <inheritdoc />
        protected override string Action => ParameterSetName == UploadSet ? $"Upload {Path} to {Destination}" : $"Download {RemotePath} to {LocalPath}";

        /// <inheritdoc />
        protected override string Activity => "Copy-NodeItem";

        /// <inheritdoc />
        protected override void Prepare()
        {
            local = GetUnresolvedProviderPathFromPSPath(ParameterSetName == UploadSet ? Path : LocalPath);
            if (ParameterSetName == UploadSet && !File.Exists(local) && !Directory.Exists(local))
            {
                throw new ReleaseOpsException(ErrorIds.LocalPathNotFound, FailureCategory.ObjectNotFound, $"{local} does not exist.", "Pass an existing file or folder.", local);
            }
        }

        /// <inheritdoc />
        protected override Task RunAsync(IReadOnlyList<NodeTarget> nodes, SshConnectOptions options, IOperationReporter reporter, Action<Action> post, CancellationToken token)
        {
            var several = nodes.Count > 1;
            return FanOutAsync(nodes, options, (session, ct) => ParameterSetName == UploadSet
                    ? NodeCopy.UploadAsync(session, local, Destination, reporter, ct)
                    : NodeCopy.DownloadAsync(session, RemotePath, several ? System.IO.Path.Combine(local, session.Name) : local, reporter, ct),
                results =>
                {
                    foreach (var r in results)
                    {
                        WriteObject(r);
                    }
                }, reporter, post, token);
        }
    }
}
