using System.Management.Automation;
using ReleaseOps.Core.Providers;

namespace ReleaseOps.Commands
{
    /// <summary>Get-DnsRecord: records of a zone at DigitalOcean Domains or Cloudflare.</summary>
    [Cmdlet(VerbsCommon.Get, "DnsRecord")]
    [OutputType(typeof(DnsRecord))]
    public sealed class GetDnsRecordCommand : ProviderCmdlet
    {
        /// <summary>The zone, such as countable.ca.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        public string Zone { get; set; } = string.Empty;

        /// <summary>The record's name: relative (kmc, @) or full (kmc.countable.ca). Default: every record.</summary>
        [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
        public string? Name { get; set; }

        /// <summary>The record type (A, AAAA, CNAME, TXT, ...).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateSet("A", "AAAA", "CNAME", "TXT", "MX", "NS", "SRV", "CAA", IgnoreCase = true)]
        public string? Type { get; set; }

        /// <summary>The DNS service (default DigitalOcean).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public DnsProvider Provider { get; set; } = DnsProvider.DigitalOcean;

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            ForEachInput(Zone, () =>
            {
                var settings = Settings(null, Provider);
                var zone = Zone.TrimEnd('.').ToLowerInvariant();
                var records = RunEngine(async (reporter, token) =>
                {
                    using var dns = DnsEngine.Create(Provider, settings, reporter);
                    return await dns.ListAsync(zone, Name is null ? null : DnsEngine.FullName(zone, Name), Type?.ToUpperInvariant(), null, token).ConfigureAwait(false);
                });
                WriteObject(records, enumerateCollection: true);
            });
        }
    }
}
