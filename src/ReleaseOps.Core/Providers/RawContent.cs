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
    /// <summary>A request body that is not JSON (Scaleway's cloud-init user data is text/plain).</summary>
    public sealed class RawContent
    {
        public RawContent(string text, string mediaType)
        {
            Text = text;
            MediaType = mediaType;
        }

        /// <summary>The body.</summary>
        public string Text { get; }

        /// <summary>Its media type.</summary>
        public string MediaType { get; }
    }
}
