using System;
using System.Management.Automation;

namespace ReleaseOps.Commands
{
    /// <summary>Lets a ProjectNode (or anything with PublicIPv4 or HostName) stand for its address.</summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class NodeAddressTransformationAttribute : ArgumentTransformationAttribute
    {
        /// <inheritdoc />
        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            var value = inputData is PSObject p ? p.BaseObject : inputData;
            if (value is ProjectNode node)
            {
                return node.PublicIPv4 ?? node.HostName;
            }

            if (inputData is PSObject o && !(value is string))
            {
                var address = o.Properties["PublicIPv4"]?.Value ?? o.Properties["HostName"]?.Value;
                if (address is not null)
                {
                    return address.ToString() ?? string.Empty;
                }
            }

            return inputData;
        }
    }
}
