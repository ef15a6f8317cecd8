using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace ReleaseOps.Core
{
    /// <summary>
    /// The settings that used to live only in RELEASEOPS_* environment variables, stored per user as well: a JSON file
    /// in XDG_CONFIG_HOME (else ~/.config)/releaseops on Linux and macOS, %APPDATA%\ReleaseOps on Windows, written
    /// privately (LocalFiles). A value comes from the cmdlet's parameter when it has one, then the environment, then
    /// the file, then the default: <see cref="Value"/> gives the environment-then-file part.
    /// </summary>
    public static class ReleaseOpsConfiguration
    {
        private static readonly (string Name, string Variable, string Description)[] Known =
        {
            ("OwnDomains", "RELEASEOPS_OWN_DOMAINS", "The agency's own domains, comma separated: their direct names are <label>-direct.<domain> (default countable.ca)."),
            ("MigrationsFolder", "RELEASEOPS_MIGRATIONS", "Where migration journals and plans are kept (default ~/.local/share/releaseops/migrations)."),
            ("NodeRegistry", "RELEASEOPS_NODE_REGISTRY", "The register of client servers (default ~/.config/releaseops/client-nodes.json)."),
            ("PollSeconds", "RELEASEOPS_POLL_SECONDS", "Seconds between polls of a provider while waiting (default 5)."),
            ("HttpRetries", "RELEASEOPS_HTTP_RETRIES", "Retries of a provider request after 429, 5xx or a timeout (default 5)."),
            ("NameServers", "RELEASEOPS_NAME_SERVERS", "Name servers to ask instead of a zone's authoritative ones, comma separated host[:port] (default: the zone's NS)."),
        };

        /// <summary>The names of the settings.</summary>
        public static IReadOnlyList<string> Names => Known.Select(k => k.Name).ToList();

        /// <summary>The settings file of this user.</summary>
        public static string FilePath
        {
            get
            {
                if (Environment.OSVersion.Platform == PlatformID.Win32NT)
                {
                    return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData), "ReleaseOps", "settings.json");
                }

                var xdg = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME");
                var root = string.IsNullOrEmpty(xdg) ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config") : xdg!;
                return Path.Combine(root, "releaseops", "settings.json");
            }
        }

        /// <summary>A setting's value from the environment, else the file; null when neither has it (the default applies).</summary>
        public static string? Value(string name) => Get(name).Value;

        /// <summary>Every setting, with its source.</summary>
        public static IReadOnlyList<ConfigurationValue> List() => Known.Select(k => Get(k.Name)).ToList();

        /// <summary>One setting, with its source (UnknownSetting for a name that is not one).</summary>
        public static ConfigurationValue Get(string name)
        {
            var known = Find(name);
            var result = new ConfigurationValue { Name = known.Name, EnvironmentVariable = known.Variable, Description = known.Description };
            var env = Environment.GetEnvironmentVariable(known.Variable);
            if (!string.IsNullOrWhiteSpace(env))
            {
                result.Value = env;
                result.Source = "Environment";
            }
            else if (ReadFile().TryGetValue(known.Name, out var stored) && !string.IsNullOrWhiteSpace(stored))
            {
                result.Value = stored;
                result.Source = "File";
            }

            return result;
        }

        /// <summary>Stores a value in the file (null removes it), privately and atomically.</summary>
        public static ConfigurationValue Set(string name, string? value)
        {
            var known = Find(name);
            if (value is not null && value.Any(char.IsControl))
            {
                throw new ReleaseOpsException(ErrorIds.InvalidSettingValue, FailureCategory.InvalidArgument, $"The value of {known.Name} holds a control character.",
                    "Give the value on one line.", known.Name);
            }

            var values = ReadFile();
            if (value is null)
            {
                values.Remove(known.Name);
            }
            else
            {
                values[known.Name] = value;
            }

            var path = FilePath;
            LocalFiles.EnsurePrivateDirectory(Path.GetDirectoryName(path)!);
            LocalFiles.WriteAtomically(path, JsonSerializer.Serialize(values, new JsonSerializerOptions { WriteIndented = true }));
            return Get(known.Name);
        }

        private static (string Name, string Variable, string Description) Find(string name)
        {
            var match = Known.FirstOrDefault(k => string.Equals(k.Name, name, StringComparison.OrdinalIgnoreCase));
            if (match.Name is null)
            {
                throw new ReleaseOpsException(ErrorIds.UnknownSetting, FailureCategory.InvalidArgument, $"'{name}' is not a ReleaseOps setting.",
                    "Use one of: " + string.Join(", ", Known.Select(k => k.Name)) + ".", name);
            }

            return match;
        }

        private static Dictionary<string, string> ReadFile()
        {
            var path = FilePath;
            if (!File.Exists(path))
            {
                return new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            }

            try
            {
                var values = JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(path)) ?? new Dictionary<string, string>();
                return new Dictionary<string, string>(values, StringComparer.OrdinalIgnoreCase);
            }
            catch (JsonException ex)
            {
                throw new ReleaseOpsException(ErrorIds.SettingsFileInvalid, FailureCategory.InvalidData, $"{path} is not valid JSON: {ex.Message}",
                    "Fix or delete the file; Set-ReleaseOpsConfiguration writes it anew.", path, ex);
            }
        }
    }
}
