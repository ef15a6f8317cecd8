using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Net;
using ReleaseOps.Core;
using ReleaseOps.Core.Providers;

namespace ReleaseOps.Commands
{
    /// <summary>Test-DnsRecord: what the zone's authoritative name servers answer for a record, against what they should.</summary>
    [Cmdlet(VerbsDiagnostic.Test, "DnsRecord")]
    [OutputType(typeof(DnsCheckResult))]
    public sealed class TestDnsRecordCommand : ReleaseOpsCmdlet
    {
        /// <summary>The zone, such as countable.ca.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        public string Zone { get; set; } = string.Empty;

        /// <summary>The record's name: relative (kmc, @) or full.</summary>
        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        public string Name { get; set; } = string.Empty;

        /// <summary>The record type (default A).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateSet("A", "AAAA", "CNAME", "TXT", "MX", "NS", "SRV", "CAA", IgnoreCase = true)]
        public string Type { get; set; } = "A";

        /// <summary>The values every server must answer, such as the new node's address.</summary>
        [Parameter(Mandatory = true, Position = 2, ValueFromPipelineByPropertyName = true)]
        [Alias("Value", "PublicIPv4")]
        public string[] Expected { get; set; } = Array.Empty<string>();

        /// <summary>The name servers to ask (ip or ip:port); default: RELEASEOPS_NAME_SERVERS, else the zone's NS records.</summary>
        [Parameter]
        public string[]? NameServer { get; set; }

        /// <summary>Wait until every server answers the expected values.</summary>
        [Parameter]
        public SwitchParameter Wait { get; set; }

        /// <summary>How long -Wait waits (default 5 minutes).</summary>
        [Parameter]
        [Seconds]
        public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(5);

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            ForEachInput(Name, () =>
            {
                var zone = Zone.TrimEnd('.').ToLowerInvariant();
                var full = DnsEngine.FullName(zone, Name);
                var interval = ProviderSettings.FromEnvironment().PollInterval;
                var expected = Expected.Where(e => e.Trim().Length > 0).ToList();
                var results = RunEngine(async (reporter, token) =>
                {
                    var servers = await DnsPropagation.ServersAsync(zone, NameServer, token).ConfigureAwait(false);
                    if (!Wait)
                    {
                        return await DnsPropagation.CheckAsync(full, Type, expected, servers, token).ConfigureAwait(false);
                    }

                    IReadOnlyList<DnsCheckResult>? last = null;
                    try
                    {
                        return await ProviderSteps.PollAsync($"Waiting for {full} to answer {string.Join(", ", expected)}", async _ =>
                        {
                            last = await DnsPropagation.CheckAsync(full, Type, expected, servers, token).ConfigureAwait(false);
                            return last.All(r => r.Matches) ? last : null;
                        }, Timeout, interval, reporter, token, ErrorIds.DnsNotPropagated,
                            "Check the record with Get-DnsRecord, and that the zone is served by the DNS service; then wait again.", full).ConfigureAwait(false);
                    }
                    catch (ReleaseOpsException ex) when (ex.ErrorId == ErrorIds.DnsNotPropagated && last is not null)
                    {
                        var stale = string.Join("; ", last.Where(r => !r.Matches).Select(r => $"{r.NameServer} answers {(r.Error ?? string.Join(", ", r.Answer))}"));
                        throw new ReleaseOpsException(ex.ErrorId, ex.Category, $"{ex.Message} {stale}", ex.RecommendedAction, full);
                    }
                });
                WriteObject(results, enumerateCollection: true);
            });
        }
    }
}
