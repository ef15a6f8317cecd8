namespace ReleaseOps.Core
{
    /// <summary>
    /// How the engine reports while it works. The cmdlets implement it by queueing records that are written on the
    /// pipeline thread, so implementations must be safe to call from any thread.
    /// </summary>
    public interface IOperationReporter
    {
        void Verbose(string message);

        void Warning(string message);

        void Debug(string message);

        /// <summary>Reports progress. activityId is stable per kind of work; percent is 0-100, or -1 when unknown.</summary>
        void Progress(int activityId, string activity, string status, int percent, int parentActivityId = -1);

        /// <summary>Closes a progress activity with a Completed record.</summary>
        void CompleteProgress(int activityId, string activity);
    }
}
