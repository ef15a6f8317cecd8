namespace ReleaseOps
{
    /// <summary>What became of a deploy on one node.</summary>
    public enum DeploymentStatus
    {
        /// <summary>Not yet known (a new DeploymentInfo).</summary>
        None,

        /// <summary>The ref is live.</summary>
        Deployed,

        /// <summary>The ref was already live; nothing was done.</summary>
        Unchanged,

        /// <summary>A step failed and the previous commit is live again.</summary>
        RolledBack,

        /// <summary>A step failed and nothing could be rolled back.</summary>
        Failed,

        /// <summary>What -WhatIf would deploy.</summary>
        WouldDeploy,
    }
}
