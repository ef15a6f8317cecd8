using System;
using System.Linq;
using System.Management.Automation;
using ReleaseOps.Core;
using ReleaseOps.Core.Migration;

namespace ReleaseOps.Commands
{
    /// <summary>
    /// Sync-NodeFile: makes a folder on the target equal to a folder on the source with rsync, whose protocol is relayed
    /// through this machine (only deltas travel, deleted entries are deleted), then verifies by sha256 what moved and a
    /// sample of the rest. Without rsync on a node, a tar stream through this machine.
    /// </summary>
    [Cmdlet(VerbsData.Sync, "NodeFile", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [Alias("Sync-NodeFiles")]
    [OutputType(typeof(FileSyncResult))]
    public sealed class SyncNodeFileCommand : NodePairCmdlet
    {
        /// <summary>The absolute folder on the source, such as /srv/cortico/uploads or a volume's _data folder.</summary>
        [Parameter(Mandatory = true, Position = 2)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = string.Empty;

        /// <summary>The folder on the target; the same path by default.</summary>
        [Parameter]
        public string? TargetPath { get; set; }

        /// <summary>Keeps files on the target that the source no longer has (by default they are deleted).</summary>
        [Parameter]
        public SwitchParameter KeepDeleted { get; set; }

        /// <summary>Skips the final sha256 comparison (of what moved and a sample of the rest).</summary>
        [Parameter]
        public SwitchParameter NoVerify { get; set; }

        /// <summary>
        /// The most entries this sync may delete on the target (default 1000), as rsync's --max-delete: more stops the
        /// sync with TooManyDeletions before anything changes. -WhatIf shows how many it would delete.
        /// </summary>
        [Parameter]
        [ValidateRange(0, int.MaxValue)]
        public int MaxDelete { get; set; } = FileSync.DefaultMaxDelete;

        /// <summary>
        /// Sends the files node to node: the target's rsync connects to the source with its own ssh and a temporary
        /// ed25519 key, which the source's authorized_keys allows only from the target's addresses and only to run rsync's
        /// sender in this folder; the key's line and files are removed afterwards. The target must reach the source.
        /// </summary>
        [Parameter]
        public SwitchParameter Direct { get; set; }

        /// <summary>
        /// With -Direct: the source's address as the target reaches it (host, host:port or [v6]:port), when it differs
        /// from the one this machine uses (a private network, another port). Default: the address this machine uses.
        /// </summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? DirectAddress { get; set; }

        /// <summary>
        /// With -Direct: more addresses that the source may see the target's connection come from, added to the temporary
        /// key's from= (a NAT's public address, when the target reaches the source through one). One IP address each.
        /// </summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[] DirectFrom { get; set; } = Array.Empty<string>();

        /// <inheritdoc />
        protected override void EndProcessing()
        {
            try
            {
                if (DirectAddress is not null)
                {
                    if (!Direct)
                    {
                        throw new ReleaseOpsException(ErrorIds.InvalidHostName, FailureCategory.InvalidArgument, "-DirectAddress is the source's address for a direct sync; it needs -Direct.",
                            "Add -Direct, or leave -DirectAddress out.", DirectAddress);
                    }

                    _ = DirectPath.ParseAddress(DirectAddress, 22);
                }

                if (DirectFrom.Length > 0 && !Direct)
                {
                    throw new ReleaseOpsException(ErrorIds.InvalidHostName, FailureCategory.InvalidArgument, "-DirectFrom widens a direct sync's temporary key; it needs -Direct.",
                        "Add -Direct, or leave -DirectFrom out.", DirectFrom[0]);
                }

                var request = new FileSyncRequest
                {
                    Path = FileSync.Normalize(Path, "source path"), KeepDeleted = KeepDeleted, NoVerify = NoVerify, MaxDelete = MaxDelete, Direct = Direct, DirectAddress = DirectAddress,
                    DirectFrom = DirectFrom.Select(DirectPath.ParseFrom).ToList(),
                };
                request.TargetPath = FileSync.Normalize(string.IsNullOrEmpty(TargetPath) ? Path : TargetPath!, "target path");
                var source = ToTarget(Source, nameof(Source));
                var target = ToTarget(Target, nameof(Target));
                var numbers = string.Empty;
                if (MyInvocation.BoundParameters.ContainsKey("WhatIf"))
                {
                    // -WhatIf lists both folders (read only) and says how much would travel and be deleted.
                    var preview = RunOnPair(source, target, (s, t, reporter, token) => FileSync.SyncAsync(s, t, new FileSyncRequest { Path = request.Path, TargetPath = request.TargetPath, KeepDeleted = KeepDeleted, Preview = true }, reporter, token));
                    numbers = $" {preview.ChangedFiles} of {preview.Files} file(s) to send ({preview.Bytes} bytes), {preview.DeletedFiles} entries to delete"
                        + (preview.DeletedFiles > MaxDelete ? $" (more than -MaxDelete {MaxDelete}: the sync would stop with TooManyDeletions)" : string.Empty) + ";";
                }

                var plan = PlanText($"Sync {request.Path} from {source} to {target}:{request.TargetPathOrSame}{(Direct ? " directly, node to node (" + target + " connects to " + (DirectAddress ?? source.ToString()) + ")" : string.Empty)}:{numbers}", FileSync.Plan(request, source.ToString(), target.ToString()));
                if (!ShouldProcess(plan, plan, "Sync files"))
                {
                    return;
                }

                WriteObject(RunOnPair(source, target, (s, t, reporter, token) => FileSync.SyncAsync(s, t, request, reporter, token)));
            }
            catch (ReleaseOpsException ex)
            {
                ThrowFailure(ex, Path);
            }
        }
    }
}
