using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;

namespace ReleaseOps.Commands
{
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
}
