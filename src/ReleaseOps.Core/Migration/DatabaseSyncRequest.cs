using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using ReleaseOps.Core.Ssh;

namespace ReleaseOps.Core.Migration
{
    /// <summary>What Sync-NodeDatabase is asked to do.</summary>
    public sealed class DatabaseSyncRequest
    {
        public string Database { get; set; } = string.Empty;

        /// <summary>The name on the target; the source's name when empty.</summary>
        public string? TargetDatabase { get; set; }

        public PostgresAccess SourceAccess { get; set; } = new();

        public PostgresAccess TargetAccess { get; set; } = new();

        /// <summary>Compare only: no dump, no restore, no switch.</summary>
        public bool VerifyOnly { get; set; }

        /// <summary>Skip the verification (an initial copy while the source is still written to).</summary>
        public bool NoVerify { get; set; }

        /// <summary>
        /// pg_dump's zlib level, 0 to 9. The default is 1: the dump is bound by its compression on the source's one
        /// core, and level 1 compresses several times faster than pg_dump's own default (6) for a stream about a fifth
        /// larger. Give 6 for a slow link between the nodes.
        /// </summary>
        public int CompressionLevel { get; set; } = DefaultCompressionLevel;

        /// <summary>The default of CompressionLevel.</summary>
        public const int DefaultCompressionLevel = 1;

        /// <summary>Copy the schema only (tables, owners, grants; no rows): the start of a logical replication.</summary>
        public bool SchemaOnly { get; set; }

        public string TargetName => string.IsNullOrEmpty(TargetDatabase) ? Database : TargetDatabase!;
    }
}
