using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;

namespace ReleaseOps.Core
{
    /// <summary>
    /// Validates the values of a project's releaseops.psd1 and builds the <see cref="ReleaseOpsProject"/>.
    /// The cmdlet parses the file with PowerShell's own parser (no code runs); this class only sees the values.
    /// Every error names the file, the line, the key and the fix.
    /// </summary>
    public static class ProjectSettings
    {
        public const string FileName = "releaseops.psd1";

        private static readonly string[] Known =
        {
            "Slug", "Name", "DevelopBranch", "ReleaseBranch", "Remote", "TagScheme", "StagingNodes", "ProductionNodes",
            "Provider", "Region", "DnsZone", "EndToEndTestCommand", "JenkinsJob", "JenkinsUrl", "JenkinsGate",
            // Deploy-ProjectStack.
            "StackPath", "RepositoryUrl", "StackUpCommand", "StackUpdate", "MigrateCommand",
            "HealthCheckUrl", "HealthCheckStatus", "HealthCheckCommand", "HealthCheckTimeout",
        };

        public static ReleaseOpsProject FromValues(
            IDictionary values, IReadOnlyDictionary<string, int> keyLines, string settingsPath, string repositoryPath)
        {
            var map = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
            foreach (DictionaryEntry e in values)
            {
                var key = Convert.ToString(e.Key, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty;
                if (!Known.Contains(key, StringComparer.OrdinalIgnoreCase))
                {
                    var guess = Known.OrderBy(k => Distance(k.ToLowerInvariant(), key.ToLowerInvariant())).First();
                    throw Fail(settingsPath, keyLines, key, $"'{key}' is not a setting.",
                        $"Did you mean '{guess}'? The settings are: {string.Join(", ", Known)}.");
                }

                map[key] = e.Value;
            }

            string? Str(string key)
            {
                if (!map.TryGetValue(key, out var v) || v is null)
                {
                    return null;
                }

                if (v is string s)
                {
                    return s;
                }

                throw Fail(settingsPath, keyLines, key, $"'{key}' must be a string, not {Describe(v)}.", $"Write {key} = 'value'.");
            }

            IReadOnlyList<string> List(string key)
            {
                if (!map.TryGetValue(key, out var v) || v is null)
                {
                    return Array.Empty<string>();
                }

                var items = v is string one ? new object?[] { one } : v is IEnumerable e ? e.Cast<object?>().ToArray() : new[] { v };
                var result = new List<string>();
                foreach (var item in items)
                {
                    if (item is not string s || string.IsNullOrWhiteSpace(s))
                    {
                        throw Fail(settingsPath, keyLines, key, $"'{key}' must hold host names, not {Describe(item)}.",
                            $"Write {key} = @('staging.example.com').");
                    }

                    try
                    {
                        DirectHostNames.Resolve(s, Array.Empty<string>());
                    }
                    catch (ReleaseOpsException ex)
                    {
                        throw Fail(settingsPath, keyLines, key, ex.Message, "Use fully qualified host names such as staging.cortico.ca.");
                    }

                    result.Add(s.Trim().TrimEnd('.').ToLowerInvariant());
                }

                return result;
            }

            var project = new ReleaseOpsProject { SettingsPath = settingsPath, RepositoryPath = repositoryPath };
            var slug = Str("Slug");
            if (slug is null)
            {
                throw Fail(settingsPath, keyLines, "Slug", "The required setting 'Slug' is missing.", "Add Slug = 'cortico' (the project's DNS-label name).");
            }

            if (!DirectHostNames.IsDnsLabel(slug))
            {
                throw Fail(settingsPath, keyLines, "Slug", $"The slug '{slug}' is not a DNS label.",
                    "Use lower-case letters, digits and hyphens, 63 at most, such as cortico or cortico-clientname.");
            }

            project.Slug = slug;
            project.Name = Str("Name") ?? slug;
            project.DevelopBranch = Branch("DevelopBranch", Str("DevelopBranch") ?? "develop");
            project.ReleaseBranch = Branch("ReleaseBranch", Str("ReleaseBranch") ?? "master");
            if (project.DevelopBranch == project.ReleaseBranch)
            {
                throw Fail(settingsPath, keyLines, "ReleaseBranch", $"DevelopBranch and ReleaseBranch are both '{project.ReleaseBranch}'.",
                    "Developers merge into develop and releases merge develop into master (or main): name two branches.");
            }

            project.Remote = Str("Remote") ?? "origin";
            var scheme = Str("TagScheme") ?? "CalVer";
            project.TagScheme = scheme.Equals("CalVer", StringComparison.OrdinalIgnoreCase) ? TagScheme.CalVer
                : scheme.Equals("SemVer", StringComparison.OrdinalIgnoreCase) ? TagScheme.SemVer
                : throw Fail(settingsPath, keyLines, "TagScheme", $"Tag scheme '{scheme}' is not known.", "Use CalVer (v2026.48.0) or SemVer (v1.4.2).");
            project.StagingNodes = List("StagingNodes");
            project.ProductionNodes = List("ProductionNodes");

            var provider = Str("Provider");
            if (provider is not null)
            {
                if (!Enum.TryParse<HostingProvider>(provider, true, out var p) || !Enum.IsDefined(typeof(HostingProvider), p))
                {
                    throw Fail(settingsPath, keyLines, "Provider", $"Provider '{provider}' is not known.",
                        $"Use one of: {string.Join(", ", Enum.GetNames(typeof(HostingProvider)))}, or run Select-HostingProvider.");
                }

                project.Provider = p;
            }

            project.Region = Str("Region");
            var zone = Str("DnsZone");
            if (zone is not null)
            {
                try
                {
                    project.DnsZone = DirectHostNames.Resolve(zone, Array.Empty<string>()).HostName;
                }
                catch (ReleaseOpsException ex)
                {
                    throw Fail(settingsPath, keyLines, "DnsZone", ex.Message, "Use the zone's name, such as cortico.ca.");
                }
            }

            project.EndToEndTestCommand = Str("EndToEndTestCommand");
            project.JenkinsJob = Str("JenkinsJob");
            var jenkinsUrl = Str("JenkinsUrl");
            if (jenkinsUrl is not null && (!Uri.TryCreate(jenkinsUrl, UriKind.Absolute, out var u) || (u.Scheme != "https" && u.Scheme != "http")))
            {
                throw Fail(settingsPath, keyLines, "JenkinsUrl", $"'{jenkinsUrl}' is not an http(s) URL.", "Write JenkinsUrl = 'https://jenkins.example.com/'.");
            }

            project.JenkinsUrl = jenkinsUrl;
            ReadDeploySettings(project, Str, Int, (key, problem, fix) => Fail(settingsPath, keyLines, key, problem, fix));
            var jenkinsGate = Str("JenkinsGate");
            if (jenkinsGate is not null && !new[] { "LastBuild", "Run" }.Contains(jenkinsGate, StringComparer.OrdinalIgnoreCase))
            {
                throw Fail(settingsPath, keyLines, "JenkinsGate", $"JenkinsGate '{jenkinsGate}' is not known.",
                    "Write JenkinsGate = 'LastBuild' (the job's last completed build must have passed) or 'Run' (Start-Release runs the job and waits).");
            }

            project.JenkinsGate = jenkinsGate is null || string.Equals(jenkinsGate, "Run", StringComparison.OrdinalIgnoreCase) ? "Run" : "LastBuild";
            return project;

            int? Int(string key)
            {
                if (!map.TryGetValue(key, out var v) || v is null)
                {
                    return null;
                }

                if (v is int i)
                {
                    return i;
                }

                if (v is string s && int.TryParse(s, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var parsed))
                {
                    return parsed;
                }

                throw Fail(settingsPath, keyLines, key, $"'{key}' must be a whole number, not {Describe(v)}.", $"Write {key} = 200.");
            }

            string Branch(string key, string value)
            {
                var problem = GitRefProblem(value);
                if (problem is not null)
                {
                    throw Fail(settingsPath, keyLines, key, $"'{value}' is not a valid branch name: {problem}.", "Use a plain branch name such as develop, master or main.");
                }

                return value;
            }
        }

        private static void ReadDeploySettings(ReleaseOpsProject project, Func<string, string?> str, Func<string, int?> integer,
            Func<string, string, string, ReleaseOpsException> fail)
        {
            var stack = str("StackPath");
            if (stack is not null && (!stack.StartsWith("/", StringComparison.Ordinal) || stack.Any(char.IsControl) || stack.TrimEnd('/').Length == 0))
            {
                throw fail("StackPath", $"'{stack}' is not an absolute path on the node.", "Write StackPath = '/srv/cortico' (the folder of the project's checkout on the node).");
            }

            project.StackPath = stack is null ? "/srv/" + project.Slug : stack.TrimEnd('/');
            project.RepositoryUrl = str("RepositoryUrl");
            project.StackUpCommand = str("StackUpCommand");
            var update = str("StackUpdate") ?? "Build";
            project.StackUpdate = update.Equals("Build", StringComparison.OrdinalIgnoreCase) ? "Build"
                : update.Equals("Pull", StringComparison.OrdinalIgnoreCase) ? "Pull"
                : throw fail("StackUpdate", $"'{update}' is not Build or Pull.", "Write StackUpdate = 'Build' (docker compose up --build) or 'Pull' (docker compose pull, then up).");
            project.MigrateCommand = str("MigrateCommand");
            var url = str("HealthCheckUrl");
            if (url is not null && (!Uri.TryCreate(url, UriKind.Absolute, out var u) || (u.Scheme != "https" && u.Scheme != "http") || url.Any(char.IsWhiteSpace)))
            {
                throw fail("HealthCheckUrl", $"'{url}' is not an http(s) URL.", "Write HealthCheckUrl = 'http://127.0.0.1:8000/health' (it is requested on the node).");
            }

            project.HealthCheckUrl = url;
            var status = integer("HealthCheckStatus") ?? 200;
            if (status < 100 || status > 599)
            {
                throw fail("HealthCheckStatus", $"{status} is not an HTTP status.", "Write HealthCheckStatus = 200.");
            }

            project.HealthCheckStatus = status;
            project.HealthCheckCommand = str("HealthCheckCommand");
            var timeout = integer("HealthCheckTimeout") ?? 60;
            if (timeout < 1 || timeout > 3600)
            {
                throw fail("HealthCheckTimeout", $"{timeout} seconds is out of range.", "Write HealthCheckTimeout = 60 (seconds, 1 to 3600).");
            }

            project.HealthCheckTimeout = timeout;
        }

        /// <summary>Why git would reject a branch name (git check-ref-format), or null when it is fine.</summary>
        public static string? GitRefProblem(string name)
        {
            if (string.IsNullOrWhiteSpace(name))
            {
                return "it is empty";
            }

            if (name.Any(c => c < 0x20 || c == 0x7f || " ~^:?*[\\".IndexOf(c) >= 0))
            {
                return "it contains a space, a control character or one of ~ ^ : ? * [ \\";
            }

            if (name.Contains("..") || name.Contains("@{") || name.Contains("//") || name == "@")
            {
                return "it contains '..', '@{' or '//', or is '@'";
            }

            if (name.StartsWith("-", StringComparison.Ordinal) || name.StartsWith("/", StringComparison.Ordinal)
                || name.EndsWith("/", StringComparison.Ordinal) || name.EndsWith(".", StringComparison.Ordinal)
                || name.EndsWith(".lock", StringComparison.Ordinal)
                || name.Split('/').Any(part => part.StartsWith(".", StringComparison.Ordinal) || part.EndsWith(".lock", StringComparison.Ordinal)))
            {
                return "it starts with '-' or '/', ends with '/', '.' or '.lock', or has a part that starts with '.'";
            }

            return null;
        }

        private static ReleaseOpsException Fail(string path, IReadOnlyDictionary<string, int> lines, string key, string problem, string fix)
        {
            var where = lines.TryGetValue(key, out var line) ? $"{path}:{line}" : path;
            return new ReleaseOpsException(ErrorIds.InvalidProjectSettings, FailureCategory.InvalidData,
                $"{where}: {key}: {problem}", fix, path);
        }

        private static string Describe(object? v) => v switch
        {
            null => "nothing",
            string => "a string",
            IDictionary => "a hashtable",
            IEnumerable => "a list",
            _ => "a " + v.GetType().Name,
        };

        private static int Distance(string a, string b)
        {
            var d = new int[a.Length + 1, b.Length + 1];
            for (var i = 0; i <= a.Length; i++)
            {
                d[i, 0] = i;
            }

            for (var j = 0; j <= b.Length; j++)
            {
                d[0, j] = j;
            }

            for (var i = 1; i <= a.Length; i++)
            {
                for (var j = 1; j <= b.Length; j++)
                {
                    d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
                }
            }

            return d[a.Length, b.Length];
        }
    }
}
