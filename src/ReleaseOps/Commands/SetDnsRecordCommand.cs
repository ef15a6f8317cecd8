using System.Linq;
using System.Management.Automation;
using ReleaseOps.Core.Providers;
using ReleaseOps.Core;

namespace ReleaseOps.Commands
{
    /// <summary>Set-DnsRecord: makes a name and type hold exactly the given values and TTL, idempotently.</summary>
    [Cmdlet(VerbsCommon.Set, "DnsRecord", SupportsShouldProcess = true)]
    [OutputType(typeof(DnsRecord))]
    public sealed class SetDnsRecordCommand : ProviderCmdlet
    {
        /// <summary>The zone, such as countable.ca.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        public string Zone { get; set; } = string.Empty;

        /// <summary>The record's name: relative (kmc, @) or full (kmc.countable.ca).</summary>
        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        public string Name { get; set; } = string.Empty;

        /// <summary>The record type (default A).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateSet("A", "AAAA", "CNAME", "TXT", "MX", "NS", "SRV", "CAA", IgnoreCase = true)]
        public string Type { get; set; } = "A";

        /// <summary>The values the name must hold (an address for A). Omit it to change only the TTL.</summary>
        [Parameter(Position = 2, ValueFromPipelineByPropertyName = true)]
        [Alias("PublicIPv4", "Address")]
        public string[]? Value { get; set; }

        /// <summary>The TTL in seconds; default: the record's current TTL, or 3600 for a new record.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateRange(1, 86400)]
        public int Ttl { get; set; }

        /// <summary>The DNS service (default DigitalOcean).</summary>
        [Parameter]
        public DnsProvider Provider { get; set; } = DnsProvider.DigitalOcean;

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            ForEachInput(Name, () =>
            {
                var zone = Zone.TrimEnd('.').ToLowerInvariant();
                var full = DnsEngine.FullName(zone, Name);
                var values = Value is null || Value.Length == 0 ? null : Value;
                var change = values is null ? $"Set the TTL to {Ttl}" : $"Set to {string.Join(", ", values)}{(Ttl > 0 ? $" with TTL {Ttl}" : string.Empty)}";
                var apply = ShouldProcess($"{full} {Type.ToUpperInvariant()} ({Provider})", change);
                if (values is null && Ttl == 0)
                {
                    throw new Core.ReleaseOpsException(ErrorIds.NothingToSet, Core.FailureCategory.InvalidArgument, "Neither -Value nor -Ttl was given.",
                        "Give the values the record must hold, a TTL, or both.", full);
                }

                var settings = Settings(null, Provider);
                var records = RunEngine(async (reporter, token) =>
                {
                    using var dns = DnsEngine.Create(Provider, settings, reporter);
                    return await DnsEngine.SetAsync(dns, zone, full, Type, values?.ToList(), Ttl > 0 ? Ttl : null, !apply, reporter, token).ConfigureAwait(false);
                });
                WriteObject(records, enumerateCollection: true);
            });
        }
    }
}
