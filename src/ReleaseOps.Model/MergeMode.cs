namespace ReleaseOps
{
    /// <summary>How Start-Release merges develop into master.</summary>
    public enum MergeMode
    {
        /// <summary>Always a merge commit, so every release is one commit on master's first-parent line (the default).</summary>
        NoFastForward,

        /// <summary>A fast-forward when master is an ancestor of develop; a merge commit otherwise.</summary>
        FastForward,
    }
}
