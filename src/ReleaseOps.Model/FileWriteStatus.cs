namespace ReleaseOps
{
    /// <summary>What an export did with its file.</summary>
    public enum FileWriteStatus
    {
        /// <summary>The file is written (atomically).</summary>
        Written,

        /// <summary>-WhatIf: the file would be written.</summary>
        WouldWrite,
    }
}
