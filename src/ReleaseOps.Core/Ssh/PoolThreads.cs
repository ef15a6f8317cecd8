using System;
using System.Threading;

namespace ReleaseOps.Core.Ssh
{
    /// <summary>
    /// SSH.NET blocks a pool thread while it connects, opens a channel or waits for a reply, and a command's output is read
    /// from its synchronous streams on pool threads. With the pool's default minimum (one thread per core) a few commands
    /// at once starve the pool, which then adds a thread about every half second: on 2 cores, an incremental
    /// Sync-NodeFile's checksums waited 0.6-0.8 s for threads in 3 runs of 6. The minimum is raised instead (never
    /// lowered): threads are still made only when work waits for one.
    /// </summary>
    internal static class PoolThreads
    {
        /// <summary>What one node session may block at once: its connection, its commands and their output.</summary>
        public const int PerSession = 32;

        public static void Ensure(int wanted)
        {
            ThreadPool.GetMinThreads(out var workers, out var io);
            wanted = Math.Min(wanted, 512);
            if (workers < wanted)
            {
                ThreadPool.SetMinThreads(wanted, io);
            }
        }
    }
}
