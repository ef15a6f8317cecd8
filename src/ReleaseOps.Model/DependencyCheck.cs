namespace ReleaseOps
{
    /// <summary>One of ReleaseOps's dependencies, where it was loaded from, and whether its code path ran.</summary>
    public sealed class DependencyCheck
    {
        /// <summary>Creates a check result.</summary>
        public DependencyCheck(string component, string assembly, string version, string loadContext, string location, bool succeeded, string detail)
        {
            Component = component;
            Assembly = assembly;
            Version = version;
            LoadContext = loadContext;
            Location = location;
            Succeeded = succeeded;
            Detail = detail;
        }

        /// <summary>Git, SSH or EC2.</summary>
        public string Component { get; }

        /// <summary>The assembly's simple name.</summary>
        public string Assembly { get; }

        /// <summary>The assembly's version.</summary>
        public string Version { get; }

        /// <summary>The load context that holds it (ReleaseOps.Engine on PowerShell 7).</summary>
        public string LoadContext { get; }

        /// <summary>The file it was loaded from.</summary>
        public string Location { get; }

        /// <summary>Whether the code path ran.</summary>
        public bool Succeeded { get; }

        /// <summary>What ran, or why it was not run.</summary>
        public string Detail { get; }
    }
}
