using System.Linq;
using System.Management.Automation;
using ReleaseOps.Core;

namespace ReleaseOps.Commands
{
    /// <summary>
    /// Get-ReleaseOpsConfiguration: the module's settings (own domains, migrations folder, client register, poll interval,
    /// HTTP retries, name servers), each with its value and where it came from: the environment, the user's settings
    /// file, or the default.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "ReleaseOpsConfiguration")]
    [OutputType(typeof(ReleaseOpsSetting))]
    public sealed class GetReleaseOpsConfigurationCommand : ReleaseOpsCmdlet
    {
        /// <summary>Only these settings.</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(SettingNameCompleter))]
        public string[]? Name { get; set; }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            foreach (var name in Name ?? ReleaseOpsConfiguration.Names.ToArray())
            {
                ForEachInput(name, () => WriteObject(ToSetting(ReleaseOpsConfiguration.Get(name))));
            }
        }

        internal static ReleaseOpsSetting ToSetting(ConfigurationValue v) => new()
        {
            Name = v.Name,
            Value = v.Value,
            Source = v.Source,
            EnvironmentVariable = v.EnvironmentVariable,
            Description = v.Description,
            Path = ReleaseOpsConfiguration.FilePath,
        };
    }
}
