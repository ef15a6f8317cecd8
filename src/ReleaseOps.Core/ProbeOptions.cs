using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.Runtime;
using LibGit2Sharp;
using Renci.SshNet;

namespace ReleaseOps.Core
{
    /// <summary>Options for <see cref="EnvironmentProbe"/>.</summary>
    public sealed class ProbeOptions
    {
        public string? SshHost { get; set; }

        public int SshPort { get; set; } = 22;

        public string SshUser { get; set; } = "root";

        public string? SshIdentityFile { get; set; }

        /// <summary>The expected host key, as ssh-keygen -lf prints it (SHA256:...). A mismatch fails the check.</summary>
        public string? SshHostKeyFingerprint { get; set; }

        public Uri? Ec2Endpoint { get; set; }

        public string Ec2Region { get; set; } = "us-east-1";
    }
}
