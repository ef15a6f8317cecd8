using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace ReleaseOps.Core.Providers
{
    /// <summary>
    /// The sizes and regions a provider listed the last time it was asked (New-ProjectNode reads them), kept in this
    /// user's cache folder (XDG_CACHE_HOME, else ~/.cache/releaseops; %LOCALAPPDATA%\ReleaseOps on Windows), so that
    /// -Size and -Region complete from them without a call to the provider. Nothing secret is in them.
    /// </summary>
    public static class ProviderCatalog
    {
        private sealed class Entry
        {
            public List<string> Sizes { get; set; } = new();

            public List<string> Regions { get; set; } = new();
        }

        /// <summary>Remembers what a provider listed; a cache that cannot be written is only a lost completion.</summary>
        public static IReadOnlyList<NodeSize> Record(HostingProvider provider, IReadOnlyList<NodeSize> sizes, string? region = null)
        {
            try
            {
                var entry = Read(provider);
                entry.Sizes = entry.Sizes.Concat(sizes.Select(s => s.Name)).Where(n => n.Length > 0).Distinct(StringComparer.Ordinal).OrderBy(n => n, StringComparer.Ordinal).ToList();
                entry.Regions = entry.Regions.Concat(sizes.SelectMany(s => s.Regions)).Concat(region is null ? Array.Empty<string>() : new[] { region })
                    .Where(n => n.Length > 0).Distinct(StringComparer.Ordinal).OrderBy(n => n, StringComparer.Ordinal).ToList();
                LocalFiles.WriteAtomically(PathOf(provider), JsonSerializer.Serialize(entry));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ReleaseOpsException or JsonException)
            {
            }

            return sizes;
        }

        /// <summary>The size names recorded for a provider (or every provider).</summary>
        public static IReadOnlyList<string> Sizes(HostingProvider? provider) => Providers(provider).SelectMany(p => Read(p).Sizes).Distinct(StringComparer.Ordinal).ToList();

        /// <summary>The regions recorded for a provider (or every provider).</summary>
        public static IReadOnlyList<string> Regions(HostingProvider? provider) => Providers(provider).SelectMany(p => Read(p).Regions).Distinct(StringComparer.Ordinal).ToList();

        private static IEnumerable<HostingProvider> Providers(HostingProvider? provider) =>
            provider is { } p ? new[] { p } : new[] { HostingProvider.DigitalOcean, HostingProvider.Scaleway, HostingProvider.Aws };

        private static Entry Read(HostingProvider provider)
        {
            try
            {
                var path = PathOf(provider);
                return File.Exists(path) ? JsonSerializer.Deserialize<Entry>(File.ReadAllText(path)) ?? new Entry() : new Entry();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
            {
                return new Entry();
            }
        }

        private static string PathOf(HostingProvider provider)
        {
            string root;
            if (Environment.OSVersion.Platform == PlatformID.Win32NT)
            {
                root = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "ReleaseOps", "cache");
            }
            else
            {
                var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
                root = Path.Combine(string.IsNullOrEmpty(xdg) ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache") : xdg!, "releaseops");
            }

            return Path.Combine(root, provider.ToString().ToLowerInvariant() + "-catalog.json");
        }
    }
}
