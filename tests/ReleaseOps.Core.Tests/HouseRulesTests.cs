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
    
        // CamelCase words in the help's "Error ids:" paragraphs that name a product or a property, not an id.
        private static readonly string[] NotErrorIds = { "DigitalOcean", "LibGit2Sharp", "PostgreSQL", "TableDetails" };

        private static HashSet<string> Catalogue() =>
            typeof(ErrorIds).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (string)f.GetRawConstantValue()!).ToHashSet(StringComparer.Ordinal);

        private static Dictionary<string, List<string>> IdsInHelp()
        {
            var found = new Dictionary<string, List<string>>(StringComparer.Ordinal);
            var docs = Path.Combine(RepositoryRoot(), "docs");
            foreach (var file in Directory.GetFiles(docs, "*.md").Concat(Directory.GetFiles(Path.Combine(docs, "shared"), "*.md")))
            {
                foreach (Match paragraph in Regex.Matches(File.ReadAllText(file), @"Error ids:.*?(?=\n\s*\n|\n#|\z)", RegexOptions.Singleline))
                {
                    foreach (Match word in Regex.Matches(paragraph.Value, @"(?<![-.\w`])[A-Z][a-z0-9]+(?:[A-Z][A-Za-z0-9]*)+\b"))
                    {
                        if (!NotErrorIds.Contains(word.Value))
                        {
                            (found.TryGetValue(word.Value, out var list) ? list : found[word.Value] = new List<string>()).Add(Path.GetFileName(file));
                        }
                    }
                }
            }

            return found;
        }

        [Fact]
        public void Every_error_id_in_the_help_is_in_the_catalogue()
        {
            var catalogue = Catalogue();
            var unknown = IdsInHelp().Where(kv => !catalogue.Contains(kv.Key)).Select(kv => $"{kv.Key} ({string.Join(", ", kv.Value)})").ToList();
            Assert.Empty(unknown);
        }

        [Fact]
        public void Every_error_id_in_the_catalogue_is_in_the_help()
        {
            var help = IdsInHelp();
            Assert.True(help.Count > 150);
            var undocumented = Catalogue().Where(id => !help.ContainsKey(id)).OrderBy(id => id, StringComparer.Ordinal).ToList();
            Assert.Empty(undocumented);
        }

        [Fact]
        public void Every_error_id_that_a_remote_script_prints_is_in_the_catalogue()
        {
            var catalogue = Catalogue();
            var scripts = Directory.GetFiles(Path.Combine(RepositoryRoot(), "src"), "*.sh", SearchOption.AllDirectories);
            Assert.True(scripts.Length >= 3);
            var printed = scripts.SelectMany(f => Regex.Matches(File.ReadAllText(f), @"\b(?:die|fail|refuse(?: ""[^""]*"")?) ([A-Z]\w+)\b").Select(m => m.Groups[1].Value)).ToHashSet(StringComparer.Ordinal);
            Assert.Contains(ErrorIds.UnsafeCheckout, printed);
            var missing = printed.Where(id => !catalogue.Contains(id)).ToList();
            Assert.Empty(missing);
        }

        [Fact]
        public void The_code_names_error_ids_through_the_catalogue()
        {
            var offenders = new List<string>();
            foreach (var file in SourceFiles().Where(f => Path.GetFileName(f) != "ErrorIds.cs"))
            {
                var text = File.ReadAllText(file);
                foreach (Match m in Regex.Matches(text, @"new ReleaseOpsException\(\s*""|new\(\s*""\w+"",\s*FailureCategory|""\w+"",\s*FailureCategory\.|FailureId\s*(?:==|is)\s*""|ErrorId\s*(?:==|is)\s*"""))
                {
                    offenders.Add($"{Path.GetFileName(file)}: {m.Value}");
                }
            }

            Assert.Empty(offenders);
        }
    

        /// <summary>
        /// Each assembly has its own namespace room, so that a type put in the wrong project does not compile silently
        /// into the other load context: the Model is ReleaseOps, the engine ReleaseOps.Core(.*), the cmdlets ReleaseOps.Commands.
        /// </summary>
        [Theory]
        [InlineData("ReleaseOps.Model", @"^ReleaseOps$")]
        [InlineData("ReleaseOps.Core", @"^ReleaseOps\.Core(\.\w+)?$")]
        [InlineData("ReleaseOps", @"^ReleaseOps\.Commands$")]
        public void Every_file_of_an_assembly_is_in_its_namespace_room(string project, string room)
        {
            var files = SourceFiles().Where(f => f.StartsWith(Path.Combine(RepositoryRoot(), "src", project) + Path.DirectorySeparatorChar, StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(files);
            var offenders = new List<string>();
            foreach (var file in files)
            {
                var names = Regex.Matches(File.ReadAllText(file), @"^namespace\s+([\w.]+)", RegexOptions.Multiline).Cast<Match>().Select(m => m.Groups[1].Value).ToList();
                if (names.Count == 0 || names.Any(n => !Regex.IsMatch(n, room)))
                {
                    offenders.Add($"{Path.GetFileName(file)}: {(names.Count == 0 ? "no namespace" : string.Join(", ", names))}");
                }
            }

            Assert.Empty(offenders);
        }
    }
}
