using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using ReleaseOps.Core.Migration;
using ReleaseOps.Core.Ssh;

namespace ReleaseOps.Core.Tests
{
    /// <summary>The migration cmdlets' decisions, which live in Core: what a run does next, the plan text, and the plan.</summary>
    public class MigrationDecisionsTests
    {
        private static readonly DateTimeOffset Now = new(2026, 12, 3, 8, 0, 0, TimeSpan.Zero);

        private static MigrationInfo Journal(MigrationStatus status, DateTimeOffset? deleteAfter = null, params MigrationStepState[] states) => new()
        {
            Id = "shop-20261201-100000", Project = "shop", Source = "old:22", Target = "new:22", Status = status, DeleteAfter = deleteAfter,
            Steps = MigrationEngine.StepNames.Select((n, i) => new MigrationStep { Name = n, State = i < states.Length ? states[i] : MigrationStepState.Pending }).ToList(),
        };

        private static MigrationSetup Setup(Action<MigrationPlanRequest>? change = null)
        {
            var r = new MigrationPlanRequest { Source = new NodeTarget("old.example", 22, "root"), Target = new NodeTarget("new.example", 2222, "admin"), Project = "shop" };
            change?.Invoke(r);
            return MigrationDecisions.Plan(r);
        }

        [Fact]
        public void A_new_running_or_failed_migration_runs_its_steps()
        {
            Assert.Equal(MigrationNextAction.RunSteps, MigrationDecisions.Next(null, false, Now));
            Assert.Equal(MigrationNextAction.RunSteps, MigrationDecisions.Next(Journal(MigrationStatus.Running), false, Now));
            Assert.Equal(MigrationNextAction.RunSteps, MigrationDecisions.Next(Journal(MigrationStatus.Failed), true, Now));
        }

        [Fact]
        public void A_completed_migration_keeps_its_old_node_for_the_week_unless_told_to_delete_it()
        {
            var completed = Journal(MigrationStatus.Completed, Now.AddDays(3));
            Assert.Equal(MigrationNextAction.KeepOldNode, MigrationDecisions.Next(completed, false, Now));
            Assert.Equal(MigrationNextAction.DeleteOldNode, MigrationDecisions.Next(completed, true, Now));
            Assert.Equal(MigrationNextAction.DeleteOldNode, MigrationDecisions.Next(completed, false, Now.AddDays(4)));
            Assert.Equal(MigrationNextAction.NothingLeft, MigrationDecisions.Next(Journal(MigrationStatus.Closed), true, Now));
        }

        [Fact]
        public void An_undone_migration_is_not_resumed_and_not_undone_again()
        {
            var undone = Journal(MigrationStatus.RolledBack);
            Assert.Equal(ErrorIds.MigrationRolledBack, Assert.Throws<ReleaseOpsException>(() => MigrationDecisions.Next(undone, false, Now)).ErrorId);
            Assert.Equal(ErrorIds.MigrationNotUndoable, Assert.Throws<ReleaseOpsException>(() => MigrationDecisions.UndoPlan(undone, Setup())).ErrorId);
            var closed = Assert.Throws<ReleaseOpsException>(() => MigrationDecisions.UndoPlan(Journal(MigrationStatus.Closed), Setup()));
            Assert.Contains("its old node is deleted", closed.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void The_undo_plan_names_the_steps_that_ran_and_the_address_DNS_returns_to()
        {
            var text = MigrationDecisions.UndoPlan(Journal(MigrationStatus.Failed, null, MigrationStepState.Done, MigrationStepState.Failed), Setup(r => r.SourceAddress = "192.0.2.10"));
            Assert.Contains("steps run: PrepareTarget, InitialSync)", text, StringComparison.Ordinal);
            Assert.Contains("point the DNS names back at 192.0.2.10", text, StringComparison.Ordinal);
            Assert.Contains("steps run: none", MigrationDecisions.UndoPlan(Journal(MigrationStatus.Failed), Setup()), StringComparison.Ordinal);
        }

        [Fact]
        public void A_resumed_plan_lists_only_the_steps_that_are_not_done()
        {
            var setup = Setup();
            var (fresh, all) = MigrationDecisions.RunPlan("shop", null, setup);
            Assert.StartsWith("Migrate shop from old.example:22 to", fresh, StringComparison.Ordinal);
            Assert.Equal(MigrationEngine.StepNames.Count, all.Count);
            var (resumed, left) = MigrationDecisions.RunPlan("shop", Journal(MigrationStatus.Failed, null, MigrationStepState.Done, MigrationStepState.Done, MigrationStepState.Failed), setup);
            Assert.StartsWith("Resume migration shop-20261201-100000 of shop", resumed, StringComparison.Ordinal);
            Assert.Equal(MigrationEngine.StepNames.Count - 2, left.Count);
            Assert.StartsWith("Freeze:", left[0].Value, StringComparison.Ordinal);
        }

        [Fact]
        public void The_plan_takes_the_defaults_and_the_addresses_in_their_order()
        {
            var plain = Setup();
            Assert.Equal("/srv/shop", plain.Plan.StackPath);
            Assert.Equal("new.example", plain.Plan.TargetAddress);
            Assert.Equal("old.example", plain.SourceAddress);
            Assert.Null(plain.Plan.Database);
            Assert.Equal(new[] { 80, 443 }, plain.Plan.Redirect.Ports);

            var given = Setup(r =>
            {
                r.TargetPublicAddress = "198.51.100.2";
                r.SourcePublicAddress = "198.51.100.1";
                r.Database = "shop";
                r.StopCommand = "sh ./stop.sh";
                r.AllowDatabaseRestart = true;
            });
            Assert.Equal("198.51.100.2", given.Plan.TargetAddress);
            Assert.Equal("198.51.100.2", given.Plan.Redirect.Target);
            Assert.Equal("198.51.100.1", given.SourceAddress);
            Assert.Equal("/srv/shop", given.Plan.Database!.SourceAccess.ComposeDirectory);
            Assert.Equal("sh ./stop.sh", given.Plan.StopCommand);
            Assert.True(given.Plan.AllowDatabaseRestart);
            Assert.Equal("192.0.2.5", Setup(r => { r.TargetPublicAddress = "198.51.100.2"; r.TargetAddress = "192.0.2.5"; }).Plan.TargetAddress);
            Assert.Null(Setup(r => { r.Database = "shop"; r.DatabaseOnHost = true; }).Plan.Database!.SourceAccess.ComposeDirectory);
        }

        [Theory]
        [InlineData("/")]
        [InlineData("/srv/../etc")]
        [InlineData("/etc")]
        public void A_stack_path_that_is_a_system_folder_is_refused_before_any_node_is_touched(string path)
        {
            Assert.Equal(ErrorIds.InvalidSyncPath, Assert.Throws<ReleaseOpsException>(() => Setup(r => r.StackPath = path)).ErrorId);
        }

        [Fact]
        public void A_node_that_lost_its_type_is_rebuilt_from_its_properties()
        {
            var props = new Dictionary<string, object?>
            {
                ["Provider"] = "digitalocean", ["Id"] = 4711, ["HostName"] = "203.0.113.9", ["Name"] = "shop-old", ["Port"] = "2222",
                ["Tags"] = new ArrayList { "releaseops", "project:shop" },
            };
            var node = MigrationDecisions.NodeFromProperties(n => props.TryGetValue(n, out var v) ? v : null)!;
            Assert.Equal(HostingProvider.DigitalOcean, node.Provider);
            Assert.Equal(("4711", "203.0.113.9", 2222, "root"), (node.Id, node.HostName, node.Port, node.User));
            Assert.Equal(new[] { "releaseops", "project:shop" }, node.Tags);
            props.Remove("Id");
            Assert.Null(MigrationDecisions.NodeFromProperties(n => props.TryGetValue(n, out var v) ? v : null));
        }
    }
}
