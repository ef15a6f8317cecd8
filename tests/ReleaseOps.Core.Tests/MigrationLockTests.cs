using System;
using System.Diagnostics;
using System.IO;
using ReleaseOps.Core.Migration;
using Xunit;

namespace ReleaseOps.Core.Tests
{
    /// <summary>Two runs of one project's migration never interleave: the second gets MigrationLocked, at once.</summary>
    public sealed class MigrationLockTests : IDisposable
    {
        private readonly string dir = Path.Combine(Path.GetTempPath(), "ro-lock-" + Guid.NewGuid().ToString("N"));

        public void Dispose()
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, true);
            }
        }

        [Fact]
        public void SecondRunOfOneProjectIsRefusedUntilTheFirstEnds()
        {
            using (MigrationLock.Acquire("cortico", dir))
            {
                var ex = Assert.Throws<ReleaseOpsException>(() => MigrationLock.Acquire("cortico", dir));
                Assert.Equal("MigrationLocked", ex.ErrorId);
                Assert.Contains("process " + Process.GetCurrentProcess().Id, ex.Message, StringComparison.Ordinal);

                // Another project is not held up.
                using var other = MigrationLock.Acquire("cortico-kmc", dir);
            }

            using var again = MigrationLock.Acquire("cortico", dir);
        }

        [Fact]
        public void AProjectNameNeverLeavesTheFolder()
        {
            using (MigrationLock.Acquire("../../etc/x", dir))
            {
                Assert.All(Directory.GetFiles(dir), f => Assert.StartsWith(dir, Path.GetFullPath(f), StringComparison.Ordinal));
            }
        }

        [Fact]
        public void RefusesALinkPlantedAsTheLockFile()
        {
            Directory.CreateDirectory(dir);
            using (MigrationLock.Acquire("shop", dir))
            {
            }

            var lockFile = Directory.GetFiles(dir, "*.lock")[0];
            File.Delete(lockFile);
            var victim = Path.Combine(dir, "victim");
            File.WriteAllText(victim, "keep");
            File.CreateSymbolicLink(lockFile, victim);
            var ex = Assert.Throws<ReleaseOpsException>(() => MigrationLock.Acquire("shop", dir));
            Assert.Equal("UnsafeJournalFolder", ex.ErrorId);
            Assert.Equal("keep", File.ReadAllText(victim));
        }
    }
}
