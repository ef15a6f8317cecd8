using System;
using System.Collections.Generic;

namespace ReleaseOps
{
    /// <summary>What Set-DnsRecord did to a record.</summary>
    public enum DnsChange
    {
        /// <summary>Nothing: the record already had the value and TTL.</summary>
        Unchanged,

        /// <summary>The record was created.</summary>
        Created,

        /// <summary>The record's value or TTL was changed.</summary>
        Updated,

        /// <summary>The record was deleted (an extra value of the same name and type).</summary>
        Deleted,

        /// <summary>-WhatIf: the record would be created, changed or deleted.</summary>
        WouldChange,
    }
}
