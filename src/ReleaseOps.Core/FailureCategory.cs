using System;

namespace ReleaseOps.Core
{
    /// <summary>
    /// The kind of failure. The names match System.Management.Automation.ErrorCategory, which the cmdlets map to;
    /// the engine does not reference PowerShell.
    /// </summary>
    public enum FailureCategory
    {
        InvalidArgument,
        InvalidData,
        ObjectNotFound,
        InvalidOperation,
        ResourceUnavailable,
        ConnectionError,
        SecurityError,
        PermissionDenied,
        AuthenticationError,
        LimitsExceeded,
        OperationTimeout,
        NotImplemented,
        NotInstalled,
        ResourceExists,
        OperationStopped,
        InvalidResult,
    }
}
