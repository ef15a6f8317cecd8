using System;
using System.Collections.Generic;

namespace ReleaseOps
{
    /// <summary>A DNS record in a zone that ReleaseOps manages.</summary>
    public sealed class DnsRecord
    {
        /// <summary>The DNS service.</summary>
        public DnsProvider Provider { get; set; }

        /// <summary>The zone (domain), such as countable.ca.</summary>
        public string Zone { get; set; } = string.Empty;

        /// <summary>The provider's id for the record.</summary>
        public string Id { get; set; } = string.Empty;

        /// <summary>The full name, such as kmc.countable.ca.</summary>
        public string Name { get; set; } = string.Empty;

        /// <summary>The record type: A, AAAA, CNAME, TXT, ...</summary>
        public string Type { get; set; } = string.Empty;

        /// <summary>The value (an address for A and AAAA).</summary>
        public string Value { get; set; } = string.Empty;

        /// <summary>The TTL in seconds.</summary>
        public int Ttl { get; set; }

        /// <summary>Cloudflare: the zone's id (Terraform imports a record as zone_id/record_id); null for DigitalOcean.</summary>
        public string? ZoneId { get; set; }

        /// <summary>Cloudflare: whether the record is proxied; null for DigitalOcean.</summary>
        public bool? Proxied { get; set; }

        /// <summary>What the last Set-DnsRecord did to it; Unchanged for records that were only read.</summary>
        public DnsChange Change { get; set; }

        /// <inheritdoc />
        public override string ToString() => $"{Name} {Ttl} {Type} {Value}";
    }
}
