using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Polly;
using Polly.Retry;

namespace ReleaseOps.Core.Providers
{
    /// <summary>How provider requests are retried. The defaults suit real APIs; tests shorten the delays.</summary>
    public sealed class RetrySettings
    {
        /// <summary>Retries after the first attempt, for 429, 5xx and connection failures.</summary>
        public int MaxRetries { get; set; } = 5;

        /// <summary>The first backoff delay when the provider names none; it doubles with jitter.</summary>
        public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(1);

        /// <summary>The longest single wait, even when retry-after asks for more.</summary>
        public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(60);

        /// <summary>The timeout of one HTTP request.</summary>
        public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(60);

        /// <summary>The settings used when a provider is given none; RELEASEOPS_HTTP_RETRIES overrides MaxRetries.</summary>
        public static RetrySettings Default
        {
            get
            {
                var settings = new RetrySettings();
                if (int.TryParse(ReleaseOpsConfiguration.Value("HttpRetries"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= 0)
                {
                    settings.MaxRetries = n;
                }

                return settings;
            }
        }
    }
}
