using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace ReleaseOps.Core.Migration
{
    /// <summary>A step of a migration: idempotent, so that running it again after a crash is safe.</summary>
    public sealed class MigrationStepDefinition
    {
        public MigrationStepDefinition(string name, Func<MigrationInfo, CancellationToken, Task<string?>> run, string? node = null)
        {
            Name = name;
            Run = run;
            Node = node;
        }

        /// <summary>The step's name.</summary>
        public string Name { get; }

        /// <summary>Where it runs (a node, both nodes, or the DNS service), for the failure message.</summary>
        public string? Node { get; }

        /// <summary>Runs the step; returns what it did, for the journal.</summary>
        public Func<MigrationInfo, CancellationToken, Task<string?>> Run { get; }
    }
}
