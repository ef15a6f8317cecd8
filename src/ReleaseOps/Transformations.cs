using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;

namespace ReleaseOps
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

    /// <summary>Lets a list bind from one CSV cell: "Cognito;RDS" or "Cognito, RDS" become two items.</summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class SplitListAttribute : ArgumentTransformationAttribute
    {
        /// <inheritdoc />
        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            var value = inputData is PSObject p ? p.BaseObject : inputData;
            IEnumerable<object?> items = value switch
            {
                null => Array.Empty<object?>(),
                string s => new object?[] { s },
                IEnumerable e => e.Cast<object?>(),
                _ => new[] { value },
            };
            return items
                .Select(i => i is PSObject ip ? ip.BaseObject : i)
                .SelectMany(i => Convert.ToString(i, CultureInfo.InvariantCulture)?.Split(new[] { ';', ',' }, StringSplitOptions.RemoveEmptyEntries) ?? Array.Empty<string>())
                .Select(s => s.Trim())
                .Where(s => s.Length > 0)
                .ToArray();
        }
    }

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
    /// <summary>
    /// Lets a parameter of pipeline records (DeploymentInfo[], MigrationInfo[]) take them back from where admins keep
    /// them: Import-Clixml (Deserialized.ReleaseOps.DeploymentInfo), ConvertFrom-Json or Import-Csv objects, matched by
    /// property name. Objects of the type itself pass through unchanged.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class RecordsAttribute : ArgumentTransformationAttribute
    {
        private readonly Type type;

        /// <summary>The record type.</summary>
        public RecordsAttribute(Type type) => this.type = type;

        /// <inheritdoc />
        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            var value = inputData is PSObject p ? p.BaseObject : inputData;
            IEnumerable<object?> items = value switch
            {
                null => Array.Empty<object?>(),
                string => new[] { value },
                IEnumerable e => e.Cast<object?>(),
                _ => new[] { value },
            };
            var list = items.Where(i => i is not null).Select(i => Convert(i!, type)).ToList();
            var array = Array.CreateInstance(type, list.Count);
            for (var i = 0; i < list.Count; i++)
            {
                array.SetValue(list[i], i);
            }

            return array;
        }

        private static object Convert(object item, Type target)
        {
            var bare = item is PSObject p ? p.BaseObject : item;
            if (target.IsInstanceOfType(bare))
            {
                return bare;
            }

            if (bare is string or ValueType)
            {
                throw new ArgumentTransformationMetadataException($"'{bare}' is not a {target.Name}.");
            }

            var source = PSObject.AsPSObject(item);
            var result = Activator.CreateInstance(target)!;
            foreach (var property in target.GetProperties().Where(x => x.CanWrite && x.SetMethod!.IsPublic))
            {
                var value = source.Properties[property.Name]?.Value;
                if (value is null)
                {
                    continue;
                }

                var element = property.PropertyType.IsGenericType && property.PropertyType.GetGenericTypeDefinition() == typeof(IReadOnlyList<>)
                    ? property.PropertyType.GetGenericArguments()[0]
                    : null;
                object converted;
                if (element is not null && element.IsClass && element != typeof(string))
                {
                    var values = (PSObject.AsPSObject(value).BaseObject as IEnumerable)?.Cast<object?>().Where(v => v is not null).Select(v => Convert(v!, element)).ToList() ?? new List<object>();
                    var array = Array.CreateInstance(element, values.Count);
                    for (var i = 0; i < values.Count; i++)
                    {
                        array.SetValue(values[i], i);
                    }

                    converted = array;
                }
                else if ((Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType) == typeof(DateTimeOffset)
                    && PSObject.AsPSObject(value) is { BaseObject: not DateTimeOffset } deserialized && deserialized.Properties["UtcTicks"]?.Value is { } ticks)
                {
                    // Export-Clixml keeps a DateTimeOffset as a property bag (Deserialized.System.DateTimeOffset).
                    converted = new DateTimeOffset(LanguagePrimitives.ConvertTo<long>(ticks), TimeSpan.Zero);
                }
                else
                {
                    converted = LanguagePrimitives.ConvertTo(value, property.PropertyType, CultureInfo.InvariantCulture);
                }

                property.SetValue(result, converted);
            }

            return result;
        }
    }
}
