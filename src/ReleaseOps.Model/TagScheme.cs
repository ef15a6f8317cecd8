namespace ReleaseOps
{
    /// <summary>How release tags are numbered.</summary>
    public enum TagScheme
    {
        /// <summary>vYEAR.WEEK.N, such as v2026.48.0 (ISO week).</summary>
        CalVer,

        /// <summary>vMAJOR.MINOR.PATCH from the conventional commits since the last tag, such as v1.4.2.</summary>
        SemVer,
    }
}
