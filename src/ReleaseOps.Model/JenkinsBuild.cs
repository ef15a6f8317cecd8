using System;
using System.Collections.Generic;

namespace ReleaseOps
{
    /// <summary>
    /// A Jenkins build, or a queue item that has not started yet (Invoke-JenkinsJob -NoWait): then State is Queued,
    /// Number is null and QueueId and QueueUrl say where it waits.
    /// </summary>
    public sealed class JenkinsBuild
    {
        /// <summary>The job's path, such as cortico/e2e (folders separated by /).</summary>
        public string Job { get; set; } = string.Empty;

        /// <summary>The build number; null while the build is still queued.</summary>
        public int? Number { get; set; }

        /// <summary>Queued, Building or Completed.</summary>
        public JenkinsBuildState State { get; set; }

        /// <summary>SUCCESS, UNSTABLE, FAILURE, NOT_BUILT or ABORTED once completed; null before.</summary>
        public string? Result { get; set; }

        /// <summary>Whether the build is running.</summary>
        public bool Building { get; set; }

        /// <summary>How long the build took (zero while it runs).</summary>
        public TimeSpan Duration { get; set; }

        /// <summary>When the build started.</summary>
        public DateTimeOffset? Timestamp { get; set; }

        /// <summary>The git commit the build checked out, when the git plugin records it (lastBuiltRevision).</summary>
        public string? Commit { get; set; }

        /// <summary>The build's URL.</summary>
        public string? Url { get; set; }

        /// <summary>The queue item's id.</summary>
        public long? QueueId { get; set; }

        /// <summary>The queue item's URL (the trigger's Location header).</summary>
        public string? QueueUrl { get; set; }

        /// <summary>The parameters the build was started with.</summary>
        public IDictionary<string, string> Parameters { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);

        /// <summary>The console log, when it was read (Invoke-JenkinsJob, or Get-JenkinsBuild -IncludeLog).</summary>
        public string? Log { get; set; }

        /// <inheritdoc />
        public override string ToString() => Number is int n ? $"{Job} #{n}: {Result ?? State.ToString()}" : $"{Job}: {State}";
    }
}
