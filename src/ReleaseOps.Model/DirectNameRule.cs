namespace ReleaseOps
{
    /// <summary>The rule that mapped a public name to its direct name.</summary>
    public enum DirectNameRule
    {
        /// <summary>direct. was put in front of the name.</summary>
        DirectPrefix,

        /// <summary>-direct was put on the first label, under one of the agency's own domains.</summary>
        OwnDomainSuffix,

        /// <summary>The name was already a direct name and is returned as it is.</summary>
        AlreadyDirect,

        /// <summary>The input was an IP address, returned unchanged.</summary>
        IpAddress,
    }
}
