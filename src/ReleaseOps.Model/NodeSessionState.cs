namespace ReleaseOps
{
    /// <summary>Whether a node session (New-NodeSession) can still be used.</summary>
    public enum NodeSessionState
    {
        /// <summary>Connected.</summary>
        Opened,

        /// <summary>The connection was lost; Remove-NodeSession, then New-NodeSession.</summary>
        Broken,

        /// <summary>Closed by Remove-NodeSession.</summary>
        Closed,
    }
}
