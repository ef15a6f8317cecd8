namespace ReleaseOps
{
    /// <summary>Where a Jenkins build stands.</summary>
    public enum JenkinsBuildState
    {
        /// <summary>Not known yet (a new JenkinsBuild).</summary>
        None,

        /// <summary>In the queue, not started (Invoke-JenkinsJob -NoWait).</summary>
        Queued,

        /// <summary>Running.</summary>
        Building,

        /// <summary>Finished; Result says how.</summary>
        Completed,
    }
}
