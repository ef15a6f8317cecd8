using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using ReleaseOps.Core.Iac;
using Xunit;

namespace ReleaseOps.Core.Tests;

/// <summary>
/// The infrastructure-as-code exports' quoting, checked by the real parsers: Terraform 1.11's own (terraform console,
/// which needs no provider) for HCL strings, and PyYAML's safe_load (Debian's ansible depends on it) for YAML scalars.
/// </summary>
public class IacTests
{
    private static readonly string[] Hostile =
    {
        "plain", "${file(\"/etc/passwd\")}", "%{ if true }x%{ endif }", "$${already}", "a\"b", "back\\slash", "\\\"", "line1\nline2", "tab\there", "a\rb",
        "é漢字🙂", "#comment", "// not a comment", "/* nor this */", "<<EOT\nheredoc\nEOT", "}\nresource \"x\" \"y\" {", "$", "%", "{", "}", "\u0001\u001f",
        "- injected: yes", "key: value", "&anchor *alias", "!!python/object:os.system", "'single'", "@at `tick`", "? question", "", " ",
    };

    [Fact]
    public void Hcl_strings_reach_terraform_as_the_exact_literal_values()
    {
        var dir = Path.Combine(Path.GetTempPath(), "ro-hcl-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var writer = new HclWriter();
            writer.Open("locals");
            writer.Attribute("v", "[" + string.Join(", ", Hostile.Select(HclWriter.Str)) + "]");
            writer.Close();
            File.WriteAllText(Path.Combine(dir, "main.tf"), writer.ToString());
            var (code, output) = Run("terraform", "console", dir, "base64encode(jsonencode(local.v))\n");
            Assert.True(code == 0, output);
            var line = output.Split('\n').Select(l => l.Trim()).Last(l => l.StartsWith("\"", StringComparison.Ordinal));
            var values = JsonSerializer.Deserialize<string[]>(Encoding.UTF8.GetString(Convert.FromBase64String(line.Trim('"'))));
            Assert.Equal(Hostile, values);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Yaml_scalars_reach_pyyaml_as_the_exact_strings()
    {
        var yaml = string.Join("\n", Hostile.Select((h, i) => "k" + i + ": " + AnsibleExport.Q(h))) + "\n";
        var (code, output) = Run("/usr/bin/python3", "-c \"import json, sys, yaml; d = yaml.safe_load(sys.stdin); print(json.dumps([d['k%d' % i] for i in range(len(d))]))\"", null, yaml);
        Assert.True(code == 0, output);
        Assert.Equal(Hostile, JsonSerializer.Deserialize<string[]>(output));
    }

    [Fact]
    public void Labels_are_identifiers_whatever_the_name()
    {
        foreach (var name in Hostile.Concat(new[] { "1abc", "-x", "Cortico Prod" }))
        {
            Assert.True(HclWriter.IsIdentifier(HclWriter.Label(name)), name);
        }
    }

    [Fact]
    public void Terraform_state_is_read_as_data_and_other_documents_are_refused()
    {
        const string state = "{\"version\":4,\"resources\":[{\"mode\":\"managed\",\"type\":\"digitalocean_droplet\",\"name\":\"w\",\"instances\":[{\"attributes\":{\"id\":\"7\",\"name\":\"$(reboot)\",\"ipv4_address\":\"192.0.2.7\",\"tags\":[\"project:cortico\"]}}]}," +
                             "{\"mode\":\"managed\",\"type\":\"null_resource\",\"name\":\"n\",\"instances\":[{\"attributes\":{\"id\":\"1\"}}]}]}";
        var nodes = TerraformState.Read(state, "test");
        var node = Assert.Single(nodes);
        Assert.Equal("$(reboot)", node.Name);
        Assert.Equal("cortico", node.Project);
        Assert.Equal("192.0.2.7", node.HostName);
        Assert.Equal(22, node.Port);
        foreach (var bad in new[] { "[]", "{}", "{\"version\":3,\"resources\":[]}", "not json" })
        {
            Assert.Equal("TerraformStateInvalid", Assert.Throws<ReleaseOpsException>(() => TerraformState.Read(bad, "test")).ErrorId);
        }
    }

    private static (int Code, string Output) Run(string file, string arguments, string? directory, string input)
    {
        var start = new ProcessStartInfo(file, arguments)
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            WorkingDirectory = directory ?? Path.GetTempPath(),
        };
        using var process = Process.Start(start)!;
        process.StandardInput.Write(input);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
