using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using ReleaseOps.Core;
using ReleaseOps.Core.Migration;
using ReleaseOps.Core.Ssh;

namespace ReleaseOps.Core.Tests;

public class NodeSyncTests
{
    [Fact]
    public void The_listing_and_hash_scripts_parse_back_every_odd_name_with_real_find_and_sha256sum()
    {
        var dir = Path.Combine(Path.GetTempPath(), "ro-sync-" + Guid.NewGuid().ToString("N"));
        var names = new[] { "plain.txt", "it's a \"file\".txt", "tab\there.txt", "-dash", "$(id).txt", "new\nline.txt", "é漢字.txt", "sub/inner file.bin" };
        try
        {
            Directory.CreateDirectory(Path.Combine(dir, "sub"));
            foreach (var n in names)
            {
                File.WriteAllText(Path.Combine(dir, n), "content of " + n);
            }

            var listing = FileSync.ParseListing(Sh(FileSync.ListScript, dir));
            var hashes = FileSync.ParseHashes(Sh(FileSync.HashScript, dir));
            foreach (var n in names)
            {
                Assert.Equal('f', listing[n].Type);
                Assert.Equal(Encoding.UTF8.GetByteCount("content of " + n), listing[n].Size);
                var expected = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes("content of " + n))).ToLowerInvariant();
                Assert.Equal(expected, hashes[n]);
            }

            Assert.Equal('d', listing["sub"].Type);
            Assert.Equal(names.Length, hashes.Count);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void The_quick_check_compares_type_size_mtime_mode_and_link_but_not_a_folders_time()
    {
        var a = new FileEntry { Path = "x", Type = 'f', Size = 3, MTime = 100, Mode = "644" };
        Assert.True(a.SameAs(new FileEntry { Path = "x", Type = 'f', Size = 3, MTime = 100, Mode = "644" }));
        Assert.False(a.SameAs(new FileEntry { Path = "x", Type = 'f', Size = 4, MTime = 100, Mode = "644" }));
        Assert.False(a.SameAs(new FileEntry { Path = "x", Type = 'f', Size = 3, MTime = 101, Mode = "644" }));
        Assert.False(a.SameAs(new FileEntry { Path = "x", Type = 'f', Size = 3, MTime = 100, Mode = "600" }));
        Assert.False(a.SameAs(new FileEntry { Path = "x", Type = 'l', Size = 3, MTime = 100, Mode = "644" }));
        var d = new FileEntry { Path = "d", Type = 'd', Size = 4096, MTime = 1, Mode = "755" };
        Assert.True(d.SameAs(new FileEntry { Path = "d", Type = 'd', Size = 8192, MTime = 2, Mode = "755" }));
    }

    [Fact]
    public void File_differences_include_one_sided_files_unless_the_target_may_keep_more()
    {
        var s = new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" };
        var t = new Dictionary<string, string> { ["a"] = "1", ["b"] = "3", ["c"] = "4" };
        Assert.Equal(new[] { "b", "c" }, FileSync.Differences(s, t));
        Assert.Equal(new[] { "b" }, FileSync.Differences(s, t, targetMayHaveMore: true));
        Assert.Equal(new[] { "a", "b" }, FileSync.Differences(s, new Dictionary<string, string>(), true));
    }

    [Fact]
    public void The_rsync_probe_reads_the_sender_arguments_from_the_real_rsync_and_they_are_accepted()
    {
        var psi = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-c", FileSync.ProbeScript, "probe", "target" }.Concat(FileSync.RsyncOptions))
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("rsync", lines[0], StringComparison.Ordinal);
        var args = FileSync.ServerArguments(lines.Skip(1).ToList());
        Assert.NotNull(args);
        Assert.Equal(new[] { "--server", "--sender" }, args!.Take(2));
        Assert.Matches(@"\A-[a-zA-Z]*H[a-zA-Z]*e\.", args[2]);   // -a's letters, -H, then the client's capabilities
        Assert.Equal(new[] { "--numeric-ids", ".", "./" }, args.Skip(3));
    }

    [Theory]
    [InlineData("-logDtprHe.iLsfxCIvu;touch /tmp/x", "--numeric-ids", ".", "./")]
    [InlineData("-logDtprHe.iLsfxCIvu", "--remove-source-files", ".", "./")]
    [InlineData("-logDtprHe.iLsfxCIvu", "--numeric-ids", ".", "/etc/")]
    [InlineData("-logDtprHe.iLsfxCIvu", "--numeric-ids", "--files-from=/etc/shadow", "./")]
    [InlineData("--rsync-path=sh", "--numeric-ids", ".", "./")]
    public void The_target_cannot_choose_other_sender_arguments(string flags, string option, string dot, string path)
    {
        Assert.Null(FileSync.ServerArguments(new[] { "releaseops-source", "rsync", "--server", "--sender", flags, option, dot, path }));
        Assert.Null(FileSync.ServerArguments(new[] { "releaseops-source", "rsync", "--server", "--sender", "-logDtpr", "--numeric-ids", ".", "./", "extra" }));
        Assert.Null(FileSync.ServerArguments(new[] { "releaseops-source", "rsync", "--server", "-logDtpr", "--numeric-ids", ".", "./", "./" }));
    }

    [Fact]
    public void Only_received_files_count_as_moved_and_rsync_escapes_are_undone()
    {
        var items = new[]
        {
            ">f+++++++++ docs/new.txt", ">f.st...... big.bin", ".f...p..... docs/b.txt", "cd+++++++++ docs/", "cL+++++++++ link -> docs/b.txt",
            "hf+++++++++ hard => big.bin", "*deleting   old.txt", ">f+++++++++ new\\#012line.txt", ">f+++++++++ tab\there \\#303\\#251.txt",
        };
        Assert.Equal(new[] { "docs/new.txt", "big.bin", "new\nline.txt", "tab\there \u00e9.txt" }, FileSync.ReceivedFiles(items));
    }

    [Fact]
    public void The_sample_takes_only_unmoved_regular_files_and_at_most_the_count()
    {
        var entries = Enumerable.Range(0, 40).Select(i => new FileEntry { Path = "f" + i, Type = 'f' }).Append(new FileEntry { Path = "d", Type = 'd' }).Append(new FileEntry { Path = "l", Type = 'l' }).ToList();
        var moved = new HashSet<string>(Enumerable.Range(0, 30).Select(i => "f" + i));
        var sample = FileSync.Sample(entries, moved, 16).ToList();
        Assert.Equal(10, sample.Count);
        Assert.All(sample, p => Assert.DoesNotContain(p, moved));
        Assert.Equal(sample.Count, sample.Distinct().Count());
        Assert.Equal(16, FileSync.Sample(entries, new HashSet<string>(), 16).Distinct().Count());
    }

    [Fact]
    public void Table_comparison_names_changed_missing_and_extra_tables()
    {
        var s = new Dictionary<string, (long, string)> { ["public.a"] = (10, "x"), ["public.b"] = (5, "y"), ["public.c"] = (1, "z") };
        var t = new Dictionary<string, (long, string)> { ["public.a"] = (10, "x"), ["public.b"] = (5, "q"), ["public.d"] = (0, "0-0") };
        var r = DatabaseSync.Compare(s, t);
        Assert.Equal(new[] { "public.a", "public.b", "public.c", "public.d" }, r.Select(x => x.Table));
        Assert.Equal(new[] { true, false, false, false }, r.Select(x => x.Matches));
        Assert.Null(r[2].TargetRows);
        Assert.Null(r[3].SourceRows);
    }

    [Fact]
    public void Table_output_parses_with_unit_and_record_separators()
    {
        var parsed = DatabaseSync.ParseTables("public.a\u001f12\u001f34-56\u001e\"Odd\tSchema\".\"x\ny\"\u001f0\u001f0-0\n");
        Assert.Equal((12L, "34-56"), parsed["public.a"]);
        Assert.Equal((0L, "0-0"), parsed["\"Odd\tSchema\".\"x\ny\""]);
        Assert.Throws<ReleaseOpsException>(() => DatabaseSync.ParseTables("garbage"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("a\nb")]
    [InlineData("tab\tname")]
    [InlineData("0123456789012345678901234567890123456789012345678901234567890123")]
    public void Impossible_database_names_are_refused(string name)
    {
        var ex = Assert.Throws<ReleaseOpsException>(() => DatabaseSync.Validate(name, "source database"));
        Assert.Equal("InvalidDatabaseName", ex.ErrorId);
    }

    [Fact]
    public void Staging_names_are_short_stable_and_distinct()
    {
        var long63 = new string('x', 63);
        Assert.Equal(DatabaseSync.StagingName("shop"), DatabaseSync.StagingName("shop"));
        Assert.NotEqual(DatabaseSync.StagingName("shop"), DatabaseSync.StagingName("shop2"));
        Assert.True(DatabaseSync.StagingName(long63).Length < 63);
        Assert.StartsWith("releaseops_old_", DatabaseSync.PreviousName("shop"));
    }

    [Theory]
    [InlineData("shop", "dbname='shop'")]
    [InlineData("x'y", "dbname='x\\'y'")]
    [InlineData("a=b c\\d", "dbname='a=b c\\\\d'")]
    public void Database_names_travel_as_connection_strings(string name, string expected) =>
        Assert.Equal(expected, PostgresAccess.ConnInfo(name));

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Tool_commands_reach_the_tool_as_exact_arguments_through_a_real_shell(bool compose)
    {
        // Stub sudo and docker that print what they were given, one argument per line (NUL separated).
        var bin = Path.Combine(Path.GetTempPath(), "ro-stub-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(bin);
        try
        {
            foreach (var tool in new[] { "sudo", "docker" })
            {
                var stub = Path.Combine(bin, tool);
                File.WriteAllText(stub, "#!/bin/sh\n[ \"$1 $2\" = \"compose version\" ] && exit 0\nprintf '%s\\0' " + tool + " \"$@\"\n");
                Sh("chmod 755 \"$1\"", stub);
            }

            var access = new PostgresAccess { ComposeDirectory = compose ? "/tmp" : null, DbUser = "app;id", PgPort = compose ? null : 5433, SystemUser = "postgres" };
            var name = "x'; DROP DATABASE y; --$(id)";
            string[] Run(PostgresAccess a)
            {
                var request = a.Tool("pg_dump", new[] { "--format=custom", "--dbname=" + PostgresAccess.ConnInfo(name) });
                var line = NodeCommandRunner.CommandLine(request, isRoot: true, marker: "releaseops-test");
                return Sh(line, null, "PATH=" + bin + ":/usr/bin:/bin").Split('\0', StringSplitOptions.RemoveEmptyEntries);
            }

            var tail = new[] { "pg_dump", "--username=app;id", "--format=custom", "--dbname=dbname='x\\'; DROP DATABASE y; --$(id)'" };
            var expected = compose
                ? new[] { "docker", "compose", "exec", "-T", "db" }.Concat(tail).ToArray()
                : new[] { "sudo", "-n", "-u", "postgres", "--", "pg_dump", "--port=5433", "--username=app;id", "--format=custom", "--dbname=dbname='x\\'; DROP DATABASE y; --$(id)'" };
            Assert.Equal(expected, Run(access));
            if (compose)
            {
                // Once the service's container is found, the tools run with docker exec in it (no compose per call).
                Assert.Equal(new[] { "docker", "exec", "-i", "4f2c9a" }.Concat(tail).ToArray(), Run(access.WithContainer("4f2c9a")));
            }
        }
        finally
        {
            Directory.Delete(bin, true);
        }
    }

    // FileSync.ReceiveAndHashPython under a real python3, in dir, with a shell script standing in for rsync.
    private static Process StartHasher(string dir, string sample, string prefix, string fakeRsync, bool unbuffered = false)
    {
        var psi = new ProcessStartInfo("python3") { WorkingDirectory = dir, RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        if (unbuffered)
        {
            psi.Environment["PYTHONUNBUFFERED"] = "1";
        }

        foreach (var a in new[] { "-c", FileSync.ReceiveAndHashPython, sample, prefix, "sh", "-c", fakeRsync })
        {
            psi.ArgumentList.Add(a);
        }

        return Process.Start(psi)!;
    }

    [Fact]
    public void The_receiving_hasher_hashes_each_file_once_the_next_is_logged_passes_the_lines_and_keeps_rsyncs_status()
    {
        // A stand-in for rsync that logs each file just before it writes it (as rsync logs just before its rename): the
        // hasher must not hash a file when its own line arrives, but when the next one does (the last, after the exit).
        var dir = Path.Combine(Path.GetTempPath(), "ro-recv-" + Guid.NewGuid().ToString("N"));
        try
        {
            Directory.CreateDirectory(dir);
            File.WriteAllText(Path.Combine(dir, "old.txt"), "unchanged");
            File.WriteAllText(Path.Combine(dir, "one"), "stale bytes");
            File.CreateSymbolicLink(Path.Combine(dir, "link"), "/etc/hostname");
            const string P = "releaseops-item ";
            var fake = $"printf '%s\\n' '{P}>f.st...... one'; printf fresh > one; printf '%s\\n' '{P}cd+++++++++ sub/'; "
                + $"printf '%s\\n' '{P}>f+++++++++ tw\\#157 x'; printf second > 'two x'; printf '%s\\n' '{P}>f+++++++++ link'; printf 'Total bytes received: 42\\n'; exit 23";
            using var p = StartHasher(dir, "2", P, fake);
            p.StandardInput.Write("old.txt\0missing\0");
            p.StandardInput.Close();
            var output = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            Assert.Equal(23, p.ExitCode);
            var mark = output.IndexOf("\n" + FileSync.StreamedHashesMark + "\n", StringComparison.Ordinal);
            Assert.True(mark > 0, output);
            Assert.Equal($"{P}>f.st...... one\n{P}cd+++++++++ sub/\n{P}>f+++++++++ tw\\#157 x\n{P}>f+++++++++ link\nTotal bytes received: 42\n", output.Substring(0, mark));
            var hashes = FileSync.ParseHashes(output.Substring(mark + FileSync.StreamedHashesMark.Length + 2));
            string Sha(string text) => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(text))).ToLowerInvariant();
            Assert.Equal(Sha("fresh"), hashes["one"]);
            Assert.Equal(Sha("second"), hashes["two x"]);
            Assert.Equal(Sha("unchanged"), hashes["old.txt"]);
            Assert.Equal(3, hashes.Count); // not the missing file, not the link (never followed), not the folder
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void The_receiving_hasher_passes_lines_on_in_batches_and_at_once_when_rsync_goes_quiet_and_hashes_nothing_for_NoVerify()
    {
        // 400 lines written one at a time (as rsync writes its itemized lines), a quiet second (a big file on its way),
        // then one more line. With "-" (-NoVerify) nothing is hashed and no hash section follows.
        var dir = Path.Combine(Path.GetTempPath(), "ro-batch-" + Guid.NewGuid().ToString("N"));
        try
        {
            Directory.CreateDirectory(dir);
            File.WriteAllText(Path.Combine(dir, "f0"), "x");
            const string P = "releaseops-item ";
            var fake = $"i=0; while [ $i -lt 400 ]; do printf '%s\\n' \"{P}>f+++++++++ f$i\"; i=$((i + 1)); done; sleep 1.5; printf '%s\\n' '{P}>f+++++++++ last'; exit 24";
            var watch = Stopwatch.StartNew();
            using var p = StartHasher(dir, "-", P, fake, unbuffered: true); // the batches must be the program's, not python's
            p.StandardInput.Close();
            var stream = p.StandardOutput.BaseStream;
            var buffer = new byte[1 << 20];
            var text = new StringBuilder();
            var reads = 0;
            var sawAllBeforeQuiet = TimeSpan.MaxValue;
            int n;
            while ((n = stream.Read(buffer, 0, buffer.Length)) > 0)
            {
                text.Append(Encoding.UTF8.GetString(buffer, 0, n));
                if (!text.ToString().Contains(" last\n", StringComparison.Ordinal))
                {
                    reads++;
                    if (text.ToString().Contains(" f399\n", StringComparison.Ordinal) && sawAllBeforeQuiet == TimeSpan.MaxValue)
                    {
                        sawAllBeforeQuiet = watch.Elapsed;
                    }
                }
            }

            p.WaitForExit();
            var end = watch.Elapsed;
            Assert.Equal(24, p.ExitCode);
            var expected = string.Concat(Enumerable.Range(0, 400).Select(i => $"{P}>f+++++++++ f{i}\n")) + $"{P}>f+++++++++ last\n";
            Assert.Equal(expected, text.ToString()); // unchanged, in order, and no hash section
            Assert.True(reads <= 20, $"the 400 lines came in {reads} reads, not in batches");
            // The lines before the quiet second were passed on during it, not held until rsync's next line.
            Assert.True(end - sawAllBeforeQuiet > TimeSpan.FromSeconds(0.8), $"the 400th line arrived at {sawAllBeforeQuiet}, the end at {end}");
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void A_file_hashed_while_rsync_ran_is_hashed_again_when_its_hash_is_missing_or_not_the_sources()
    {
        var check = new[] { "a", "b", "c", "d" };
        var source = new Dictionary<string, string> { ["a"] = "1", ["b"] = "2", ["c"] = "3", ["d"] = "4" };
        var streamed = new Dictionary<string, string> { ["a"] = "1", ["b"] = "old", ["d"] = "4" };
        var again = FileSync.HashAgain(check, source, streamed);
        Assert.Equal(new[] { "b", "c" }, again);
        // After rsync: b is right now; c is still unreadable, so it stays missing (and the comparison fails it).
        var merged = FileSync.Merge(check, streamed, again, new Dictionary<string, string> { ["b"] = "2" });
        Assert.Equal(new Dictionary<string, string> { ["a"] = "1", ["b"] = "2", ["d"] = "4" }, merged);
        Assert.Empty(FileSync.HashAgain(new[] { "a" }, source, streamed));
        Assert.Equal(new[] { "x" }, FileSync.HashAgain(new[] { "x" }, source, new Dictionary<string, string> { ["x"] = "9" }));
    }

    [Fact]
    public void The_credit_gate_passes_the_whole_output_through_as_credits_arrive_and_keeps_the_exit_status()
    {
        // 3 MB from the producer; the gate may pass 1 MB per credit byte. Credits are granted one at a time, each only
        // after the MB before it has been read, as the relay does; then standard input closes (no more limit).
        var gated = NodeStream.Gated(new NodeCommandRequest { Command = "head -c 3145728 /dev/zero; exit 3" });
        var line = NodeCommandRunner.CommandLine(gated, isRoot: true, marker: "releaseops-test");
        var psi = new ProcessStartInfo("/bin/sh") { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(line);
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.BaseStream;
        long total = 0;
        for (var credit = 1; credit <= 2; credit++)
        {
            p.StandardInput.BaseStream.WriteByte(1);
            p.StandardInput.BaseStream.Flush();
            while (total < credit * (long)NodeStream.CreditSize)
            {
                var n = ReadFrame(output);
                Assert.True(n > 0);
                total += n;
            }

            Assert.InRange(total, credit * (long)NodeStream.CreditSize, (credit * (long)NodeStream.CreditSize) + 262144);
        }

        // The output arrives in frames; the end mark (a zero length) comes before the gate exits, and the gate exits
        // only when its standard input closes. (With exactly 3 MB granted, the gate asks for one more credit before it
        // reads the producer's end, as it does under the relay, which always grants ahead.)
        p.StandardInput.BaseStream.Write(new byte[] { 1, 1 });
        p.StandardInput.BaseStream.Flush();
        int m;
        while ((m = ReadFrame(output)) > 0)
        {
            total += m;
        }

        Assert.False(p.WaitForExit(300));
        p.StandardInput.Close();
        p.WaitForExit();
        Assert.Equal(3145728, total);
        Assert.Equal(3, p.ExitCode);
    }

    [Fact]
    public void The_gated_command_reads_nothing_of_the_credits_as_docker_exec_would()
    {
        // docker exec (and docker compose exec -T) copy their standard input into the container: under the gate, that
        // input must be /dev/null, or the command eats the relay's credits, passes them on as data, and stalls.
        // The first credit reaches the gate before the command reads; the gate then waits on the command's output, so
        // the next credits go to whoever else reads the same input: the command, unless its input is /dev/null.
        var gated = NodeStream.Gated(new NodeCommandRequest { Command = "sleep 0.3; cat; head -c 2097152 /dev/zero" });
        var line = NodeCommandRunner.CommandLine(gated, isRoot: true, marker: "releaseops-test");
        var psi = new ProcessStartInfo("/bin/sh") { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(line);
        using var p = Process.Start(psi)!;
        var input = p.StandardInput.BaseStream;
        input.WriteByte(1);
        input.Flush();
        System.Threading.Thread.Sleep(800);
        input.Write(new byte[] { 1, 1, 1, 1, 1, 1, 1 });
        input.Flush();
        System.Threading.Thread.Sleep(200);
        p.StandardInput.Close();
        // The gate's frames, up to the end mark: the payload is the command's output alone.
        var output = p.StandardOutput.BaseStream;
        using var payload = new MemoryStream();
        var header = new byte[4];
        while (true)
        {
            output.ReadExactly(header);
            var length = (header[0] << 24) | (header[1] << 16) | (header[2] << 8) | header[3];
            if (length == 0)
            {
                break;
            }

            var frame = new byte[length];
            output.ReadExactly(frame);
            payload.Write(frame);
        }

        p.WaitForExit();
        Assert.Equal(2097152, payload.Length);
        Assert.DoesNotContain((byte)1, payload.ToArray());
        Assert.Equal(0, p.ExitCode);
    }

    /// <summary>Reads one of the gate's frames (a 4-byte big-endian length, then the bytes) and returns its length.</summary>
    private static int ReadFrame(Stream output)
    {
        var header = new byte[4];
        output.ReadExactly(header);
        var length = (header[0] << 24) | (header[1] << 16) | (header[2] << 8) | header[3];
        output.ReadExactly(new byte[length]);
        return length;
    }

    [Theory]
    [InlineData("head -c 5 >/dev/null; exit 0", 0)]
    [InlineData("head -c 5 >/dev/null; exit 3", 3)]
    public void The_target_command_reads_its_input_to_the_end_when_it_succeeds(string command, int exit)
    {
        // tar and pg_restore stop reading before the end of their input: when they succeed, the wrapper reads the rest,
        // so the relay's EOF never arrives after the channel closed; when they fail, it exits at once with their status.
        var line = NodeCommandRunner.CommandLine(NodeStream.Drained(new NodeCommandRequest { Command = command }), isRoot: true, marker: "releaseops-test");
        var psi = new ProcessStartInfo("/bin/sh") { RedirectStandardInput = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(line);
        using var p = Process.Start(psi)!;
        p.StandardInput.BaseStream.Write(new byte[100]);
        p.StandardInput.BaseStream.Flush();
        // Still running after its command ended (exit 0): it waits for the end of the input.
        Assert.Equal(exit != 0, p.WaitForExit(1000));
        p.StandardInput.Close();
        p.WaitForExit();
        Assert.Equal(exit, p.ExitCode);
    }

    private static string Sh(string script, string? arg, string? env = null)
    {
        var psi = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (arg is null)
        {
            psi.ArgumentList.Add("-c");
            psi.ArgumentList.Add(script);
        }
        else
        {
            psi.ArgumentList.Add("-c");
            psi.ArgumentList.Add(script);
            psi.ArgumentList.Add("test");
            psi.ArgumentList.Add(arg);
        }

        if (env is not null)
        {
            var kv = env.Split('=', 2);
            psi.Environment[kv[0]] = kv[1];
        }

        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, p.StandardError.ReadToEnd());
        return output;
    }
}
