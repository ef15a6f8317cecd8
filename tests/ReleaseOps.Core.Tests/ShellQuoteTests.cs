using System;
using System.Diagnostics;
using System.Linq;
using System.Text;
using ReleaseOps.Core;

namespace ReleaseOps.Core.Tests;

public class ShellQuoteTests
{
    public static readonly TheoryData<string> Hostile = new()
    {
        "x; rm -rf /", "$(reboot)", "`id`", "a'b", "'", "''", "\"", "a\\b", "\\", "*", "~", "~root", "a b", " ", "",
        "line1\nline2", "tab\there", "&& echo pwned", "| cat /etc/shadow", "> /etc/passwd", "$HOME", "${PATH}", "!!",
        "#comment", "-n", "--", "é漢字🙂", "a\rb", "{a,b}", "[abc]", "?", "$'\\x41'", "%s", "=x",
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public void Every_value_reaches_sh_and_bash_as_one_literal_argument(string value)
    {
        foreach (var shell in new[] { "/bin/sh", "/bin/bash" })
        {
            Assert.Equal(new[] { value }, RunPrintArgs(shell, "printf '%s\\0' " + ShellQuote.Quote(value)));
        }
    }

    [Fact]
    public void Random_strings_survive_sh_in_one_command_line()
    {
        var random = new Random(20261127);
        const string alphabet = "ab $'\"\\`;|&<>(){}[]*?~!#%^=,.-_/\n\t é";
        var values = Enumerable.Range(0, 200)
            .Select(_ => new string(Enumerable.Range(0, random.Next(0, 12)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray()))
            .ToArray();
        Assert.Equal(values, RunPrintArgs("/bin/sh", "printf '%s\\0' " + ShellQuote.Join(values)));
    }

    [Fact]
    public void Arguments_reach_the_admins_command_as_positional_parameters()
    {
        var line = ShellQuote.WithArguments("printf '%s\\0' \"$@\"", new[] { "x; rm -rf /", "$(id)", "two words" });
        Assert.Equal(new[] { "x; rm -rf /", "$(id)", "two words" }, RunPrintArgs("/bin/sh", line));
    }

    [Fact]
    public void Safe_words_stay_readable_and_nul_is_refused()
    {
        Assert.Equal("deploy@host:/srv/app-1.2", ShellQuote.Quote("deploy@host:/srv/app-1.2"));
        Assert.Equal("''", ShellQuote.Quote(string.Empty));
        Assert.Equal("InvalidShellArgument", Assert.Throws<ReleaseOpsException>(() => ShellQuote.Quote("a\0b")).ErrorId);
    }

    private static string[] RunPrintArgs(string shell, string commandLine)
    {
        var psi = new ProcessStartInfo(shell) { RedirectStandardOutput = true, RedirectStandardError = true, StandardOutputEncoding = Encoding.UTF8 };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(commandLine);
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, p.StandardError.ReadToEnd());
        var parts = output.Split('\0');
        return parts.Take(parts.Length - 1).ToArray();
    }
}
