using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using ReleaseOps.Core;
using Xunit;

namespace ReleaseOps.Core.Tests
{
    /// <summary>The house rules that a reader of the source can check: one place for each kind of constant.</summary>
    public class HouseRulesTests
    {
        internal static string RepositoryRoot()
        {
            var root = AppContext.BaseDirectory;
            while (!File.Exists(Path.Combine(root, "ReleaseOps.sln")))
            {
                root = Path.GetDirectoryName(root.TrimEnd(Path.DirectorySeparatorChar))!;
            }

            return root;
        }

        internal static IEnumerable<string> SourceFiles() =>
            Directory.GetFiles(Path.Combine(RepositoryRoot(), "src"), "*.cs", SearchOption.AllDirectories)
                .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                    && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

        [Fact]
        public void Every_progress_id_is_distinct()
        {
            var ids = typeof(ProgressIds).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (int)f.GetRawConstantValue()!).ToList();
            Assert.True(ids.Count >= 10);
            Assert.Equal(ids.Count, ids.Distinct().Count());
        }

        [Fact]
        public void Progress_ids_are_written_only_in_ProgressIds()
        {
            var offenders = new List<string>();
            foreach (var file in SourceFiles().Where(f => Path.GetFileName(f) != "ProgressIds.cs"))
            {
                var text = File.ReadAllText(file);
                foreach (Match m in Regex.Matches(text, @"(?:Progress|CompleteProgress)\(\s*\d+\s*,|(?:ProgressActivity|ProgressId|int activity)\s*=\s*\d+|new ProgressRecord\(\s*\d+"))
                {
                    offenders.Add($"{Path.GetFileName(file)}: {m.Value}");
                }
            }

            Assert.Empty(offenders);
        }

        [Fact]
        public void The_progress_check_sees_a_literal_id()
        {
            Assert.Matches(@"(?:Progress|CompleteProgress)\(\s*\d+\s*,", "reporter.Progress(41, activity, \"waiting\", 5);");
        }
    }
}
