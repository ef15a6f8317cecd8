using System;
using System.Collections.Generic;

namespace ReleaseOps
{
    /// <summary>An offline snapshot (image) of a node, kept at its provider.</summary>
    public sealed class NodeSnapshot
    {
        /// <summary>The provider that keeps it.</summary>
        public HostingProvider Provider { get; set; }

        /// <summary>The provider's id for the snapshot (a DigitalOcean image id, an AMI id, a Scaleway snapshot id).</summary>
        public string Id { get; set; } = string.Empty;

        /// <summary>The snapshot's name.</summary>
        public string Name { get; set; } = string.Empty;

        /// <summary>The id of the node it was taken from.</summary>
        public string NodeId { get; set; } = string.Empty;

        /// <summary>The name of the node it was taken from.</summary>
        public string NodeName { get; set; } = string.Empty;

        /// <summary>The region or zone that holds it.</summary>
        public string? Region { get; set; }

        /// <summary>Its size in GB, when the provider reports it.</summary>
        public double? SizeGB { get; set; }

        /// <summary>The provider's status (available, pending, ...).</summary>
        public string Status { get; set; } = string.Empty;

        /// <summary>When it was taken.</summary>
        public DateTimeOffset Created { get; set; }

        /// <inheritdoc />
        public override string ToString() => Name;
    }

    /// <summary>The DNS services whose records ReleaseOps manages.</summary>
    public enum DnsProvider
    {
        /// <summary>DigitalOcean Domains.</summary>
        DigitalOcean,

        /// <summary>Cloudflare DNS.</summary>
        Cloudflare,
    }

    /// <summary>What Set-DnsRecord did to a record.</summary>
    public enum DnsChange
    {
        /// <summary>Nothing: the record already had the value and TTL.</summary>
        Unchanged,

        /// <summary>The record was created.</summary>
        Created,

        /// <summary>The record's value or TTL was changed.</summary>
        Updated,

        /// <summary>The record was deleted (an extra value of the same name and type).</summary>
        Deleted,

        /// <summary>-WhatIf: the record would be created, changed or deleted.</summary>
        WouldChange,
    }

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

    /// <summary>A size that a provider offers.</summary>
    public sealed class NodeSize
    {
        /// <summary>The provider's name for it (s-1vcpu-2gb, DEV1-M, t3.small).</summary>
        public string Name { get; set; } = string.Empty;

        /// <summary>Memory in GB.</summary>
        public double MemoryGB { get; set; }

        /// <summary>Virtual CPUs.</summary>
        public int Cpus { get; set; }

        /// <summary>The disk that comes with it, in GB, or null when the disk is chosen apart (Scaleway, AWS).</summary>
        public int? DiskGB { get; set; }

        /// <summary>The monthly price in the provider's currency, when it publishes one.</summary>
        public double? MonthlyPrice { get; set; }

        /// <summary>The regions that offer it, when the provider says.</summary>
        public IReadOnlyList<string> Regions { get; set; } = new string[0];

        /// <inheritdoc />
        public override string ToString() => Name;
    }
}
