using System.Diagnostics;
using System.Linq;
using ReleaseOps.Core.RemoteScripts;
using Xunit;

namespace ReleaseOps.Core.Tests
{
    /// <summary>The one remote-script protocol: the prelude's functions, run by a real sh, and the parser agree.</summary>
    public class RemoteScriptTests
    {
        private static RemoteScriptResult RunLocally(string body)
        {
            var start = new ProcessStartInfo("sh") { RedirectStandardOutput = true, UseShellExecute = false };
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(RemoteScript.Deploy.Text.Substring(0, RemoteScript.Deploy.Text.Length - RemoteScript.Deploy.Body.Length) + body);
            using var process = Process.Start(start)!;
            var result = new RemoteScriptResult();
            string? line;
            while ((line = process.StandardOutput.ReadLine()) is not null)
            {
                RemoteScript.Apply(line, result);
            }

            process.WaitForExit();
            result.Command.ExitCode = process.ExitCode;
            return result;
        }

        [Fact]
        public void Every_script_runs_after_the_same_prelude()
        {
            var prelude = RemoteScript.Bootstrap.Text.Substring(0, RemoteScript.Bootstrap.Text.Length - RemoteScript.Bootstrap.Body.Length);
            Assert.Contains("die()", prelude);
            Assert.StartsWith(prelude, RemoteScript.Deploy.Text);
            Assert.StartsWith(prelude, RemoteScript.Redirect.Text);
            Assert.DoesNotContain("die()", RemoteScript.Deploy.Body);
            Assert.DoesNotContain("say()", RemoteScript.Redirect.Body);
        }

        [Fact]
        public void Steps_fields_rows_and_errors_survive_tabs_and_line_breaks()
        {
            var r = RunLocally("step 'Keys\talice' Failed \"$(printf 'two\\nlines')\" UnsafeKeyFile; step Fetch start; step Fetch ok done; field status 'a\tb'; " +
                "printf 'row\\tuser\\talice\\tAlice\\n'; die DeployLocked 'held by\tpid 7' 3; step Never ok x");
            Assert.Equal(new[] { "Keys alice", "Fetch" }, r.Steps.Select(s => s.Name));
            Assert.Equal("Failed", r.Steps[0].Status);
            Assert.Equal("two lines", r.Steps[0].Detail);
            Assert.Equal("UnsafeKeyFile", r.Steps[0].ErrorId);
            Assert.Null(r.Steps[1].ErrorId);
            Assert.Equal("a b", r.Field("status"));
            Assert.Equal(new[] { "user", "alice", "Alice" }, r.Rows.Single());
            Assert.Equal("DeployLocked", r.ErrorId);
            Assert.Equal("held by pid 7", r.ErrorMessage);
            Assert.Equal(3, r.Command.ExitCode);
        }

        [Fact]
        public void A_warning_is_returned_to_the_caller_and_other_lines_are_ignored()
        {
            var result = new RemoteScriptResult();
            Assert.Equal("disk almost full", RemoteScript.Apply("warning\tdisk almost full", result).Warning);
            Assert.Equal((null, null), RemoteScript.Apply("some stray output", result));
            Assert.Equal((null, null), RemoteScript.Apply("step\ttoo-short", result));
            Assert.Empty(result.Steps);
            Assert.Null(result.ErrorId);
        }
    }
}
