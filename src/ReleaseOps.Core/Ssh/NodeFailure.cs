using System;

namespace ReleaseOps.Core.Ssh
{
    /// <summary>
    /// The one place where an exception from work on open SSH sessions becomes the engine's error. When a session's
    /// connection dropped, what the work saw (SSH.NET's "Client not connected", a closed channel, a disposed stream) is
    /// only a symptom: the error is then NodeConnectionLost and names the node and the original cause.
    /// </summary>
    public static class NodeFailure
    {
        public static ReleaseOpsException Translate(Exception ex, string context, object? target, string recommendedAction, params NodeSession?[] sessions)
        {
            if (ex is null)
            {
                throw new ArgumentNullException(nameof(ex));
            }

            if (ex is ReleaseOpsException r)
            {
                return r;
            }

            foreach (var s in sessions)
            {
                if (s?.ConnectionLost(ex) is ReleaseOpsException lost)
                {
                    return new ReleaseOpsException(lost.ErrorId, lost.Category, $"{context}: {lost.Message}", lost.RecommendedAction, lost.Target, lost.InnerException ?? ex);
                }
            }

            return new ReleaseOpsException(ErrorIds.NodeOperationFailed, FailureCategory.ConnectionError, $"{context}: {ex.Message}", recommendedAction, target, ex);
        }
    }
}
