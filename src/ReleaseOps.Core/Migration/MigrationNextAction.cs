namespace ReleaseOps.Core.Migration
{
    /// <summary>What running a migration does next (MigrationDecisions.Next).</summary>
    public enum MigrationNextAction
    {
        /// <summary>Its steps that are not Done, in order.</summary>
        RunSteps,

        /// <summary>Completed and within its week: the old node is kept, and the date is said.</summary>
        KeepOldNode,

        /// <summary>Completed and its week is over (or -DeleteNow): the old node is deleted and the migration closed.</summary>
        DeleteOldNode,

        /// <summary>Closed: the old node is already gone.</summary>
        NothingLeft,
    }
}
