using System.Collections.Generic;
using ReleaseOps.Core.Ssh;

namespace ReleaseOps.Core.RemoteScripts
{
    /// <summary>What a remote script reported, record by record, and how its command ended.</summary>
    public sealed class RemoteScriptResult
    {
        /// <summary>How the command ended: exit code, failure id (SudoFailed, CommandTimedOut...), standard error.</summary>
        public NodeCommandResult Command { get; set; } = new();

        /// <summary>The steps, in order, with the "start" records left out.</summary>
        public List<RemoteScriptStep> Steps { get; } = new();

        /// <summary>The fields; a later value of a key replaces an earlier one.</summary>
        public Dictionary<string, string> Fields { get; } = new(System.StringComparer.Ordinal);

        /// <summary>The rows of a listing, each with its kind first.</summary>
        public List<string[]> Rows { get; } = new();

        /// <summary>The id of the error record, when the script stopped with one.</summary>
        public string? ErrorId { get; set; }

        /// <summary>The message of the error record.</summary>
        public string? ErrorMessage { get; set; }

        /// <summary>A field's value, or null when it is missing or empty.</summary>
        public string? Field(string key) => Fields.TryGetValue(key, out var v) && v.Length > 0 ? v : null;
    }
}
