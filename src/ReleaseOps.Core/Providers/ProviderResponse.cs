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
    /// <summary>An answer from a provider's API: the status, the JSON body (when there is one) and the headers.</summary>
    public sealed class ProviderResponse
    {
        internal ProviderResponse(int status, JsonElement? json, IReadOnlyDictionary<string, string> headers, string? requestId)
        {
            Status = status;
            Json = json;
            Headers = headers;
            RequestId = requestId;
        }

        /// <summary>The HTTP status.</summary>
        public int Status { get; }

        /// <summary>The JSON body, or null when the body was empty.</summary>
        public JsonElement? Json { get; }

        /// <summary>The response headers, by lower-case name.</summary>
        public IReadOnlyDictionary<string, string> Headers { get; }

        /// <summary>The provider's request id, from its headers or error body.</summary>
        public string? RequestId { get; }

        /// <summary>The body, which must be there.</summary>
        public JsonElement Body => Json ?? throw new ReleaseOpsException(ErrorIds.ProviderInvalidResponse, FailureCategory.InvalidResult,
            $"The provider answered {Status} with an empty body where a JSON document was expected.", "Retry; if it persists, report it with the request id.", RequestId);
    }
}
