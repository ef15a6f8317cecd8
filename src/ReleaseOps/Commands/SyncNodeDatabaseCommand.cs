using System.Management.Automation;
using ReleaseOps.Core;
using ReleaseOps.Core.Migration;

namespace ReleaseOps.Commands
{
    /// <summary>
    /// Sync-NodeDatabase: copies a PostgreSQL database from one node to another (pg_dump -Fc streamed into
    /// pg_restore, through this machine, never landing on its disk), verifies every table, then switches.
    /// </summary>
    [Cmdlet(VerbsData.Sync, "NodeDatabase", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = HostSet)]
    [OutputType(typeof(DatabaseSyncResult))]
    public sealed class SyncNodeDatabaseCommand : NodePairCmdlet
    {
        private const string HostSet = "Host";
        private const string ComposeSet = "Compose";

        /// <summary>The database on the source.</summary>
        [Parameter(Mandatory = true, Position = 2)]
        [ValidateNotNullOrEmpty]
        public string Database { get; set; } = string.Empty;

        /// <summary>The database's name on the target; the source's name by default.</summary>
        [Parameter]
        public string? TargetDatabase { get; set; }

        /// <summary>The stack's folder on both nodes: PostgreSQL runs in its compose service (docker compose exec -T).</summary>
        [Parameter(Mandatory = true, ParameterSetName = ComposeSet)]
        [ValidateNotNullOrEmpty]
        public string ComposeDirectory { get; set; } = string.Empty;

        /// <summary>The stack's folder on the target, when it differs from the source's.</summary>
        [Parameter(ParameterSetName = ComposeSet)]
        public string? TargetComposeDirectory { get; set; }

        /// <summary>The compose service that runs PostgreSQL (db by default).</summary>
        [Parameter(ParameterSetName = ComposeSet)]
        [ValidateNotNullOrEmpty]
        public string ComposeService { get; set; } = "db";

        /// <summary>On the host: the system user that runs the PostgreSQL tools (postgres by default, through sudo -n -u).</summary>
        [Parameter(ParameterSetName = HostSet)]
        [ValidateNotNullOrEmpty]
        public string SystemUser { get; set; } = "postgres";

        /// <summary>On the host: libpq's host (an address or a socket folder), for both nodes.</summary>
        [Parameter(ParameterSetName = HostSet)]
        public string? PgHost { get; set; }

        /// <summary>On the host: libpq's port, for both nodes.</summary>
        [Parameter(ParameterSetName = HostSet)]
        [ValidateRange(1, 65535)]
        public int PgPort { get; set; }

        /// <summary>The PostgreSQL role the tools connect as (postgres in a compose stack by default).</summary>
        [Parameter]
        public string? DbUser { get; set; }

        /// <summary>Compares the two databases (row counts and checksums) without copying anything.</summary>
        [Parameter]
        public SwitchParameter VerifyOnly { get; set; }

        /// <summary>Skips the verification: for an initial copy while the source is still being written to.</summary>
        [Parameter]
        public SwitchParameter NoVerify { get; set; }

        /// <summary>pg_dump's zlib level, 0 to 9 (default 1; 6 is pg_dump's own default, for a slow link).</summary>
        [Parameter]
        [ValidateRange(0, 9)]
        public int CompressionLevel { get; set; } = DatabaseSyncRequest.DefaultCompressionLevel;

        /// <summary>Replaces the target's database without asking.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <inheritdoc />
        protected override void EndProcessing()
        {
            try
            {
                DatabaseSync.Validate(Database, "source database");
                DatabaseSync.Validate(string.IsNullOrEmpty(TargetDatabase) ? Database : TargetDatabase!, "target database");
                var source = ToTarget(Source, nameof(Source));
                var target = ToTarget(Target, nameof(Target));
                var request = new DatabaseSyncRequest
                {
                    Database = Database,
                    TargetDatabase = TargetDatabase,
                    SourceAccess = Access(ComposeDirectory),
                    TargetAccess = Access(string.IsNullOrEmpty(TargetComposeDirectory) ? ComposeDirectory : TargetComposeDirectory),
                    VerifyOnly = VerifyOnly,
                    NoVerify = NoVerify,
                    CompressionLevel = CompressionLevel,
                };
                var action = VerifyOnly ? "Compare databases" : "Replace database " + request.TargetName;
                var plan = PlanText($"{(VerifyOnly ? "Compare" : "Copy")} database {Database} from {source} to {target}:", DatabaseSync.Plan(request, source.ToString(), target.ToString()));
                // -VerifyOnly changes nothing, so it asks nothing; -WhatIf still shows its commands.
                var confirmed = VerifyOnly
                    ? !MyInvocation.BoundParameters.ContainsKey("WhatIf") || ShouldProcess(plan, plan, action)
                    : ShouldProcessUnlessForced(plan, plan, action, Force);
                if (!confirmed)
                {
                    return;
                }

                WriteObject(RunOnPair(source, target, (s, t, reporter, token) => DatabaseSync.SyncAsync(s, t, request, reporter, token)));
            }
            catch (ReleaseOpsException ex)
            {
                ThrowFailure(ex, Database);
            }
        }

        private PostgresAccess Access(string? composeDirectory) => new PostgresAccess
        {
            ComposeDirectory = ParameterSetName == ComposeSet ? composeDirectory : null,
            ComposeService = ComposeService,
            SystemUser = SystemUser,
            DbUser = DbUser,
            PgHost = PgHost,
            PgPort = PgPort > 0 ? PgPort : null,
        }.Validate();
    }
}
