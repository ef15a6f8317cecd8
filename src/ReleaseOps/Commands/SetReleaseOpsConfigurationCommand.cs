using System.Management.Automation;
using ReleaseOps.Core;

namespace ReleaseOps.Commands
{
    /// <summary>
    /// Set-ReleaseOpsConfiguration: stores a setting in the user's settings file (XDG config on Linux, %APPDATA% on
    /// Windows), privately; the environment variable still wins when set, and a parameter of a cmdlet wins over both.
    /// </summary>
    [Cmdlet(VerbsCommon.Set, "ReleaseOpsConfiguration", SupportsShouldProcess = true, DefaultParameterSetName = ValueSet)]
    [OutputType(typeof(ReleaseOpsSetting))]
    public sealed class SetReleaseOpsConfigurationCommand : ReleaseOpsCmdlet
    {
        private const string ValueSet = "Value";
        private const string ResetSet = "Reset";

        /// <summary>The setting.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(SettingNameCompleter))]
        public string Name { get; set; } = string.Empty;

        /// <summary>Its value.</summary>
        [Parameter(Mandatory = true, Position = 1, ParameterSetName = ValueSet, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Value { get; set; } = string.Empty;

        /// <summary>Removes the setting from the file, so that the default applies again.</summary>
        [Parameter(Mandatory = true, ParameterSetName = ResetSet)]
        public SwitchParameter Reset { get; set; }

        /// <summary>Writes the setting as it now stands.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            ForEachInput(Name, () =>
            {
                var current = ReleaseOpsConfiguration.Get(Name);
                if (!ShouldProcess($"{current.Name} in {ReleaseOpsConfiguration.FilePath}", Reset ? "Reset to the default" : $"Set to '{Value}'"))
                {
                    return;
                }

                var now = ReleaseOpsConfiguration.Set(Name, Reset ? null : Value);
                if (now.Source == "Environment")
                {
                    WriteWarning($"{now.EnvironmentVariable} is set in this session, and it wins over the file: {now.Name} stays '{now.Value}' here.");
                }

                if (PassThru)
                {
                    WriteObject(GetReleaseOpsConfigurationCommand.ToSetting(now));
                }
            });
        }
    }
}
