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

        /// <inheritdoc />
        protected override void EndProcessing()
        {
            try
            {
                var request = new FileSyncRequest { Path = FileSync.Normalize(Path, "source path"), KeepDeleted = KeepDeleted, NoVerify = NoVerify, MaxDelete = MaxDelete };
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

                var plan = PlanText($"Sync {request.Path} from {source} to {target}:{request.TargetPathOrSame}:{numbers}", FileSync.Plan(request, source.ToString(), target.ToString()));
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
