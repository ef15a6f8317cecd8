using ReleaseOps.Core.Deploy;
using ReleaseOps.Core.Migration;
using Xunit;

namespace ReleaseOps.Core.Tests
{
    /// <summary>The checks of SECURITY.md that need no node: each fails if its rule is dropped.</summary>
    public sealed class SecurityRulesTests
    {
        [Theory]
        [InlineData("/srv/..")]
        [InlineData("/.")]
        [InlineData("/srv/./app")]
        [InlineData("/srv/app/../../etc")]
        [InlineData("/")]
        [InlineData("//")]
        [InlineData("/etc")]
        [InlineData("/usr/")]
        [InlineData("/var/lib/docker")]
        [InlineData("relative")]
        [InlineData("/srv/a\u200Bb")]
        [InlineData("/srv/\uFF0E\uFF0E")]
        [InlineData("/srv/app\u2215..\u2215etc")]
        public void SyncPathsThatCouldReachTheNodesRootAreRefused(string path)
        {
            var ex = Assert.Throws<ReleaseOpsException>(() => FileSync.Normalize(path, "path"));
            Assert.Equal("InvalidSyncPath", ex.ErrorId);
        }

        [Theory]
        [InlineData("/srv/cortico/uploads/", "/srv/cortico/uploads")]
        [InlineData("/srv//cortico", "/srv/cortico")]
        [InlineData("/var/lib/docker/volumes/shop_media/_data", "/var/lib/docker/volumes/shop_media/_data")]
        public void SyncPathsAreNormalised(string path, string normal) => Assert.Equal(normal, FileSync.Normalize(path, "path"));

        [Theory]
        [InlineData("130011")]
        [InlineData("90624")]
        [InlineData("")]
        public void TheSwitchNeedsPostgres14(string version)
        {
            var ex = Assert.Throws<ReleaseOpsException>(() => DatabaseSync.CheckVersion("node", version));
            Assert.Equal("PostgresTooOld", ex.ErrorId);
            DatabaseSync.CheckVersion("node", "140000");
            DatabaseSync.CheckVersion("node", "150018");
        }

        [Fact]
        public void RepositoryCredentialsLeaveTheUrlAndTravelOnStandardInput()
        {
            var (url, host, input) = StackDeploy.SplitCredentials("https://x-access-token:ghp_s%40cret@git.example.com:8443/team/app.git");
            Assert.Equal("https://git.example.com:8443/team/app.git", url);
            Assert.Equal("git.example.com:8443", host);
            Assert.Equal("x-access-token\nghp_s@cret\n", input);
            Assert.DoesNotContain("ghp", string.Join(" ", StackDeploy.Arguments(new DeployRequest { Ref = "develop", StackPath = "/srv/app", RepositoryUrl = "https://x-access-token:ghp_s%40cret@git.example.com:8443/team/app.git" })), System.StringComparison.Ordinal);
            Assert.Null(StackDeploy.SplitCredentials("git@github.com:team/app.git").Input);
        }

        [Fact]
        public void TheTargetStartsOnlyTheDatabaseBeforeTheCutover()
        {
            var plan = new MigrationPlan { StackPath = "/srv/shop", Database = new DatabaseSyncRequest { Database = "shop", TargetAccess = new PostgresAccess { ComposeDirectory = "/srv/shop", ComposeService = "db" } } };
            Assert.EndsWith("up -d db", MigrationEngine.PrepareCommandOf(plan), System.StringComparison.Ordinal);
            Assert.Equal(string.Empty, MigrationEngine.PrepareCommandOf(new MigrationPlan { StackPath = "/srv/shop" }));
        }

        [Theory]
        [InlineData("-rf")]
        [InlineData("a;id")]
        [InlineData("../postgres")]
        public void DatabaseAccessValuesAreNames(string value)
        {
            Assert.Equal("InvalidDatabaseAccess", Assert.Throws<ReleaseOpsException>(() => new PostgresAccess { SystemUser = value }.Validate()).ErrorId);
            Assert.Equal("InvalidDatabaseAccess", Assert.Throws<ReleaseOpsException>(() => new PostgresAccess { ComposeService = value, ComposeDirectory = "/srv/shop" }.Validate()).ErrorId);
        }
    }
}
