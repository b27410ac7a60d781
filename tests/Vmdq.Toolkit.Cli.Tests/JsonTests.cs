using System.Linq;
using System.Text.Json;
using Vmdq.Rules;

namespace Vmdq.Toolkit.Cli.Tests;

public sealed class JsonTests
{
    [Fact]
    public void Json_is_an_array_of_the_diagnostics_with_every_field()
    {
        using var cli = new CliRunner();
        string broken = cli.Write("broken.vmdq", Files.Broken);
        string warn = cli.Write("warn.vmdq", Files.Unreachable);

        var run = CliRunner.Run("check", "--format", "json", warn, broken);

        Assert.Equal(1, run.ExitCode);
        using var json = JsonDocument.Parse(run.Stdout);
        var items = json.RootElement.EnumerateArray().ToArray();
        var expected = RulesCompiler.Compile(broken, Files.Broken).Diagnostics.Select(d => (File: broken, D: d))
            .Concat(RulesCompiler.Compile(warn, Files.Unreachable).Diagnostics.Select(d => (File: warn, D: d)))
            .ToArray();
        Assert.Equal(expected.Length, items.Length);
        for (int i = 0; i < items.Length; i++)
        {
            var (file, d) = expected[i];
            var item = items[i];
            Assert.Equal(file, item.GetProperty("file").GetString());
            Assert.Equal(d.Span.Line, item.GetProperty("line").GetInt32());
            Assert.Equal(d.Span.Column, item.GetProperty("column").GetInt32());
            Assert.Equal(d.Span.Line, item.GetProperty("endLine").GetInt32());
            Assert.Equal(d.Span.Column + d.Span.Length, item.GetProperty("endColumn").GetInt32());
            Assert.Equal(d.Id, item.GetProperty("id").GetString());
            Assert.Equal(d.Severity.ToString().ToLowerInvariant(), item.GetProperty("severity").GetString());
            Assert.Equal(d.Message, item.GetProperty("message").GetString());
            Assert.EndsWith("docs/diagnostics.md#" + d.Id.ToLowerInvariant(), item.GetProperty("helpUri").GetString());
        }

        // The undefined pool 'wbe' spans three characters.
        var undefined = items.Single(i => i.GetProperty("id").GetString() == "VMDQ0003");
        Assert.Equal(26, undefined.GetProperty("column").GetInt32());
        Assert.Equal(29, undefined.GetProperty("endColumn").GetInt32());
    }

    [Fact]
    public void Json_of_a_clean_file_is_an_empty_array_and_shows_configured_severities()
    {
        using var cli = new CliRunner();
        string clean = cli.Write("clean.vmdq", Files.Clean);
        string warn = cli.Write("warn.vmdq", Files.Unreachable);
        string config = cli.Write(".globalconfig", "is_global = true\ndotnet_diagnostic.VMDQ0011.severity = error\n");

        var cleanRun = CliRunner.Run("check", "--format", "json", clean);
        Assert.Equal(0, cleanRun.ExitCode);
        Assert.Equal(0, JsonDocument.Parse(cleanRun.Stdout).RootElement.GetArrayLength());

        var raised = CliRunner.Run("check", "--format", "json", "--config", config, warn);
        Assert.Equal(1, raised.ExitCode);
        var item = Assert.Single(JsonDocument.Parse(raised.Stdout).RootElement.EnumerateArray());
        Assert.Equal("error", item.GetProperty("severity").GetString());
    }
}
