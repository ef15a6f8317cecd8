using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;

namespace ReleaseOps.Commands
{
    /// <summary>
    /// Lets a switch bind from CSV text: true/false, yes/no, y/n, 1/0 and empty (false). PowerShell alone refuses
    /// strings for switches, and a naive cast would turn the string "false" into $true.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class FlexibleSwitchAttribute : ArgumentTransformationAttribute
    {
        /// <inheritdoc />
        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            var value = inputData is PSObject p ? p.BaseObject : inputData;
            switch (value)
            {
                case null:
                    return new SwitchParameter(false);
                case SwitchParameter s:
                    return s;
                case bool b:
                    return new SwitchParameter(b);
                case int or long or short or byte:
                    return new SwitchParameter(Convert.ToInt64(value, CultureInfo.InvariantCulture) != 0);
                case string text:
                    switch (text.Trim().ToUpperInvariant())
                    {
                        case "":
                        case "FALSE":
                        case "NO":
                        case "N":
                        case "0":
                        case "$FALSE":
                            return new SwitchParameter(false);
                        case "TRUE":
                        case "YES":
                        case "Y":
                        case "1":
                        case "$TRUE":
                            return new SwitchParameter(true);
                    }

                    throw new ArgumentTransformationMetadataException($"'{text}' is not a yes/no value. Use true or false.");
                default:
                    throw new ArgumentTransformationMetadataException($"A {value.GetType().Name} is not a yes/no value. Use true or false.");
            }
        }
    }
}
