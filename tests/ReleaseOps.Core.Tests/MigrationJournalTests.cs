using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ReleaseOps.Core.Migration;

namespace ReleaseOps.Core.Tests
{
    public sealed class MigrationJournalTests : IDisposable
    {
        private static readonly string[] Names = { "PrepareTarget", "InitialSync", "Freeze", "FinalSync", "SwitchDns", "Redirect", "Snapshot" };
        private readonly string dir = Path.Combine(Path.GetTempPath(), "ro-journal-" + Guid.NewGuid().ToString("N"));
        private readonly Dictionary<string, int> runs = new();
        private readonly HashSet<string> effects = new();

        public void Dispose()
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, true);
            }
        }

        /// <summary>Idempotent steps (their effect is a set member) that count their runs; one may fail before or after its effect.</summary>
        private List<MigrationStepDefinition> Steps(string? failAt = null, bool afterEffect = false) =>
            Names.Select(name => new MigrationStepDefinition(name, (info, token) =>
            {
                token.ThrowIfCancellationRequested();
                runs[name] = runs.TryGetValue(name, out var n) ? n + 1 : 1;
                if (name == failAt && !afterEffect)
                {
                    throw new ReleaseOpsException("Injected", FailureCategory.ConnectionError, $"the connection to the node was cut during {name}", "resume", name);
                }

                effects.Add(name);
                if (name == failAt)
                {
                    throw new ReleaseOpsException("Injected", FailureCategory.ConnectionError, $"the answer of {name} was lost", "resume", name);
                }

                return Task.FromResult<string?>(name + " done");
            })).ToList();

        private MigrationInfo NewMigration() => MigrationJournal.Create("cortico", "old", "new", Names, DateTimeOffset.UtcNow, dir);

        [Fact]
        public async Task Runs_every_step_once_in_order_and_records_it()
        {
            var info = await MigrationJournal.RunAsync(NewMigration(), Steps(), () => DateTimeOffset.UtcNow, NullReporter.Instance, CancellationToken.None);

            Assert.Equal(MigrationStatus.Completed, info.Status);
            Assert.All(Names, n => Assert.Equal(1, runs[n]));
            var stored = MigrationJournal.Load(info.JournalPath);
            Assert.Equal(Names, stored.Steps.Select(s => s.Name));
            Assert.All(stored.Steps, s => Assert.Equal((MigrationStepState.Done, 1), (s.State, s.Attempts)));
            Assert.Equal("Redirect done", stored.Steps[5].Detail);
        }

        public static IEnumerable<object[]> Faults() => Names.SelectMany(n => new[] { new object[] { n, false }, new object[] { n, true } });

        [Theory]
        [MemberData(nameof(Faults))]
        public async Task A_failure_at_any_step_stops_there_and_a_resume_from_the_journal_finishes_exactly_once(string failAt, bool afterEffect)
        {
            var info = NewMigration();
            var ex = await Assert.ThrowsAsync<ReleaseOpsException>(() => MigrationJournal.RunAsync(info, Steps(failAt, afterEffect), () => DateTimeOffset.UtcNow, NullReporter.Instance, CancellationToken.None));
            var stopped = MigrationJournal.Load(info.JournalPath);

            // A fresh process reads the journal from disk and resumes.
            var resumed = await MigrationJournal.RunAsync(MigrationJournal.Load(info.JournalPath), Steps(), () => DateTimeOffset.UtcNow, NullReporter.Instance, CancellationToken.None);

            Assert.Equal("MigrationStepFailed", ex.ErrorId);
            Assert.Contains($"stopped at {failAt}", ex.Message, StringComparison.Ordinal);
            Assert.Contains("Invoke-Migration -Resume " + info.Id, ex.RecommendedAction, StringComparison.Ordinal);
            Assert.Equal(MigrationStatus.Failed, stopped.Status);
            Assert.Equal(MigrationStepState.Failed, stopped.Steps.Single(s => s.Name == failAt).State);
            Assert.Equal(MigrationStatus.Completed, resumed.Status);
            Assert.Equal(Names.ToHashSet(), effects);
            var index = Array.IndexOf(Names, failAt);
            Assert.All(Names.Take(index), n => Assert.Equal(1, runs[n]));
            Assert.Equal(2, runs[failAt]);
            Assert.All(Names.Skip(index + 1), n => Assert.Equal(1, runs[n]));
        }

        [Fact]
        public async Task A_process_killed_in_the_middle_of_a_step_leaves_it_Running_and_the_resume_runs_it_again()
        {
            var info = NewMigration();
            info.Steps[0].State = MigrationStepState.Done;
            info.Steps[1].State = MigrationStepState.Done;
            info.Steps[2].State = MigrationStepState.Running;
            info.Steps[2].Attempts = 1;
            MigrationJournal.Save(info);

            var resumed = await MigrationJournal.RunAsync(MigrationJournal.Load(info.JournalPath), Steps(), () => DateTimeOffset.UtcNow, NullReporter.Instance, CancellationToken.None);

            Assert.Equal(MigrationStatus.Completed, resumed.Status);
            Assert.False(runs.ContainsKey("PrepareTarget"));
            Assert.Equal(2, resumed.Steps[2].Attempts);
            Assert.Equal(1, runs["Freeze"]);
        }

        [Fact]
        public async Task Ctrl_C_is_recorded_and_the_resume_finishes()
        {
            var info = NewMigration();
            using var cts = new CancellationTokenSource();
            cts.Cancel();

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => MigrationJournal.RunAsync(info, Steps(), () => DateTimeOffset.UtcNow, NullReporter.Instance, cts.Token));
            Assert.Equal(MigrationStepState.Failed, MigrationJournal.Load(info.JournalPath).Steps[0].State);
            Assert.Equal(MigrationStatus.Completed, (await MigrationJournal.RunAsync(MigrationJournal.Load(info.JournalPath), Steps(), () => DateTimeOffset.UtcNow, NullReporter.Instance, CancellationToken.None)).Status);
        }

        [Fact]
        public void A_journal_written_with_string_statuses_loads_and_is_saved_with_the_same_names()
        {
            // The text an earlier version wrote, when Status and State were strings.
            Directory.CreateDirectory(dir);
            var path = Path.Combine(dir, "mig-old.json");
            File.WriteAllText(path, "{\n  \"Id\": \"mig-old\", \"Project\": \"cortico\", \"Source\": \"old\", \"Target\": \"new\", \"Status\": \"Failed\",\n"
                + "  \"Steps\": [ { \"Name\": \"PrepareTarget\", \"State\": \"Done\", \"Attempts\": 1 }, { \"Name\": \"InitialSync\", \"State\": \"Failed\", \"Attempts\": 2 },"
                + " { \"Name\": \"Freeze\", \"State\": \"Pending\", \"Attempts\": 0 } ]\n}");

            var info = MigrationJournal.Load(path);
            Assert.Equal(MigrationStatus.Failed, info.Status);
            Assert.Equal(new[] { MigrationStepState.Done, MigrationStepState.Failed, MigrationStepState.Pending }, info.Steps.Select(s => s.State));

            info.Status = MigrationStatus.RolledBack;
            MigrationJournal.Save(info);
            var text = File.ReadAllText(path);
            Assert.Contains("\"Status\": \"RolledBack\"", text);
            Assert.Contains("\"State\": \"Done\"", text);
            Assert.DoesNotContain("\"State\": 3", text);
        }

        [Fact]
        public void Journals_are_listed_by_project_and_a_damaged_one_is_a_clear_error()
        {
            var info = NewMigration();
            Assert.Equal(info.Id, Assert.Single(MigrationJournal.List("cortico", dir)).Id);
            Assert.Empty(MigrationJournal.List("other", dir));

            File.WriteAllText(info.JournalPath, "{ not json");

            Assert.Equal("MigrationJournalUnreadable", Assert.Throws<ReleaseOpsException>(() => MigrationJournal.Load(info.JournalPath)).ErrorId);
        }

        [Fact]
        public void Downtime_is_the_freeze_to_the_new_node_serving()
        {
            var start = DateTimeOffset.UtcNow;
            var info = new MigrationInfo { FreezeStarted = start, ServingAt = start.AddSeconds(7.5) };
            Assert.Equal(TimeSpan.FromSeconds(7.5), info.Downtime);
            Assert.Null(new MigrationInfo { FreezeStarted = start }.Downtime);
        }

        [Fact]
        public void The_plan_is_stored_beside_the_journal_for_its_owner_only_and_read_back_whole()
        {
            var plan = new MigrationPlan
            {
                StackPath = "/srv/cortico", FreezeCommand = "docker-compose stop web", Files = new[] { "/var/lib/cortico/media" },
                DnsZone = "countable.ca", DnsNames = new[] { "kmc", "kmc-direct" }, DnsProvider = DnsProvider.Cloudflare, TargetAddress = "192.0.2.20",
                Redirect = new RedirectRequest { Target = "192.0.2.20", Ports = new[] { 80, 443, 8443 }, ListenAddress = "192.0.2.10" },
                Database = new DatabaseSyncRequest { Database = "cortico", SourceAccess = new PostgresAccess { ComposeDirectory = "/srv/cortico" }, TargetAccess = new PostgresAccess { ComposeDirectory = "/srv/cortico" } },
                SourceNode = new ProjectNode { Provider = HostingProvider.DigitalOcean, Id = "3164444", Name = "cortico", HostName = "192.0.2.10", Tags = new[] { "role:web" } },
                DnsTimeout = TimeSpan.FromSeconds(90),
            };
            var setup = MigrationSetup.Of(new Ssh.NodeTarget("192.0.2.10", 2222, "admin"), new Ssh.NodeTarget("192.0.2.20"), "192.0.2.10", plan);
            var info = MigrationJournal.Create("cortico", "192.0.2.10:2222", "192.0.2.20", Names, DateTimeOffset.UtcNow, dir, setup);

            var back = MigrationJournal.LoadSetup(MigrationJournal.Find(info.Id, dir));

            Assert.Equal("192.0.2.10:2222", back.Source().ToString());
            Assert.Equal("admin", back.Source().User);
            Assert.Equal("192.0.2.20", back.Target().ToString());
            Assert.Equal("192.0.2.10", back.SourceAddress);
            Assert.Equal("docker-compose stop web", back.Plan.FreezeCommand);
            Assert.Equal(plan.StartCommand, back.Plan.StartCommand);
            Assert.Equal(new[] { "kmc", "kmc-direct" }, back.Plan.DnsNames);
            Assert.Equal(DnsProvider.Cloudflare, back.Plan.DnsProvider);
            Assert.Equal(new[] { 80, 443, 8443 }, back.Plan.Redirect.Ports);
            Assert.Equal("/srv/cortico", back.Plan.Database!.SourceAccess.ComposeDirectory);
            Assert.Equal("3164444", back.Plan.SourceNode!.Id);
            Assert.Equal(TimeSpan.FromSeconds(90), back.Plan.DnsTimeout);
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(MigrationJournal.PlanPath(info)));
            }
        }

        [Fact]
        public void A_migration_is_found_by_its_id_only()
        {
            var info = NewMigration();
            Assert.Equal(info.Id, MigrationJournal.Find(info.Id, dir).Id);
            foreach (var id in new[] { "cortico-19990101-000000", "../" + Path.GetFileName(dir) + "/" + info.Id, "", ".." })
            {
                Assert.Equal("MigrationNotFound", Assert.Throws<ReleaseOpsException>(() => MigrationJournal.Find(id, dir)).ErrorId);
            }

            // A journal from before plans were stored cannot be resumed by id alone, and says what to do instead.
            Assert.Equal("MigrationPlanMissing", Assert.Throws<ReleaseOpsException>(() => MigrationJournal.LoadSetup(info)).ErrorId);
        }

        [Fact]
        public async Task Complete_waits_for_the_week_then_forgets_the_old_client_server_and_closes()
        {
            var registry = Path.Combine(dir, "client-nodes.json");
            Directory.CreateDirectory(dir);
            Environment.SetEnvironmentVariable("RELEASEOPS_NODE_REGISTRY", registry);
            try
            {
                var clients = new Providers.ClientProvider { Server = ("192.0.2.10", 22, "root") };
                var node = await clients.CreateAsync(new Providers.NodeRequest { Project = "cortico", Client = "old" }, CancellationToken.None);
                var setup = MigrationSetup.Of(new Ssh.NodeTarget("192.0.2.10"), new Ssh.NodeTarget("192.0.2.20"), "192.0.2.10", new MigrationPlan { SourceNode = node });
                var info = MigrationJournal.Create("cortico", "192.0.2.10", "192.0.2.20", Names, DateTimeOffset.UtcNow, dir, setup);
                var settings = new Providers.ProviderSettings();
                var known = Path.Combine(dir, "known_hosts");

                // Not complete yet: nothing is deleted.
                var early = await Assert.ThrowsAsync<ReleaseOpsException>(() => MigrationEngine.CompleteAsync(info, setup, settings, known, false, DateTimeOffset.UtcNow, NullReporter.Instance, CancellationToken.None));
                Assert.Equal("MigrationNotCompleted", early.ErrorId);

                info = await MigrationJournal.RunAsync(info, Steps(), () => DateTimeOffset.UtcNow, NullReporter.Instance, CancellationToken.None);
                info.DeleteAfter = DateTimeOffset.UtcNow.AddDays(7);
                var notDue = await Assert.ThrowsAsync<ReleaseOpsException>(() => MigrationEngine.CompleteAsync(info, setup, settings, known, false, DateTimeOffset.UtcNow.AddDays(6), NullReporter.Instance, CancellationToken.None));
                Assert.Equal("MigrationNotDue", notDue.ErrorId);
                Assert.Single(await clients.ListAsync("cortico", CancellationToken.None));

                var closed = await MigrationEngine.CompleteAsync(info, setup, settings, known, false, DateTimeOffset.UtcNow.AddDays(8), NullReporter.Instance, CancellationToken.None);

                Assert.Equal(MigrationStatus.Closed, closed.Status);
                Assert.NotNull(MigrationJournal.Load(info.JournalPath).OldNodeRemoved);
                Assert.Empty(await clients.ListAsync("cortico", CancellationToken.None));
                // A second run leaves a closed migration as it is.
                Assert.Equal(MigrationStatus.Closed, (await MigrationEngine.CompleteAsync(closed, setup, settings, known, false, DateTimeOffset.UtcNow.AddDays(9), NullReporter.Instance, CancellationToken.None)).Status);
            }
            finally
            {
                Environment.SetEnvironmentVariable("RELEASEOPS_NODE_REGISTRY", null);
            }
        }
    }
}
