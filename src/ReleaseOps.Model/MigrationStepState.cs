namespace ReleaseOps
{
    /// <summary>Where one step of a migration stands. The journal stores the name.</summary>
    public enum MigrationStepState
    {
        /// <summary>Not started.</summary>
        Pending,

        /// <summary>Started and not finished (a resume runs it again; every step is idempotent).</summary>
        Running,

        /// <summary>Failed; a resume runs it again.</summary>
        Failed,

        /// <summary>Finished.</summary>
        Done,
    }
}
