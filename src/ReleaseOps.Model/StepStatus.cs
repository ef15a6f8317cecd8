namespace ReleaseOps
{
    /// <summary>What one step of a bootstrap, an account change or a test job did, as Ansible reports ok and changed.</summary>
    public enum StepStatus
    {
        /// <summary>Already as wanted; nothing was changed.</summary>
        Unchanged,

        /// <summary>Changed to what was wanted.</summary>
        Changed,

        /// <summary>Would change (-WhatIf or -CheckOnly).</summary>
        WouldChange,

        /// <summary>Not run, for the reason in Detail.</summary>
        Skipped,

        /// <summary>A test job passed.</summary>
        Passed,

        /// <summary>Failed, for the reason in Detail (and ErrorId, when refused for a named reason).</summary>
        Failed,
    }
}
