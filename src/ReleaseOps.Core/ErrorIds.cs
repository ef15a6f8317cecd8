namespace ReleaseOps.Core
{
    /// <summary>
    /// Every error id the module raises, in one place: the engines' ReleaseOpsException ids, the ids that the remote
    /// scripts print (bootstrap.sh, deploy.sh, redirect.sh) and the failure ids of node commands. An id is stable: scripts
    /// catch on it (FullyQualifiedErrorId), so an id is never renamed or reused. Each summary is the message (or its
    /// shape) the id is raised with. HouseRulesTests checks that the code raises no id that is missing here and that
    /// every id here is documented in the help of a cmdlet that raises it (docs/&lt;Cmdlet&gt;.md, "Error ids:").
    /// </summary>
    public static class ErrorIds
    {
        /// <summary>…@… refused all … key(s) offered: …</summary>
        public const string AuthenticationFailed = nameof(AuthenticationFailed);

        /// <summary>AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set.</summary>
        public const string AwsCredentialsMissing = nameof(AwsCredentialsMissing);

        /// <summary>… already exists.</summary>
        public const string BranchExists = nameof(BranchExists);

        /// <summary>The remote … has no branch '…'.</summary>
        public const string BranchNotFound = nameof(BranchNotFound);

        /// <summary>CheckoutFailed</summary>
        public const string CheckoutFailed = nameof(CheckoutFailed);

        /// <summary>A client server is registered, not created: its address is needed.</summary>
        public const string ClientAddressMissing = nameof(ClientAddressMissing);

        /// <summary>… is already registered at …, not ….</summary>
        public const string ClientNodeExists = nameof(ClientNodeExists);

        /// <summary>The client server register … is not valid JSON: …</summary>
        public const string ClientRegistryCorrupt = nameof(ClientRegistryCorrupt);

        /// <summary>CloneFailed</summary>
        public const string CloneFailed = nameof(CloneFailed);

        /// <summary>CommandKilled</summary>
        public const string CommandKilled = nameof(CommandKilled);

        /// <summary>CommandStopped</summary>
        public const string CommandStopped = nameof(CommandStopped);

        /// <summary>CommandTimedOut</summary>
        public const string CommandTimedOut = nameof(CommandTimedOut);

        /// <summary>ComposeNotFound</summary>
        public const string ComposeNotFound = nameof(ComposeNotFound);

        /// <summary>… asks for confirmation before it changes anything, and nobody can answer here (a non-interactive session, or standard input redirected). Nothing …</summary>
        public const string ConfirmationRequired = nameof(ConfirmationRequired);

        /// <summary>The data must stay in Canada (rule 3: DigitalOcean Toronto), but only AWS provides {string.Join(</summary>
        public const string ConflictingHostingRequirements = nameof(ConflictingHostingRequirements);

        /// <summary>…: …</summary>
        public const string CopyFailed = nameof(CopyFailed);

        /// <summary>…: …</summary>
        public const string DataFileNotConstant = nameof(DataFileNotConstant);

        /// <summary>…:…: …</summary>
        public const string DataFileParseError = nameof(DataFileParseError);

        /// <summary>…: could not take the sync lock of '…'.</summary>
        public const string DatabaseCommandFailed = nameof(DatabaseCommandFailed);

        /// <summary>DatabaseDumpFailed</summary>
        public const string DatabaseDumpFailed = nameof(DatabaseDumpFailed);

        /// <summary>…: the database '…' was not found.</summary>
        public const string DatabaseNotFound = nameof(DatabaseNotFound);

        /// <summary>wal_level can be changed (with -AllowDatabaseRestart) only for a database in the compose stack.</summary>
        public const string DatabaseRestartNotSupported = nameof(DatabaseRestartNotSupported);

        /// <summary>DatabaseRestoreFailed</summary>
        public const string DatabaseRestoreFailed = nameof(DatabaseRestoreFailed);

        /// <summary>…: another sync into the database '…' is running (it holds its advisory lock). Nothing was changed.</summary>
        public const string DatabaseSyncLocked = nameof(DatabaseSyncLocked);

        /// <summary>Unexpected verification output: '…'.</summary>
        public const string DatabaseVerificationFailed = nameof(DatabaseVerificationFailed);

        /// <summary>A deploy failed at a step that has no id of its own.</summary>
        public const string DeployFailed = nameof(DeployFailed);

        /// <summary>DeployLocked</summary>
        public const string DeployLocked = nameof(DeployLocked);

        /// <summary>…: not deployed, because another node failed and -StopOnFirstFailure was given.</summary>
        public const string DeployNotStarted = nameof(DeployNotStarted);

        /// <summary>DeployScriptFailed</summary>
        public const string DeployScriptFailed = nameof(DeployScriptFailed);

        /// <summary>The repository at … has a detached HEAD.</summary>
        public const string DetachedHead = nameof(DetachedHead);

        /// <summary>'……' would be … characters; a DNS label holds at most 63.</summary>
        public const string DirectLabelTooLong = nameof(DirectLabelTooLong);

        /// <summary>
        /// …: the new node could not reach the old node at … for a direct sync (connection refused, timed out, no route, or
        /// the temporary key refused from the new node's address): …
        /// </summary>
        public const string DirectPathUnreachable = nameof(DirectPathUnreachable);

        /// <summary>The worktree has uncommitted changes, so the new branch cannot be checked out.</summary>
        public const string DirtyWorktree = nameof(DirtyWorktree);

        /// <summary>DnsNotPropagated</summary>
        public const string DnsNotPropagated = nameof(DnsNotPropagated);

        /// <summary>… has no … record … whose TTL could be set.</summary>
        public const string DnsRecordNotFound = nameof(DnsRecordNotFound);

        /// <summary>The name servers of … could not be found: …</summary>
        public const string DnsUnreachable = nameof(DnsUnreachable);

        /// <summary>The Cloudflare record … (…) has no zone id, which Terraform needs to import it.</summary>
        public const string DnsZoneIdMissing = nameof(DnsZoneIdMissing);

        /// <summary>Cloudflare has no zone … in this account.</summary>
        public const string DnsZoneNotFound = nameof(DnsZoneNotFound);

        /// <summary>The login … appears twice in -Team.</summary>
        public const string DuplicateLogin = nameof(DuplicateLogin);

        /// <summary>The configuration could not be written to …: …</summary>
        public const string ExportWriteFailed = nameof(ExportWriteFailed);

        /// <summary>git fetch … failed: …</summary>
        public const string FetchFailed = nameof(FetchFailed);

        /// <summary>{(sourceFailed ? source.Name +</summary>
        public const string FileStreamFailed = nameof(FileStreamFailed);

        /// <summary>…:… and …:… differ in … file(s): {string.Join(</summary>
        public const string FileVerificationFailed = nameof(FileVerificationFailed);

        /// <summary>git rev-list could not read the history of '…': …</summary>
        public const string GitHistoryUnreadable = nameof(GitHistoryUnreadable);

        /// <summary>GitNotFound</summary>
        public const string GitNotFound = nameof(GitNotFound);

        /// <summary>The git program is not on the PATH; ReleaseOps uses it to fetch and push.</summary>
        public const string GitNotInstalled = nameof(GitNotInstalled);

        /// <summary>HaproxyNotInstalled</summary>
        public const string HaproxyNotInstalled = nameof(HaproxyNotInstalled);

        /// <summary>HardeningNotInEffect</summary>
        public const string HardeningNotInEffect = nameof(HardeningNotInEffect);

        /// <summary>HealthCheckFailed</summary>
        public const string HealthCheckFailed = nameof(HealthCheckFailed);

        /// <summary>The probe verifies the host key and needs the expected fingerprint.</summary>
        public const string HostKeyFingerprintRequired = nameof(HostKeyFingerprintRequired);

        /// <summary>The host key of …:… is …, not ….</summary>
        public const string HostKeyMismatch = nameof(HostKeyMismatch);

        /// <summary>The host key of … (…), …, is marked @revoked in ….</summary>
        public const string HostKeyRevoked = nameof(HostKeyRevoked);

        /// <summary>The host key of … (…) is not known: ….</summary>
        public const string HostKeyUnknown = nameof(HostKeyUnknown);

        /// <summary>… did not present a host key.</summary>
        public const string HostKeyUnverified = nameof(HostKeyUnverified);

        /// <summary>… is not a private key that SSH.NET can read: …</summary>
        public const string IdentityFileInvalid = nameof(IdentityFileInvalid);

        /// <summary>The identity file … does not exist.</summary>
        public const string IdentityFileNotFound = nameof(IdentityFileNotFound);

        /// <summary>'…' is not a valid … name{(problem is null ? string.Empty :</summary>
        public const string InvalidBranchName = nameof(InvalidBranchName);

        /// <summary>Data residency '…' is not known.</summary>
        public const string InvalidDataResidency = nameof(InvalidDataResidency);

        /// <summary>The … '…' is not valid: ….</summary>
        public const string InvalidDatabaseAccess = nameof(InvalidDatabaseAccess);

        /// <summary>The … name '…' is not a valid PostgreSQL database name (1 to 63 bytes, no control characters).</summary>
        public const string InvalidDatabaseName = nameof(InvalidDatabaseName);

        /// <summary>-Since (…) is not before -Until (…).</summary>
        public const string InvalidDateRange = nameof(InvalidDateRange);

        /// <summary>… is '…', which is not an http or https URL.</summary>
        public const string InvalidEndpoint = nameof(InvalidEndpoint);

        /// <summary>-… is empty.</summary>
        public const string InvalidHostName = nameof(InvalidHostName);

        /// <summary>'…' is not a Jenkins job path.</summary>
        public const string InvalidJenkinsJob = nameof(InvalidJenkinsJob);

        /// <summary>The Jenkins URL is not an http(s) URL without credentials in it.</summary>
        public const string InvalidJenkinsUrl = nameof(InvalidJenkinsUrl);

        /// <summary>'…' is not an IP address.</summary>
        public const string InvalidListenAddress = nameof(InvalidListenAddress);

        /// <summary>'…' is not a valid login.</summary>
        public const string InvalidLogin = nameof(InvalidLogin);

        /// <summary>The name of … holds a control character, ':' or ','; /etc/passwd cannot store it.</summary>
        public const string InvalidName = nameof(InvalidName);

        /// <summary>'…' is not a name server address (ip or ip:port).</summary>
        public const string InvalidNameServer = nameof(InvalidNameServer);

        /// <summary>'…' is not a DNS label.</summary>
        public const string InvalidNodeName = nameof(InvalidNodeName);

        /// <summary>-Match '…' is not a regular expression: …</summary>
        public const string InvalidPattern = nameof(InvalidPattern);

        /// <summary>Port … is outside 1-65535.</summary>
        public const string InvalidPort = nameof(InvalidPort);

        /// <summary>…: …: …</summary>
        public const string InvalidProjectSettings = nameof(InvalidProjectSettings);

        /// <summary>The project slug '…' is not a DNS label.</summary>
        public const string InvalidProjectSlug = nameof(InvalidProjectSlug);

        /// <summary>'…' is not a valid public key: ….</summary>
        public const string InvalidPublicKey = nameof(InvalidPublicKey);

        /// <summary>'…' is not a valid record name in ….</summary>
        public const string InvalidRecordName = nameof(InvalidRecordName);

        /// <summary>'…' is not a DNS record type.</summary>
        public const string InvalidRecordType = nameof(InvalidRecordType);

        /// <summary>An HTTP redirect needs the host name that browsers are sent to.</summary>
        public const string InvalidRedirectHost = nameof(InvalidRedirectHost);

        /// <summary>'…' is not a redirect mode.</summary>
        public const string InvalidRedirectMode = nameof(InvalidRedirectMode);

        /// <summary>The ports must be between 1 and 65535.</summary>
        public const string InvalidRedirectPort = nameof(InvalidRedirectPort);

        /// <summary>'…' is not an address or a host name.</summary>
        public const string InvalidRedirectTarget = nameof(InvalidRedirectTarget);

        /// <summary>'…' is not a ref that can be deployed: {problem ??</summary>
        public const string InvalidRef = nameof(InvalidRef);

        /// <summary>'…' is not a remote name that a deploy can fetch from.</summary>
        public const string InvalidRemote = nameof(InvalidRemote);

        /// <summary>The repository URL's user or token holds a line break.</summary>
        public const string InvalidRepositoryUrl = nameof(InvalidRepositoryUrl);

        /// <summary>'…' is not a valid role: it must be a DNS label.</summary>
        public const string InvalidRole = nameof(InvalidRole);

        /// <summary>'…' is not a schedule method.</summary>
        public const string InvalidScheduleMethod = nameof(InvalidScheduleMethod);

        /// <summary>'…' is not a valid job name.</summary>
        public const string InvalidScheduleName = nameof(InvalidScheduleName);

        /// <summary>The value of … holds a control character.</summary>
        public const string InvalidSettingValue = nameof(InvalidSettingValue);

        /// <summary>An argument contains a NUL character, which no shell can pass.</summary>
        public const string InvalidShellArgument = nameof(InvalidShellArgument);

        /// <summary>'…' is not an absolute path on the node.</summary>
        public const string InvalidStackPath = nameof(InvalidStackPath);

        /// <summary>InvalidSyncPath</summary>
        public const string InvalidSyncPath = nameof(InvalidSyncPath);

        /// <summary>InvalidTagScheme</summary>
        public const string InvalidTagScheme = nameof(InvalidTagScheme);

        /// <summary>…{(where is not null ?</summary>
        public const string InvalidTeamFile = nameof(InvalidTeamFile);

        /// <summary>'…' is not a valid user name.</summary>
        public const string InvalidUserName = nameof(InvalidUserName);

        /// <summary>Jenkins at … refused the user … and its API token (401) when asked to … ….</summary>
        public const string JenkinsAuthFailed = nameof(JenkinsAuthFailed);

        /// <summary>… was aborted in Jenkins.…</summary>
        public const string JenkinsBuildAborted = nameof(JenkinsBuildAborted);

        /// <summary>… failed (FAILURE).…</summary>
        public const string JenkinsBuildFailed = nameof(JenkinsBuildFailed);

        /// <summary>… was not built (NOT_BUILT).…</summary>
        public const string JenkinsBuildNotBuilt = nameof(JenkinsBuildNotBuilt);

        /// <summary>Jenkins has no job …, or it has not been built yet.</summary>
        public const string JenkinsBuildNotFound = nameof(JenkinsBuildNotFound);

        /// <summary>… is UNSTABLE (tests failed or were flaky).…</summary>
        public const string JenkinsBuildUnstable = nameof(JenkinsBuildUnstable);

        /// <summary>JenkinsConnectionLost</summary>
        public const string JenkinsConnectionLost = nameof(JenkinsConnectionLost);

        /// <summary>The Jenkins URL … is plain http, and the Jenkins credentials are sent only over https (or to this machine's loopback address).</summary>
        public const string JenkinsInsecureUrl = nameof(JenkinsInsecureUrl);

        /// <summary>Jenkins' answer to GET … is not JSON (is … the Jenkins root URL?).</summary>
        public const string JenkinsInvalidResponse = nameof(JenkinsInvalidResponse);

        /// <summary>Jenkins refused to build …: the job is disabled (409).</summary>
        public const string JenkinsJobDisabled = nameof(JenkinsJobDisabled);

        /// <summary>Jenkins has no job …, or it has no completed build.</summary>
        public const string JenkinsJobNotFound = nameof(JenkinsJobNotFound);

        /// <summary>Jenkins at … forbade {(Connection.Authenticated ?</summary>
        public const string JenkinsPermissionDenied = nameof(JenkinsPermissionDenied);

        /// <summary>The queued build of … (queue item …) was cancelled in Jenkins before it started.</summary>
        public const string JenkinsQueueItemCancelled = nameof(JenkinsQueueItemCancelled);

        /// <summary>Jenkins' queue item … for … is gone before its build was seen to start (queue items expire about 5 minutes after their build starts, and vanish …</summary>
        public const string JenkinsQueueItemExpired = nameof(JenkinsQueueItemExpired);

        /// <summary>Jenkins answered … … to GET ….</summary>
        public const string JenkinsRequestFailed = nameof(JenkinsRequestFailed);

        /// <summary>… was still … after … s; it was left running in Jenkins.</summary>
        public const string JenkinsTimeout = nameof(JenkinsTimeout);

        /// <summary>Jenkins did not queue …: it answered … … without a queue item's Location.</summary>
        public const string JenkinsTriggerFailed = nameof(JenkinsTriggerFailed);

        /// <summary>JenkinsUnreachable</summary>
        public const string JenkinsUnreachable = nameof(JenkinsUnreachable);

        /// <summary>releaseops.psd1 names the Jenkins server '…', which is not the admin's ….</summary>
        public const string JenkinsUrlMismatch = nameof(JenkinsUrlMismatch);

        /// <summary>No Jenkins URL was given, and JENKINS_URL is not set.</summary>
        public const string JenkinsUrlMissing = nameof(JenkinsUrlMissing);

        /// <summary>releaseops.psd1 names a JenkinsJob, but no Jenkins URL was given: neither -JenkinsUrl nor JENKINS_URL is set.</summary>
        public const string JenkinsUrlUntrusted = nameof(JenkinsUrlUntrusted);

        /// <summary>'…' is not a host name or address that can go in known_hosts.</summary>
        public const string KnownHostsInvalidHost = nameof(KnownHostsInvalidHost);

        /// <summary>The host key is not an SSH public key blob (a length-prefixed key type, then the key).</summary>
        public const string KnownHostsInvalidKey = nameof(KnownHostsInvalidKey);

        /// <summary>The known_hosts path is empty.</summary>
        public const string KnownHostsInvalidPath = nameof(KnownHostsInvalidPath);

        /// <summary>… is not a TCP port.</summary>
        public const string KnownHostsInvalidPort = nameof(KnownHostsInvalidPort);

        /// <summary>The … key … is revoked in … (line …); it is not added for ….</summary>
        public const string KnownHostsKeyRevoked = nameof(KnownHostsKeyRevoked);

        /// <summary>KnownHostsLocked</summary>
        public const string KnownHostsLocked = nameof(KnownHostsLocked);

        /// <summary>LocalChanges</summary>
        public const string LocalChanges = nameof(LocalChanges);

        /// <summary>… is a folder; the file … is not put in its place.</summary>
        public const string LocalPathExists = nameof(LocalPathExists);

        /// <summary>… does not exist.</summary>
        public const string LocalPathNotFound = nameof(LocalPathNotFound);

        /// <summary>LocalPathUnsafe</summary>
        public const string LocalPathUnsafe = nameof(LocalPathUnsafe);

        /// <summary>… does not merge cleanly into …. Nothing was changed.</summary>
        public const string MergeConflict = nameof(MergeConflict);

        /// <summary>…: '…' failed (exit {result.ExitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ??</summary>
        public const string MigrationCommandFailed = nameof(MigrationCommandFailed);

        /// <summary>MigrationFailed</summary>
        public const string MigrationFailed = nameof(MigrationFailed);

        /// <summary>The plan of migration … (…) cannot be read: …</summary>
        public const string MigrationJournalUnreadable = nameof(MigrationJournalUnreadable);

        /// <summary>The migration journal … cannot be written: …</summary>
        public const string MigrationJournalUnwritable = nameof(MigrationJournalUnwritable);

        /// <summary>The migration of … is being run by …. Nothing was changed.</summary>
        public const string MigrationLocked = nameof(MigrationLocked);

        /// <summary>Migration … knows the old node only as …, not as a provider's node, so it cannot delete it.</summary>
        public const string MigrationNodeUnknown = nameof(MigrationNodeUnknown);

        /// <summary>Migration … is …: the old node is deleted only after the new node serves.</summary>
        public const string MigrationNotCompleted = nameof(MigrationNotCompleted);

        /// <summary>Migration …: the old node … is kept until … UTC (a week after its stack stopped).</summary>
        public const string MigrationNotDue = nameof(MigrationNotDue);

        /// <summary>There is no migration of … from … to … to undo.</summary>
        public const string MigrationNotFound = nameof(MigrationNotFound);

        /// <summary>Migration … is …: {(journal.Status ==</summary>
        public const string MigrationNotUndoable = nameof(MigrationNotUndoable);

        /// <summary>Migration … has no stored plan (…).</summary>
        public const string MigrationPlanMissing = nameof(MigrationPlanMissing);

        /// <summary>Migration … was undone; it cannot be resumed.</summary>
        public const string MigrationRolledBack = nameof(MigrationRolledBack);

        /// <summary>Migration … stopped at … (step … of …, on {definition.Node ?? info.Source +</summary>
        public const string MigrationStepFailed = nameof(MigrationStepFailed);

        /// <summary>The journal … names a step … that this version does not know.</summary>
        public const string MigrationStepUnknown = nameof(MigrationStepUnknown);

        /// <summary>No … size in … has … GB of memory and … GB of disk</summary>
        public const string NoFittingSize = nameof(NoFittingSize);

        /// <summary>No private key was found to log in to … as ….</summary>
        public const string NoIdentityFile = nameof(NoIdentityFile);

        /// <summary>No node was given.</summary>
        public const string NoNodeGiven = nameof(NoNodeGiven);

        /// <summary>NoPreviousDeployment</summary>
        public const string NoPreviousDeployment = nameof(NoPreviousDeployment);

        /// <summary>No public key was given and none was found in ~/.ssh.</summary>
        public const string NoPublicKey = nameof(NoPublicKey);

        /// <summary>No release metrics came in, so there is nothing to report.</summary>
        public const string NoReleaseMetrics = nameof(NoReleaseMetrics);

        /// <summary>Scaleway's Marketplace has no Ubuntu LTS image for … in ….</summary>
        public const string NoUbuntuImage = nameof(NoUbuntuImage);

        /// <summary>…: could not … (exit …): …</summary>
        public const string NodeCommandFailed = nameof(NodeCommandFailed);

        /// <summary>The SSH connection to … (…)… ….</summary>
        public const string NodeConnectionLost = nameof(NodeConnectionLost);

        /// <summary>NodeCreateTimeout</summary>
        public const string NodeCreateTimeout = nameof(NodeCreateTimeout);

        /// <summary>Scaleway server … has no volume to snapshot.</summary>
        public const string NodeHasNoVolume = nameof(NodeHasNoVolume);

        /// <summary>Scaleway has no server … in ….</summary>
        public const string NodeNotFound = nameof(NodeNotFound);

        /// <summary>EC2 instance … (…) is …, not running: …</summary>
        public const string NodeNotRunning = nameof(NodeNotRunning);

        /// <summary>…: …</summary>
        public const string NodeOperationFailed = nameof(NodeOperationFailed);

        /// <summary>… still serves traffic: {string.Join(</summary>
        public const string NodeServesTraffic = nameof(NodeServesTraffic);

        /// <summary>The session to … is no longer connected… cause ?</summary>
        public const string NodeSessionBroken = nameof(NodeSessionBroken);

        /// <summary>There is no open session … in this PowerShell process.</summary>
        public const string NodeSessionNotFound = nameof(NodeSessionNotFound);

        /// <summary>NodeSshTimeout</summary>
        public const string NodeSshTimeout = nameof(NodeSshTimeout);

        /// <summary>NodeStepFailed</summary>
        public const string NodeStepFailed = nameof(NodeStepFailed);

        /// <summary>…'s stack was stopped on … UTC, less than seven days ago; the process keeps an old node for a week.</summary>
        public const string NodeStoppedRecently = nameof(NodeStoppedRecently);

        /// <summary>Cannot reach … at …:…: …</summary>
        public const string NodeUnreachable = nameof(NodeUnreachable);

        /// <summary>…: there is no user ….</summary>
        public const string NodeUserNotFound = nameof(NodeUserNotFound);

        /// <summary>NonZeroExit</summary>
        public const string NonZeroExit = nameof(NonZeroExit);

        /// <summary>'…' is not in a git repository.</summary>
        public const string NotAGitRepository = nameof(NotAGitRepository);

        /// <summary>NotATeamAccount</summary>
        public const string NotATeamAccount = nameof(NotATeamAccount);

        /// <summary>… has no commits that … lacks.</summary>
        public const string NothingToHotfix = nameof(NothingToHotfix);

        /// <summary>NothingToSet</summary>
        public const string NothingToSet = nameof(NothingToSet);

        /// <summary>The passphrase does not open the key ….</summary>
        public const string PassphraseIncorrect = nameof(PassphraseIncorrect);

        /// <summary>The key … is encrypted and no passphrase was given.</summary>
        public const string PassphraseRequired = nameof(PassphraseRequired);

        /// <summary>…: PostgreSQL … is older than 14, which the switch to the new copy needs. Nothing was copied.</summary>
        public const string PostgresTooOld = nameof(PostgresTooOld);

        /// <summary>The new node runs an older PostgreSQL than the old one: the data cannot move there.</summary>
        public const string PostgresVersionMismatch = nameof(PostgresVersionMismatch);

        /// <summary>The folder '…' does not exist.</summary>
        public const string ProjectPathNotFound = nameof(ProjectPathNotFound);

        /// <summary>No … was found in '…' or above it in its repository.</summary>
        public const string ProjectSettingsNotFound = nameof(ProjectSettingsNotFound);

        /// <summary>ProviderAuthenticationFailed</summary>
        public const string ProviderAuthenticationFailed = nameof(ProviderAuthenticationFailed);

        /// <summary>There is no AWS profile '…' in the shared credentials or config files.</summary>
        public const string ProviderCredentialsMissing = nameof(ProviderCredentialsMissing);

        /// <summary>The snapshot action … completed, but … has no snapshot named ….</summary>
        public const string ProviderInvalidResponse = nameof(ProviderInvalidResponse);

        /// <summary>Sandbox nodes have no roles.</summary>
        public const string ProviderNotSupported = nameof(ProviderNotSupported);

        /// <summary>ProviderPermissionDenied</summary>
        public const string ProviderPermissionDenied = nameof(ProviderPermissionDenied);

        /// <summary>ProviderQuotaExceeded</summary>
        public const string ProviderQuotaExceeded = nameof(ProviderQuotaExceeded);

        /// <summary>… It was retried … times.</summary>
        public const string ProviderRateLimited = nameof(ProviderRateLimited);

        /// <summary>… answered … with …, a redirect to …, another host than …; it was not followed, so the credentials were not sent there.</summary>
        public const string ProviderRedirectRefused = nameof(ProviderRedirectRefused);

        /// <summary>DigitalOcean refused the SSH key …: {Str(created.Body,</summary>
        public const string ProviderRequestRejected = nameof(ProviderRequestRejected);

        /// <summary>ProviderResourceNotFound</summary>
        public const string ProviderResourceNotFound = nameof(ProviderResourceNotFound);

        /// <summary>… did not answer … within … s.</summary>
        public const string ProviderTimeout = nameof(ProviderTimeout);

        /// <summary>… It was retried … times.</summary>
        public const string ProviderUnavailable = nameof(ProviderUnavailable);

        /// <summary>EC2 in … could not be reached for …: …</summary>
        public const string ProviderUnreachable = nameof(ProviderUnreachable);

        /// <summary>… does not exist.</summary>
        public const string PublicKeyFileNotFound = nameof(PublicKeyFileNotFound);

        /// <summary>The public key file … does not exist.</summary>
        public const string PublicKeyNotFound = nameof(PublicKeyNotFound);

        /// <summary>git push of … failed: …. The local branch exists.</summary>
        public const string PushFailed = nameof(PushFailed);

        /// <summary>… rejected the push (…): someone pushed to …, or … exists there. Nothing was pushed, and local branches are as they were.</summary>
        public const string PushRejected = nameof(PushRejected);

        /// <summary>RedirectConfigInvalid</summary>
        public const string RedirectConfigInvalid = nameof(RedirectConfigInvalid);

        /// <summary>RedirectFailed</summary>
        public const string RedirectFailed = nameof(RedirectFailed);

        /// <summary>RedirectStartFailed</summary>
        public const string RedirectStartFailed = nameof(RedirectStartFailed);

        /// <summary>RefNotFound</summary>
        public const string RefNotFound = nameof(RefNotFound);

        /// <summary>The Jenkins gate failed (…); nothing was merged, tagged or pushed.</summary>
        public const string ReleaseGateFailed = nameof(ReleaseGateFailed);

        /// <summary>Another release of this repository is running (process … on …, since {Field(text,</summary>
        public const string ReleaseLocked = nameof(ReleaseLocked);

        /// <summary>… commit(s) on master break the release process: {string.Join(</summary>
        public const string ReleasePolicyViolated = nameof(ReleasePolicyViolated);

        /// <summary>RemoteNameUnsafe</summary>
        public const string RemoteNameUnsafe = nameof(RemoteNameUnsafe);

        /// <summary>…: … does not exist.</summary>
        public const string RemotePathNotFound = nameof(RemotePathNotFound);

        /// <summary>The replication slot on the old node is gone, so the new database cannot catch up.</summary>
        public const string ReplicationSlotMissing = nameof(ReplicationSlotMissing);

        /// <summary>The subscription has had no running worker for a minute; the copy is stuck.</summary>
        public const string ReplicationStalled = nameof(ReplicationStalled);

        /// <summary>The report could not be written to '…': …</summary>
        public const string ReportWriteFailed = nameof(ReportWriteFailed);

        /// <summary>SandboxNotSupported</summary>
        public const string SandboxNotSupported = nameof(SandboxNotSupported);

        /// <summary>unshare did not start.</summary>
        public const string SandboxStartFailed = nameof(SandboxStartFailed);

        /// <summary>… {string.Join(</summary>
        public const string ScheduleFailed = nameof(ScheduleFailed);

        /// <summary>Neither systemd nor crontab is available.</summary>
        public const string SchedulerNotInstalled = nameof(SchedulerNotInstalled);

        /// <summary>The script … does not exist.</summary>
        public const string ScriptNotFound = nameof(ScriptNotFound);

        /// <summary>…: the compose service '…' in … is not running{(ids.Count &gt; 1 ? $</summary>
        public const string ServiceNotRunning = nameof(ServiceNotRunning);

        /// <summary>… is not valid JSON: …</summary>
        public const string SettingsFileInvalid = nameof(SettingsFileInvalid);

        /// <summary>…: the SFTP subsystem is not available: …</summary>
        public const string SftpUnavailable = nameof(SftpUnavailable);

        /// <summary>Scaleway reports that the snapshot … of … failed.</summary>
        public const string SnapshotFailed = nameof(SnapshotFailed);

        /// <summary>SnapshotTimeout</summary>
        public const string SnapshotTimeout = nameof(SnapshotTimeout);

        /// <summary>ssh did not start.</summary>
        public const string SshClientFailed = nameof(SshClientFailed);

        /// <summary>The OpenSSH client (ssh) is not on the PATH.</summary>
        public const string SshClientNotFound = nameof(SshClientNotFound);

        /// <summary>SshConfigInvalid</summary>
        public const string SshConfigInvalid = nameof(SshConfigInvalid);

        /// <summary>The SSH configuration file '…' does not exist.</summary>
        public const string SshConfigNotFound = nameof(SshConfigNotFound);

        /// <summary>The %i token (local user id) is not available on this platform.</summary>
        public const string SshConfigUnsupported = nameof(SshConfigUnsupported);

        /// <summary>The SSH connection to … (…:…) failed: …</summary>
        public const string SshConnectionFailed = nameof(SshConnectionFailed);

        /// <summary>StackNotFound</summary>
        public const string StackNotFound = nameof(StackNotFound);

        /// <summary>StackNotWritable</summary>
        public const string StackNotWritable = nameof(StackNotWritable);

        /// <summary>StackUpFailed</summary>
        public const string StackUpFailed = nameof(StackUpFailed);

        /// <summary>…: … cannot … without passwordless sudo: …</summary>
        public const string SudoFailed = nameof(SudoFailed);

        /// <summary>…: the folder … does not exist.</summary>
        public const string SyncPathNotFound = nameof(SyncPathNotFound);

        /// <summary>…: the disk of … has … free, and the files to send need … (No space left on device). Nothing was sent.</summary>
        public const string TargetDiskFull = nameof(TargetDiskFull);

        /// <summary>Could not create a private folder in …: …</summary>
        public const string TempDirectoryUnavailable = nameof(TempDirectoryUnavailable);

        /// <summary>TerraformStateInvalid</summary>
        public const string TerraformStateInvalid = nameof(TerraformStateInvalid);

        /// <summary>The Terraform state … cannot be read: …</summary>
        public const string TerraformStateNotFound = nameof(TerraformStateNotFound);

        /// <summary>…:… has … entries that …:… lacks, more than the … one sync may delete. Nothing was changed.</summary>
        public const string TooManyDeletions = nameof(TooManyDeletions);

        /// <summary>DigitalOcean has no available region '…'. Available: {string.Join(</summary>
        public const string UnknownRegion = nameof(UnknownRegion);

        /// <summary>The repository has no remote '…'.</summary>
        public const string UnknownRemote = nameof(UnknownRemote);

        /// <summary>'…' is not a ReleaseOps setting.</summary>
        public const string UnknownSetting = nameof(UnknownSetting);

        /// <summary>… has no size '…'{(size is null ? string.Empty :</summary>
        public const string UnknownSize = nameof(UnknownSize);

        /// <summary>UnsafeCheckout</summary>
        public const string UnsafeCheckout = nameof(UnsafeCheckout);

        /// <summary>… is a symbolic link; ReleaseOps does not follow links in its journal folder.</summary>
        public const string UnsafeJournalFolder = nameof(UnsafeJournalFolder);

        /// <summary>…: refused to install the key for …: {result.Error.Trim().Replace(</summary>
        public const string UnsafeKeyFile = nameof(UnsafeKeyFile);

        /// <summary>…: {result.Error.Trim().Replace(</summary>
        public const string UnsafeStackFolder = nameof(UnsafeStackFolder);

        /// <summary>…: {NodeStream.Brief(r.Error).Replace(</summary>
        public const string UnsafeSyncPath = nameof(UnsafeSyncPath);

        /// <summary>Export-TerraformConfiguration takes nodes and DNS records, not {item?.BaseObject?.GetType().Name ??</summary>
        public const string UnsupportedInput = nameof(UnsupportedInput);
    }
}
