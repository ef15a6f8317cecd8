using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;

namespace ReleaseOps.Core
{
    /// <summary>
    /// Maps a public host name to the "direct" name that reaches the node itself (the process (about_ReleaseOps), "Process For
    /// Troubleshooting Production Servers").
    /// </summary>
    /// <remarks>
    /// Rules, in order:
    /// 1. An IP address is returned unchanged (the caller warns).
    /// 2. The name is normalized: trimmed, one trailing dot dropped, IDN turned into punycode, lower-cased.
    ///    A URL is reduced to its host.
    /// 3. A leading "www." is dropped: www.cryptsend.io is the same site as cryptsend.io and reaches the same node,
    ///    so both give direct.cryptsend.io. (direct.www.cryptsend.io is a name nobody creates.)
    /// 4. A name that is already direct (direct.* or, under an own domain, *-direct.*) is returned as it is, so the
    ///    mapping is idempotent.
    /// 5. Under one of the agency's own domains, -direct goes on the first label: kmc.countable.ca gives
    ///    kmc-direct.countable.ca. The own domain's apex itself gets the prefix: countable.ca gives
    ///    direct.countable.ca, because countable-direct.ca would leave the agency's domain.
    /// 6. Otherwise direct. goes in front: cryptsend.io gives direct.cryptsend.io.
    /// </remarks>
    public static class DirectHostNames
    {
        public const string DefaultOwnDomain = "countable.ca";
        public const string OwnDomainsVariable = "RELEASEOPS_OWN_DOMAINS";
        private const string Suffix = "-direct";
        private const string Prefix = "direct.";
        private static readonly IdnMapping Idn = new() { AllowUnassigned = false, UseStd3AsciiRules = true };

        /// <summary>The own domains: the given list, else RELEASEOPS_OWN_DOMAINS (comma or space separated), else countable.ca.</summary>
        public static IReadOnlyList<string> ResolveOwnDomains(IEnumerable<string>? given)
        {
            var list = given?.Where(d => !string.IsNullOrWhiteSpace(d)).ToList();
            if (list is null || list.Count == 0)
            {
                var fromEnv = ReleaseOpsConfiguration.Value("OwnDomains");
                list = string.IsNullOrWhiteSpace(fromEnv)
                    ? new List<string> { DefaultOwnDomain }
                    : fromEnv!.Split(new[] { ',', ';', ' ' }, StringSplitOptions.RemoveEmptyEntries).ToList();
            }

            return list.Select(d => Normalize(d, d)).Distinct(StringComparer.Ordinal).ToList();
        }

        public static DirectHostNameResult Resolve(string input, IReadOnlyList<string> ownDomains)
        {
            if (input is null || string.IsNullOrWhiteSpace(input))
            {
                throw Invalid(input ?? string.Empty, "The host name is empty.");
            }

            var trimmed = input.Trim();
            var host = HostOf(trimmed);
            if (IPAddress.TryParse(host.Trim('[', ']'), out var ip))
            {
                var text = ip.ToString();
                return new DirectHostNameResult(input, text, text, DirectNameRule.IpAddress);
            }

            var name = Normalize(host, input);
            if (name.StartsWith("www.", StringComparison.Ordinal) && name.Count(c => c == '.') >= 2)
            {
                name = name.Substring(4);
            }

            var labels = name.Split('.');
            if (labels.Length < 2)
            {
                throw Invalid(input, $"'{input}' is a single label; a direct name needs a domain such as example.com.");
            }

            var own = ownDomains.Where(d => name == d || name.EndsWith("." + d, StringComparison.Ordinal))
                .OrderByDescending(d => d.Length).FirstOrDefault();

            if (name.StartsWith(Prefix, StringComparison.Ordinal) && labels.Length >= 3)
            {
                return new DirectHostNameResult(input, name.Substring(Prefix.Length), name, DirectNameRule.AlreadyDirect);
            }

            if (own is not null && name != own)
            {
                var first = labels[0];
                if (first.EndsWith(Suffix, StringComparison.Ordinal) && first.Length > Suffix.Length)
                {
                    var publicName = first.Substring(0, first.Length - Suffix.Length) + name.Substring(first.Length);
                    return new DirectHostNameResult(input, publicName, name, DirectNameRule.AlreadyDirect);
                }

                var label = first + Suffix;
                if (label.Length > 63)
                {
                    throw new ReleaseOpsException(ErrorIds.DirectLabelTooLong, FailureCategory.InvalidArgument,
                        $"'{first}{Suffix}' would be {label.Length} characters; a DNS label holds at most 63.",
                        "Use a shorter first label, or create the direct record by hand and pass it as the host name.", input);
                }

                return new DirectHostNameResult(input, name, label + name.Substring(first.Length), DirectNameRule.OwnDomainSuffix);
            }

            var direct = Prefix + name;
            if (direct.Length > 253)
            {
                throw Invalid(input, $"'{direct}' would be longer than the 253 characters a DNS name may have.");
            }

            return new DirectHostNameResult(input, name, direct, DirectNameRule.DirectPrefix);
        }

        /// <summary>Checks a DNS label (such as a project slug): 1-63 of a-z, 0-9 and -, not starting or ending with -.</summary>
        public static bool IsDnsLabel(string? label)
        {
            if (string.IsNullOrEmpty(label) || label!.Length > 63 || label[0] == '-' || label[label.Length - 1] == '-')
            {
                return false;
            }

            return label.All(c => (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-');
        }

        private static string HostOf(string value)
        {
            if (value.Contains("://") && Uri.TryCreate(value, UriKind.Absolute, out var uri) && !string.IsNullOrEmpty(uri.Host))
            {
                return uri.Host;
            }

            return value;
        }

        private static string Normalize(string host, string input)
        {
            var name = host.Trim();
            if (name.EndsWith(".", StringComparison.Ordinal))
            {
                name = name.Substring(0, name.Length - 1);
            }

            if (name.Length == 0 || name.Contains(".."))
            {
                throw Invalid(input, $"'{input}' is not a valid host name.");
            }

            string ascii;
            try
            {
                // Most names are plain ASCII; IDN mapping is only needed for the others.
                ascii = name.All(c => c < 0x80) ? name.ToLowerInvariant() : Idn.GetAscii(name.ToLowerInvariant());
            }
            catch (ArgumentException)
            {
                throw Invalid(input, $"'{input}' is not a valid host name: labels may hold only letters, digits and hyphens, and may not start or end with a hyphen.");
            }

            if (ascii.Length > 253 || ascii.Split('.').Any(l => !IsDnsLabel(l)))
            {
                throw Invalid(input, $"'{input}' is not a valid host name: labels may hold only letters, digits and hyphens, 63 at most, and may not start or end with a hyphen.");
            }

            return ascii;
        }

        private static ReleaseOpsException Invalid(string input, string message) =>
            new(ErrorIds.InvalidHostName, FailureCategory.InvalidArgument, message,
                "Pass a fully qualified host name such as cryptsend.io or kmc.countable.ca.", input);
    }
}
