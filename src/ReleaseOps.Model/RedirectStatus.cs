namespace ReleaseOps
{
    /// <summary>What Set-NodeRedirect (or Remove-NodeRedirect) did with the HAProxy redirect.</summary>
    public enum RedirectStatus
    {
        /// <summary>The redirect is set (or removed) now.</summary>
        Changed,

        /// <summary>It was already as asked.</summary>
        Unchanged,

        /// <summary>-WhatIf: it would change.</summary>
        WouldChange,
    }
}
