using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ReleaseOps.Core.Sandbox;

namespace ReleaseOps.Core.Providers
{
    /// <summary>Shared steps: choosing a size, waiting with progress and a timeout.</summary>
    public static class ProviderSteps
    {
        /// <summary>The smallest size that fits the need: by price, then memory, then CPUs.</summary>
        public static NodeSize ChooseSize(HostingProvider provider, IEnumerable<NodeSize> sizes, string region, double memoryGB, int diskGB)
        {
            var offered = sizes.Where(s => s.Regions.Count == 0 || s.Regions.Contains(region, StringComparer.OrdinalIgnoreCase)).ToList();
            var fit = offered
                .Where(s => s.MemoryGB + 0.001 >= memoryGB && (s.DiskGB is null || s.DiskGB >= diskGB))
                .OrderBy(s => s.MonthlyPrice ?? double.MaxValue).ThenBy(s => s.MemoryGB).ThenBy(s => s.Cpus).ThenBy(s => s.Name, StringComparer.Ordinal)
                .FirstOrDefault();
            if (fit is null)
            {
                var largest = offered.OrderByDescending(s => s.MemoryGB).FirstOrDefault();
                throw new ReleaseOpsException(ErrorIds.NoFittingSize, FailureCategory.InvalidArgument,
                    $"No {provider} size in {region} has {memoryGB.ToString(CultureInfo.InvariantCulture)} GB of memory and {diskGB} GB of disk" +
                    (largest is null ? " (the region offers no sizes)." : $"; the largest is {largest.Name} ({largest.MemoryGB.ToString(CultureInfo.InvariantCulture)} GB, {largest.DiskGB?.ToString(CultureInfo.InvariantCulture) ?? "any"} GB)."),
                    "Ask for less with -MemoryGB and -DiskGB, name a size with -Size, or choose another region.", region);
            }

            return fit;
        }

        /// <summary>Checks an explicit size against the provider's list.</summary>
        public static NodeSize RequireSize(HostingProvider provider, IEnumerable<NodeSize> sizes, string region, string name)
        {
            var list = sizes.ToList();
            var size = list.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));
            if (size is null || (size.Regions.Count > 0 && !size.Regions.Contains(region, StringComparer.OrdinalIgnoreCase)))
            {
                var near = list.Select(s => s.Name).OrderBy(n => n, StringComparer.Ordinal).Take(8);
                throw new ReleaseOpsException(ErrorIds.UnknownSize, FailureCategory.InvalidArgument,
                    $"{provider} has no size '{name}'{(size is null ? string.Empty : " in " + region)}. Sizes include: {string.Join(", ", near)}.",
                    "Pass a size from the list, or use -MemoryGB and -DiskGB and let ReleaseOps choose.", name);
            }

            return size;
        }

        /// <summary>Polls until the check returns a value, with progress, a deadline and cancellation.</summary>
        public static async Task<T> PollAsync<T>(string activity, Func<int, Task<T?>> check, TimeSpan timeout, TimeSpan interval,
            IOperationReporter reporter, CancellationToken token, string timeoutId, string timeoutAction, object? target)
            where T : class
        {
            var started = DateTimeOffset.UtcNow;
            var attempt = 0;
            try
            {
                while (true)
                {
                    token.ThrowIfCancellationRequested();
                    var value = await check(attempt++).ConfigureAwait(false);
                    if (value is not null)
                    {
                        return value;
                    }

                    var elapsed = DateTimeOffset.UtcNow - started;
                    if (elapsed > timeout)
                    {
                        throw new ReleaseOpsException(timeoutId, FailureCategory.OperationTimeout,
                            $"{activity}: still not done after {timeout.TotalSeconds:0} s.", timeoutAction, target);
                    }

                    reporter.Progress(ProgressIds.ProviderWait, activity, $"waiting, {elapsed.TotalSeconds:0} s", Math.Min(95, (int)(100 * elapsed.TotalSeconds / timeout.TotalSeconds)));
                    await Task.Delay(interval, token).ConfigureAwait(false);
                }
            }
            finally
            {
                reporter.CompleteProgress(ProgressIds.ProviderWait, activity);
            }
        }

        /// <summary>The newest Ubuntu LTS among version strings such as 24.04 and 22.04 (even year, April).</summary>
        public static bool IsLts(int major, int minor) => minor == 4 && major % 2 == 0;
    }
}
