using System;
using System.Collections.Generic;

namespace ReleaseOps
{
    /// <summary>How an unknown host key is treated. A changed or revoked key is always refused.</summary>
    public enum HostKeyPolicy
    {
        /// <summary>An unknown key is an error that says how to trust it (the default).</summary>
        Strict,

        /// <summary>An unknown key is trusted on first use and recorded in known_hosts.</summary>
        AcceptNew,
    }

    /// <summary>A node (server) of a project, on a provider.</summary>
    public sealed class ProjectNode
    {
        /// <summary>The provider that hosts it.</summary>
        public HostingProvider Provider { get; set; }

        /// <summary>The provider's id for it.</summary>
        public string Id { get; set; } = string.Empty;

        /// <summary>The node's name: the project slug, or slug-clientname.</summary>
        public string Name { get; set; } = string.Empty;

        /// <summary>The project slug.</summary>
        public string Project { get; set; } = string.Empty;

        /// <summary>The node's role in the project (staging, production), from its role tag; null when it has none.</summary>
        public string? Role { get; set; }

        /// <summary>The region or zone.</summary>
        public string? Region { get; set; }

        /// <summary>The provider's size.</summary>
        public string? Size { get; set; }

        /// <summary>The public IPv4 address.</summary>
        public string? PublicIPv4 { get; set; }

        /// <summary>The public IPv6 address.</summary>
        public string? PublicIPv6 { get; set; }

        /// <summary>The address that SSH connects to.</summary>
        public string HostName { get; set; } = string.Empty;

        /// <summary>The SSH port.</summary>
        public int Port { get; set; } = 22;

        /// <summary>The initial SSH user (root, ubuntu, ec2-user).</summary>
        public string User { get; set; } = "root";

        /// <summary>The node's direct host name, when it has a public name.</summary>
        public string? DirectHostName { get; set; }

        /// <summary>The node's SSH host key fingerprint, when the provider reports it.</summary>
        public string? HostKeyFingerprint { get; set; }

        /// <summary>When it was created.</summary>
        public DateTimeOffset Created { get; set; }

        /// <summary>The provider's tags.</summary>
        public IReadOnlyList<string> Tags { get; set; } = new string[0];

        /// <summary>The provider's status (active, running, ...).</summary>
        public string Status { get; set; } = string.Empty;

        /// <summary>The image it was created from, as the provider reads it back (a DigitalOcean slug or id, an AMI id, a Scaleway image id); null when unknown.</summary>
        public string? Image { get; set; }

        /// <summary>The root disk in GB, as the provider reports it; null when the listing does not say (AWS).</summary>
        public int? DiskGB { get; set; }

        /// <summary>DigitalOcean's features of the droplet (ipv6, monitoring, backups, ...), which its Terraform provider reads back.</summary>
        public IReadOnlyList<string> Features { get; set; } = new string[0];

        /// <summary>AWS: the key pair the instance was launched with.</summary>
        public string? KeyName { get; set; }

        /// <summary>AWS: the instance's tags as keys and values, exactly as EC2 returns them (Tags holds them as key:value).</summary>
        public IReadOnlyDictionary<string, string> ProviderTags { get; set; } = new Dictionary<string, string>();

        /// <summary>Scaleway: the id of the node's flexible public IP.</summary>
        public string? AddressId { get; set; }

        /// <summary>Scaleway: the volumes' ids, the root volume first, with their types ("id:sbs_volume").</summary>
        public IReadOnlyList<string> Volumes { get; set; } = new string[0];

        /// <inheritdoc />
        public override string ToString() => Name;
    }

    /// <summary>One ReleaseOps setting, and where its value came from (Get-ReleaseOpsConfiguration).</summary>
    public sealed class ReleaseOpsSetting
    {
        /// <summary>The setting's name (OwnDomains, MigrationsFolder, ...).</summary>
        public string Name { get; set; } = string.Empty;

        /// <summary>Its value; empty when the default applies.</summary>
        public string? Value { get; set; }

        /// <summary>Environment, File or Default.</summary>
        public string Source { get; set; } = "Default";

        /// <summary>The environment variable that overrides the file.</summary>
        public string EnvironmentVariable { get; set; } = string.Empty;

        /// <summary>What it is for, and its default.</summary>
        public string Description { get; set; } = string.Empty;

        /// <summary>The settings file of this user.</summary>
        public string Path { get; set; } = string.Empty;
    }

    /// <summary>An open SSH connection that New-NodeSession keeps for later commands (-Session, or the pipeline).</summary>
    public sealed class NodeSessionInfo
    {
        /// <summary>The session's number in this PowerShell process.</summary>
        public int SessionId { get; set; }

        /// <summary>The node as it was asked for.</summary>
        public string Name { get; set; } = string.Empty;

        /// <summary>The host name or address, as the SSH cmdlets take it.</summary>
        public string HostName { get; set; } = string.Empty;

        /// <summary>The SSH port.</summary>
        public int Port { get; set; }

        /// <summary>The user logged in.</summary>
        public string User { get; set; } = string.Empty;

        /// <summary>host:port actually connected to.</summary>
        public string Endpoint { get; set; } = string.Empty;

        /// <summary>When it was opened.</summary>
        public DateTimeOffset Opened { get; set; }

        /// <summary>Opened, Broken (the connection dropped) or Closed.</summary>
        public string State { get; set; } = "Opened";

        /// <inheritdoc />
        public override string ToString() => $"{SessionId}: {User}@{Endpoint}";
    }

    /// <summary>What a command did on one node.</summary>
    public sealed class NodeCommandResult
    {
        /// <summary>The node as it was named (an ssh_config alias, an address or a node name).</summary>
        public string HostName { get; set; } = string.Empty;

        /// <summary>The address and port that were connected to, as host:port.</summary>
        public string Endpoint { get; set; } = string.Empty;

        /// <summary>The user that ran the command.</summary>
        public string User { get; set; } = string.Empty;

        /// <summary>The command line that ran (arguments quoted).</summary>
        public string Command { get; set; } = string.Empty;

        /// <summary>The remote exit code; null when the command did not finish (connection failed, timed out or was stopped).</summary>
        public int? ExitCode { get; set; }

        /// <summary>Standard output.</summary>
        public string Output { get; set; } = string.Empty;

        /// <summary>Standard error.</summary>
        public string Error { get; set; } = string.Empty;

        /// <summary>How long it took, connection included.</summary>
        public TimeSpan Duration { get; set; }

        /// <summary>True when the command exited with 0.</summary>
        public bool Succeeded { get; set; }

        /// <summary>Why it did not succeed: the error id (NonZeroExit, CommandTimedOut, HostKeyUnknown, ...), or null.</summary>
        public string? FailureId { get; set; }

        /// <inheritdoc />
        public override string ToString() => Output;
    }

    /// <summary>What Add-NodeSshKey did on one node.</summary>
    public sealed class NodeSshKeyResult
    {
        /// <summary>The node.</summary>
        public string HostName { get; set; } = string.Empty;

        /// <summary>The user whose authorized_keys holds the key.</summary>
        public string User { get; set; } = string.Empty;

        /// <summary>The key's fingerprint (SHA256:...).</summary>
        public string Fingerprint { get; set; } = string.Empty;

        /// <summary>The key's comment.</summary>
        public string Comment { get; set; } = string.Empty;

        /// <summary>Added, or AlreadyPresent.</summary>
        public string Status { get; set; } = string.Empty;

        /// <summary>The authorized_keys file.</summary>
        public string Path { get; set; } = string.Empty;
    }

    /// <summary>One command from the shared command history of a node.</summary>
    public sealed class NodeHistoryEntry
    {
        /// <summary>The node.</summary>
        public string HostName { get; set; } = string.Empty;

        /// <summary>The user who ran it.</summary>
        public string User { get; set; } = string.Empty;

        /// <summary>When it ran, where the history records time; null otherwise.</summary>
        public DateTimeOffset? Time { get; set; }

        /// <summary>The command line.</summary>
        public string Command { get; set; } = string.Empty;

        /// <summary>The history file it came from.</summary>
        public string Source { get; set; } = string.Empty;

        /// <summary>Its position in that file.</summary>
        public int Index { get; set; }

        /// <inheritdoc />
        public override string ToString() => Command;
    }

    /// <summary>One file copied by Copy-NodeItem.</summary>
    public sealed class NodeCopyResult
    {
        /// <summary>The node.</summary>
        public string HostName { get; set; } = string.Empty;

        /// <summary>Upload or Download.</summary>
        public string Direction { get; set; } = string.Empty;

        /// <summary>Where it came from.</summary>
        public string Source { get; set; } = string.Empty;

        /// <summary>Where it went.</summary>
        public string Destination { get; set; } = string.Empty;

        /// <summary>Its size in bytes.</summary>
        public long Length { get; set; }

        /// <summary>How long it took.</summary>
        public TimeSpan Duration { get; set; }
    }
}

namespace ReleaseOps
{
    /// <summary>An admin in the team roster.</summary>
    public sealed class TeamMember
    {
        /// <summary>The admin's full name.</summary>
        public string Name { get; set; } = string.Empty;

        /// <summary>The login on nodes.</summary>
        public string Login { get; set; } = string.Empty;

        /// <summary>The admin's public keys (authorized_keys lines).</summary>
        public string[] PublicKey { get; set; } = new string[0];

        /// <inheritdoc />
        public override string ToString() => Login;
    }

    /// <summary>One step of a bootstrap or an account change on one node, as Ansible reports ok and changed.</summary>
    public sealed class NodeStepResult
    {
        /// <summary>The node.</summary>
        public string HostName { get; set; } = string.Empty;

        /// <summary>The step, such as "Group dev" or "Keys alice".</summary>
        public string Step { get; set; } = string.Empty;

        /// <summary>Changed, Unchanged, WouldChange (with -WhatIf), Skipped or Failed.</summary>
        public string Status { get; set; } = string.Empty;

        /// <summary>What was found or done.</summary>
        public string Detail { get; set; } = string.Empty;

        /// <summary>For a Failed step that was refused for a named reason, its stable error id (such as UnsafeKeyFile).</summary>
        public string? ErrorId { get; set; }

        /// <inheritdoc />
        public override string ToString() => Step + ": " + Status;
    }

    /// <summary>An admin account on a node.</summary>
    public sealed class NodeUser
    {
        /// <summary>The node.</summary>
        public string HostName { get; set; } = string.Empty;

        /// <summary>The login.</summary>
        public string Login { get; set; } = string.Empty;

        /// <summary>The full name (GECOS).</summary>
        public string Name { get; set; } = string.Empty;

        /// <summary>The groups the account is in.</summary>
        public string[] Groups { get; set; } = new string[0];

        /// <summary>Fingerprints of the keys in its authorized_keys.</summary>
        public string[] KeyFingerprints { get; set; } = new string[0];

        /// <summary>Whether the account is locked or expired.</summary>
        public bool Locked { get; set; }

        /// <summary>The home folder.</summary>
        public string Home { get; set; } = string.Empty;
    }
}

namespace ReleaseOps
{
    /// <summary>The outcome of one release gate.</summary>
    public sealed class ReleaseGateResult
    {
        /// <summary>EndToEnd, or Jenkins.</summary>
        public string Name { get; set; } = string.Empty;

        /// <summary>What ran: the command line, or the job.</summary>
        public string Target { get; set; } = string.Empty;

        /// <summary>Whether it passed.</summary>
        public bool Passed { get; set; }

        /// <summary>The exit code of a command gate.</summary>
        public int? ExitCode { get; set; }

        /// <summary>The last lines of its output.</summary>
        public string OutputTail { get; set; } = string.Empty;

        /// <summary>How long it took.</summary>
        public TimeSpan Duration { get; set; }
    }

    /// <summary>A commit included in a release.</summary>
    public sealed class ReleaseCommit
    {
        /// <summary>The commit id.</summary>
        public string Sha { get; set; } = string.Empty;

        /// <summary>The first line of its message.</summary>
        public string Subject { get; set; } = string.Empty;

        /// <summary>Its author.</summary>
        public string Author { get; set; } = string.Empty;

        /// <summary>The pull request it merged, when it is a pull request's merge commit.</summary>
        public int? PullRequest { get; set; }

        /// <inheritdoc />
        public override string ToString() => Subject;
    }

    /// <summary>A release: the merge of develop into master, its tag, notes and gates.</summary>
    public sealed class ReleaseInfo
    {
        /// <summary>Released, NothingToRelease, or WouldRelease (with -WhatIf).</summary>
        public string Status { get; set; } = string.Empty;

        /// <summary>The project slug.</summary>
        public string Project { get; set; } = string.Empty;

        /// <summary>The version, such as 2026.48.0 or 1.4.0.</summary>
        public string Version { get; set; } = string.Empty;

        /// <summary>The tag, such as v2026.48.0.</summary>
        public string Tag { get; set; } = string.Empty;

        /// <summary>The release commit on the release branch.</summary>
        public string Commit { get; set; } = string.Empty;

        /// <summary>The previous release's tag.</summary>
        public string? PreviousRelease { get; set; }

        /// <summary>The commits included since the previous release.</summary>
        public IReadOnlyList<ReleaseCommit> Commits { get; set; } = new ReleaseCommit[0];

        /// <summary>The pull requests included.</summary>
        public IReadOnlyList<int> PullRequests { get; set; } = new int[0];

        /// <summary>The gates and their results.</summary>
        public IReadOnlyList<ReleaseGateResult> Gates { get; set; } = new ReleaseGateResult[0];

        /// <summary>True when no gate was configured.</summary>
        public bool Ungated { get; set; }

        /// <summary>The release notes (markdown).</summary>
        public string Notes { get; set; } = string.Empty;

        /// <summary>How long each phase took: Fetch, Gates, Merge, Push, Total.</summary>
        public IReadOnlyDictionary<string, TimeSpan> Durations { get; set; } = new Dictionary<string, TimeSpan>();

        /// <summary>The branches: develop into master.</summary>
        public string Branches { get; set; } = string.Empty;

        /// <summary>Release (the weekly merge of develop) or Hotfix.</summary>
        public string Kind { get; set; } = "Release";

        /// <summary>For a hotfix: how the fix reached develop ("develop", or the backmerge branch that needs a pull request).</summary>
        public string? BackMerge { get; set; }

        /// <summary>When the release commit was made.</summary>
        public DateTimeOffset? Date { get; set; }

        /// <inheritdoc />
        public override string ToString() => Tag;
    }
}

namespace ReleaseOps
{
    /// <summary>A feature branch made by New-FeatureBranch.</summary>
    public sealed class FeatureBranch
    {
        /// <summary>The branch, such as feature/login-page.</summary>
        public string Name { get; set; } = string.Empty;

        /// <summary>The commit it starts at.</summary>
        public string Commit { get; set; } = string.Empty;

        /// <summary>What it was made from, such as origin/develop.</summary>
        public string BasedOn { get; set; } = string.Empty;

        /// <summary>Whether it was pushed (with upstream tracking).</summary>
        public bool Pushed { get; set; }

        /// <summary>Whether it was checked out.</summary>
        public bool CheckedOut { get; set; }

        /// <inheritdoc />
        public override string ToString() => Name;
    }
}

namespace ReleaseOps
{
    /// <summary>One finding of Test-ReleasePolicy.</summary>
    public sealed class ReleasePolicyFinding
    {
        /// <summary>DirectCommitToMaster, FeatureMergedIntoMaster, Hotfix, or HotfixFrequency.</summary>
        public string Rule { get; set; } = string.Empty;

        /// <summary>Error (breaks the process) or Information.</summary>
        public string Severity { get; set; } = string.Empty;

        /// <summary>The commit on master.</summary>
        public string Commit { get; set; } = string.Empty;

        /// <summary>Its subject.</summary>
        public string Subject { get; set; } = string.Empty;

        /// <summary>When it was committed.</summary>
        public DateTimeOffset? Date { get; set; }

        /// <summary>What was found.</summary>
        public string Detail { get; set; } = string.Empty;
    }
}

namespace ReleaseOps
{
    /// <summary>The weekly release job, as installed by Register-ReleaseSchedule.</summary>
    public sealed class ReleaseSchedule
    {
        /// <summary>The job's name, such as releaseops-cortico.</summary>
        public string Name { get; set; } = string.Empty;

        /// <summary>SystemdTimer, Cron or ScheduledTask.</summary>
        public string Method { get; set; } = string.Empty;

        /// <summary>When it runs, in words and in the method's own syntax.</summary>
        public string Schedule { get; set; } = string.Empty;

        /// <summary>The command that runs: a non-interactive pwsh with the job's script.</summary>
        public string Command { get; set; } = string.Empty;

        /// <summary>The log file the job appends to.</summary>
        public string LogPath { get; set; } = string.Empty;

        /// <summary>The files written: the job's script, units, task XML.</summary>
        public string[] Files { get; set; } = new string[0];

        /// <summary>Whether it was installed (false when only written with -OutputDirectory).</summary>
        public bool Installed { get; set; }
    }
}
