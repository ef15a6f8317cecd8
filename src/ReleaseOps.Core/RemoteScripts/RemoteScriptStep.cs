namespace ReleaseOps.Core.RemoteScripts
{
    /// <summary>One "step" record of a remote script: its name, the script's status word, the detail and an error id.</summary>
    public sealed class RemoteScriptStep
    {
        /// <summary>The step, such as "Group dev" or "Fetch".</summary>
        public string Name { get; set; } = string.Empty;

        /// <summary>The script's status word: start, ok, failed, or a StepStatus name.</summary>
        public string Status { get; set; } = string.Empty;

        /// <summary>What was found or done.</summary>
        public string Detail { get; set; } = string.Empty;

        /// <summary>For a step refused for a named reason, its stable error id.</summary>
        public string? ErrorId { get; set; }
    }
}
