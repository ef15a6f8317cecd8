using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace ReleaseOps.Core.Providers
{
    /// <summary>A DNS service's records API, as ReleaseOps uses it. Names are always full names here.</summary>
    public interface IDnsService : IDisposable
    {
        /// <summary>Which service this is.</summary>
        DnsProvider Kind { get; }

        /// <summary>The zones in the account.</summary>
        Task<IReadOnlyList<string>> ZonesAsync(CancellationToken token);

        /// <summary>Records of a zone, filtered by full name, type and value when given.</summary>
        Task<IReadOnlyList<DnsRecord>> ListAsync(string zone, string? name, string? type, string? value, CancellationToken token);

        /// <summary>Creates a record.</summary>
        Task<DnsRecord> CreateAsync(string zone, string name, string type, string value, int ttl, CancellationToken token);

        /// <summary>Changes a record's value and TTL.</summary>
        Task<DnsRecord> UpdateAsync(DnsRecord record, string value, int ttl, CancellationToken token);

        /// <summary>Deletes a record.</summary>
        Task DeleteAsync(DnsRecord record, CancellationToken token);
    }
}
