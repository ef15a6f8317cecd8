using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;

namespace ReleaseOps.Commands
{
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
