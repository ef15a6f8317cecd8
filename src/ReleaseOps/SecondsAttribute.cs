using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;

namespace ReleaseOps.Commands
{
    /// <summary>
    /// The module's one convention for durations: every timeout is a TimeSpan, and a bare number is seconds, so
    /// `-Timeout 300` is five minutes everywhere (PowerShell alone would bind 300 as 300 ticks, 30 microseconds), and
    /// '00:05:00' or a TimeSpan work as well.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class SecondsAttribute : ArgumentTransformationAttribute
    {
        /// <inheritdoc />
        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            var span = Parse(inputData is PSObject p ? p.BaseObject : inputData);
            if (span < TimeSpan.Zero)
            {
                throw new ArgumentTransformationMetadataException($"{span} is negative; give a duration of zero or more.");
            }

            return span;
        }

        private static TimeSpan Parse(object? value)
        {
            switch (value)
            {
                case TimeSpan t:
                    return t;
                case int or long or short or byte or uint or ulong or ushort or sbyte:
                    return TimeSpan.FromSeconds(Convert.ToDouble(value, CultureInfo.InvariantCulture));
                case double or float or decimal:
                    return TimeSpan.FromSeconds(Convert.ToDouble(value, CultureInfo.InvariantCulture));
                case string text when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds):
                    return TimeSpan.FromSeconds(seconds);
                case string text when TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span):
                    return span;
                default:
                    throw new ArgumentTransformationMetadataException($"'{value}' is not a duration. Give seconds (300) or a TimeSpan ('00:05:00').");
            }
        }
    }
}
