namespace ReleaseOps
{
    /// <summary>What Add-NodeSshKey did with a key.</summary>
    public enum SshKeyStatus
    {
        /// <summary>The key is added to authorized_keys.</summary>
        Added,

        /// <summary>authorized_keys already held it.</summary>
        AlreadyPresent,
    }
}
