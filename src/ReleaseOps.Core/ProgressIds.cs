namespace ReleaseOps.Core
{
    /// <summary>
    /// Every progress activity id the module writes, in one place. An id is stable per kind of work, so that a host
    /// (or a test) can follow one activity among nested ones; scripts may filter on these numbers, so they never
    /// change. HouseRulesTests checks that every Progress call uses one of these and that none is used twice.
    /// </summary>
    public static class ProgressIds
    {
        /// <summary>Test-ReleaseOpsEnvironment: checking the dependencies.</summary>
        public const int EnvironmentCheck = 4100;

        /// <summary>A command on many nodes at once (Invoke-NodeCommand, Initialize-Node over a pipeline).</summary>
        public const int FanOut = 4200;

        /// <summary>Copy-NodeItem: an upload or a download.</summary>
        public const int NodeCopy = 4300;

        /// <summary>Start-Release and Start-Hotfix: fetch, gate, merge, push.</summary>
        public const int Release = 4400;

        /// <summary>New-ProjectNode and the provider steps: waiting for the provider.</summary>
        public const int ProviderWait = 4500;

        /// <summary>A migration's steps.</summary>
        public const int Migration = 4700;

        /// <summary>Sync-NodeDatabase, alone or as a migration step.</summary>
        public const int DatabaseSync = 4710;

        /// <summary>A migration's logical replication of the database (the initial copy and the catch-up).</summary>
        public const int DatabaseReplication = 4712;

        /// <summary>Sync-NodeFile, alone or as a migration step.</summary>
        public const int FileSync = 4720;

        /// <summary>Get-ReleaseMetrics.</summary>
        public const int ReleaseMetrics = 4750;

        /// <summary>Invoke-JenkinsJob and the release gate's Jenkins job.</summary>
        public const int Jenkins = 4800;
    }
}
