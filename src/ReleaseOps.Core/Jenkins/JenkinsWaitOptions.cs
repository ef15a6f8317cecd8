using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace ReleaseOps.Core.Jenkins
{
    /// <summary>How long to wait, and how hard to retry.</summary>
    public sealed class JenkinsWaitOptions
    {
        /// <summary>How long the queue wait and the build together may take before JenkinsTimeout.</summary>
        public TimeSpan Timeout { get; set; } = TimeSpan.FromHours(1);

        /// <summary>How many times in a row a poll may fail on a lost connection or a 502/503/504 before JenkinsConnectionLost.</summary>
        public int MaxRetries { get; set; } = 5;

        /// <summary>The pause before each retry.</summary>
        public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(2);

        /// <summary>The longest pause between polls; polls start fast and slow down while nothing changes.</summary>
        public TimeSpan MaxPollInterval { get; set; } = TimeSpan.FromSeconds(2);

        /// <summary>How long one HTTP request may take.</summary>
        public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);
    }
}
