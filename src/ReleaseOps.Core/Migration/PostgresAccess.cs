using System;
using System.Collections.Generic;
using System.Linq;
using ReleaseOps.Core.Ssh;

namespace ReleaseOps.Core.Migration
{
    /// <summary>
    /// How PostgreSQL is reached on a node: inside a compose stack (docker compose exec -T, or docker-compose), or on
    /// the host as a system user (sudo -n -u postgres), with optional libpq host, port and role.
    /// </summary>
    public sealed class PostgresAccess
    {
        // No exec: the shell that carries NodeCommandRunner's marker stays the process group leader, so Ctrl+C finds it.
        private const string HostScript = "u=$1; shift; if [ \"$(id -un)\" = \"$u\" ]; then \"$@\"; else sudo -n -u \"$u\" -- \"$@\"; fi";

        private const string ComposeScript = "d=$1; s=$2; shift 2; cd \"$d\" || exit 1\n"
            + "if docker compose version >/dev/null 2>&1; then set -- docker compose exec -T \"$s\" \"$@\"\n"
            + "elif command -v docker-compose >/dev/null 2>&1; then set -- docker-compose exec -T \"$s\" \"$@\"\n"
            + "else echo 'releaseops: neither docker compose nor docker-compose is installed' >&2; exit 127; fi\n"
            + "\"$@\"";

        // The running container of the compose service: docker compose ps -q (v2), else docker-compose ps -q (v1).
        private const string ContainerScript = "d=$1; s=$2; cd \"$d\" || exit 1\n"
            + "if docker compose version >/dev/null 2>&1; then docker compose ps -q \"$s\"\n"
            + "elif command -v docker-compose >/dev/null 2>&1; then docker-compose ps -q \"$s\"\n"
            + "else echo 'releaseops: neither docker compose nor docker-compose is installed' >&2; exit 127; fi";

        // docker exec into the container found once (docker-compose v1 is a Python program: each run costs half a second).
        private const string ContainerExecScript = "c=$1; shift; docker exec -i \"$c\" \"$@\"";

        /// <summary>The stack's folder on the node (where its compose file is); null means PostgreSQL on the host.</summary>
        public string? ComposeDirectory { get; set; }

        /// <summary>The compose service's container, once found by ResolveContainerAsync: tools then run with docker exec.</summary>
        [System.Text.Json.Serialization.JsonIgnore]
        public string? ContainerId { get; private set; }

        /// <summary>The compose service that runs PostgreSQL.</summary>
        public string ComposeService { get; set; } = "db";

        /// <summary>The system user that runs the client tools on the host (peer authentication).</summary>
        public string SystemUser { get; set; } = "postgres";

        /// <summary>The PostgreSQL role (--username); in a compose stack, postgres unless given.</summary>
        public string? DbUser { get; set; }

        /// <summary>libpq's host: an address or a socket folder.</summary>
        public string? PgHost { get; set; }

        /// <summary>libpq's port.</summary>
        public int? PgPort { get; set; }

        public bool IsCompose => !string.IsNullOrEmpty(ComposeDirectory);

        /// <summary>
        /// Checks every value before a node is touched: the system user and the compose service are names (no option,
        /// path or shell syntax), the role and host hold no control character and no leading '-', and the compose
        /// folder is a normal absolute path (InvalidDatabaseAccess, or InvalidSyncPath for the folder).
        /// </summary>
        public PostgresAccess Validate()
        {
            static void Check(bool ok, string what, string? value, string rule)
            {
                if (!ok)
                {
                    throw new ReleaseOpsException(ErrorIds.InvalidDatabaseAccess, FailureCategory.InvalidArgument, $"The {what} '{value}' is not valid: {rule}.",
                        "Pass the plain name, such as postgres for the system user or db for the compose service.", value);
                }
            }

            static bool Plain(string? v) => v is null || (v.Length > 0 && v.Length <= 255 && v[0] != '-' && !v.Any(c => char.IsControl(c) || c > '\x7e'));
            Check(System.Text.RegularExpressions.Regex.IsMatch(SystemUser ?? string.Empty, "^[A-Za-z_][A-Za-z0-9._-]{0,31}$"), "system user", SystemUser, "a login of up to 32 letters, digits, '.', '_' and '-'");
            Check(System.Text.RegularExpressions.Regex.IsMatch(ComposeService ?? string.Empty, "^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$"), "compose service", ComposeService, "a service name of letters, digits, '.', '_' and '-'");
            Check(Plain(DbUser), "database role", DbUser, "printable ASCII without a leading '-'");
            Check(Plain(PgHost), "PostgreSQL host", PgHost, "an address or a socket folder, printable ASCII without a leading '-'");
            if (IsCompose)
            {
                ComposeDirectory = FileSync.Normalize(ComposeDirectory!, "compose folder");
            }

            return this;
        }

        /// <summary>The connection options every tool gets.</summary>
        public IReadOnlyList<string> ConnectionArguments()
        {
            var args = new List<string>();
            if (!string.IsNullOrEmpty(PgHost))
            {
                args.Add("--host=" + PgHost);
            }

            if (PgPort is int p)
            {
                args.Add("--port=" + p.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            var user = DbUser ?? (IsCompose ? "postgres" : null);
            if (!string.IsNullOrEmpty(user))
            {
                args.Add("--username=" + user);
            }

            return args;
        }

        /// <summary>A command that runs a PostgreSQL tool with arguments (each one quoted) on the node.</summary>
        public NodeCommandRequest Tool(string tool, IEnumerable<string> arguments, string? input = null, bool connects = true)
        {
            var args = new List<string> { tool };
            if (connects)
            {
                args.AddRange(ConnectionArguments());
            }

            args.AddRange(arguments);
            if (IsCompose && ContainerId is not null)
            {
                return new NodeCommandRequest { Command = ContainerExecScript, Arguments = new[] { ContainerId }.Concat(args).ToList(), Sudo = true, Input = input };
            }

            return IsCompose
                ? new NodeCommandRequest { Command = ComposeScript, Arguments = new[] { ComposeDirectory!, ComposeService }.Concat(args).ToList(), Sudo = true, Input = input }
                : new NodeCommandRequest { Command = HostScript, Arguments = new[] { SystemUser }.Concat(args).ToList(), Input = input };
        }

        /// <summary>
        /// For a compose stack: finds the service's running container once (ServiceNotRunning if there is none), and
        /// returns an access whose tools run with docker exec in it. For PostgreSQL on the host: this access.
        /// </summary>
        public async System.Threading.Tasks.Task<PostgresAccess> ResolveContainerAsync(NodeSession session, IOperationReporter reporter, System.Threading.CancellationToken token)
        {
            if (!IsCompose || ContainerId is not null)
            {
                return this;
            }

            var r = await NodeCommandRunner.RunAsync(session, new NodeCommandRequest { Command = ContainerScript, Arguments = new[] { ComposeDirectory!, ComposeService }, Sudo = true },
                null, reporter, token).ConfigureAwait(false);
            var ids = r.Output.Split(new[] { '\n' }, StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
            if (!r.Succeeded || ids.Count != 1 || ids[0].Any(c => !Uri.IsHexDigit(c)))
            {
                throw new ReleaseOpsException(ErrorIds.ServiceNotRunning, FailureCategory.ResourceUnavailable,
                    $"{session.Name}: the compose service '{ComposeService}' in {ComposeDirectory} is not running{(ids.Count > 1 ? $" as one container ({ids.Count})" : string.Empty)}. {NodeStream.Brief(r.Error)}".TrimEnd(),
                    $"Start it (cd {ComposeDirectory} && docker compose up -d {ComposeService}), or give -ComposeDirectory the stack's folder.", session.Name);
            }

            reporter.Debug($"{session.Name}: {ComposeService} runs as container {ids[0]}.");
            return WithContainer(ids[0]);
        }

        /// <summary>This access, with its tools run by docker exec in the given container.</summary>
        internal PostgresAccess WithContainer(string containerId)
        {
            var resolved = (PostgresAccess)MemberwiseClone();
            resolved.ContainerId = containerId;
            return resolved;
        }

        /// <summary>The same command as the admin would type it, for -WhatIf and messages.</summary>
        public string Display(NodeCommandRequest request)
        {
            if (IsCompose && ContainerId is not null)
            {
                return "docker exec -i " + ContainerId + " " + ShellQuote.Join(request.Arguments.Skip(1));
            }

            var args = request.Arguments.Skip(IsCompose ? 2 : 1);
            return IsCompose
                ? "cd " + ShellQuote.Quote(ComposeDirectory!) + " && docker compose exec -T " + ShellQuote.Quote(ComposeService) + " " + ShellQuote.Join(args)
                : "sudo -u " + ShellQuote.Quote(SystemUser) + " " + ShellQuote.Join(args);
        }

        /// <summary>A libpq connection string naming one database, so that any name (with =, spaces, quotes) stays a name.</summary>
        public static string ConnInfo(string database) => "dbname='" + database.Replace("\\", "\\\\").Replace("'", "\\'") + "'";
    }
}
