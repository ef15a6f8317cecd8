using System;

namespace ReleaseOps.Core
{
    /// <summary>
    /// A failure the admin can act on. ErrorId is stable and PascalCase; tests and scripts match on it.
    /// RecommendedAction tells the admin what to do. Messages never contain secrets.
    /// </summary>
    public sealed class ReleaseOpsException : Exception
    {
        public ReleaseOpsException(string errorId, FailureCategory category, string message, string recommendedAction,
            object? target = null, Exception? inner = null)
            : base(message, inner)
        {
            if (string.IsNullOrWhiteSpace(errorId))
            {
                throw new ArgumentException("An error id is required.", nameof(errorId));
            }

            ErrorId = errorId;
            Category = category;
            RecommendedAction = recommendedAction;
            Target = target;
        }

        public string ErrorId { get; }

        public FailureCategory Category { get; }

        public string RecommendedAction { get; }

        public object? Target { get; }

        /// <summary>
        /// The provider's own error code, from the field its API documents: DigitalOcean's <c>id</c>, Cloudflare's
        /// <c>errors[].code</c>, Scaleway's <c>type</c>, EC2's <c>Errors/Error/Code</c>. Null when no provider answered.
        /// </summary>
        public string? ProviderCode { get; set; }
    }
}
