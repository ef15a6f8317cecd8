namespace ReleaseOps.Core
{
    /// <summary>A reporter that drops everything, for callers that do not listen.</summary>
    public sealed class NullReporter : IOperationReporter
    {
        public static readonly NullReporter Instance = new();

        private NullReporter()
        {
        }

        public void Verbose(string message)
        {
        }

        public void Warning(string message)
        {
        }

        public void Debug(string message)
        {
        }

        public void Progress(int activityId, string activity, string status, int percent, int parentActivityId = -1)
        {
        }

        public void CompleteProgress(int activityId, string activity)
        {
        }
    }
}
