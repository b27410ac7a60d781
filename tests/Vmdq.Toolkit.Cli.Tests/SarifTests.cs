using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using NJsonSchema;
using Vmdq.Rules;
using Vmdq.Rules.Diagnostics;

namespace Vmdq.Toolkit.Cli.Tests;

public sealed class SarifTests
{
    private static readonly Lazy<Task<JsonSchema>> Schema = new(() =>
        JsonSchema.FromFileAsync(Path.Combine(AppContext.BaseDirectory, "Schemas", "sarif-schema-2.1.0.json")));

    private static async Task AssertValid(string sarif)
    {
        var schema = await Schema.Value;
        var errors = schema.Validate(sarif);
        Assert.True(errors.Count == 0, "SARIF does not validate: " + string.Join("; ", errors.Select(e => $"{e.Path}: {e.Kind}")));
    }

    [Fact]
    public async Task The_schema_validator_rejects_invalid_sarif()
    {
        // Guards the tests below: a validator that accepted anything would make them pass vacuously.
        var schema = await Schema.Value;
        Assert.NotEmpty(schema.Validate("""{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "vmdq"}}, "results": [{"level": "fatal", "message": {"text": "x"}}]}]}"""));
        Assert.NotEmpty(schema.Validate("""{"runs": []}"""));
        Assert.NotEmpty(schema.Validate("""{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "vmdq", "rules": [{"name": "NoId"}]}}}]}"""));
    }

    [Fact]
    public async Task Sarif_validates_against_the_official_schema_and_its_results_match_the_diagnostics()
    {
        using var cli = new CliRunner();
        string broken = cli.Write("broken.vmdq", Files.Broken);
        string info = cli.Write("sub dir info.vmdq", Files.Override);
        string warn = cli.Write("warn.vmdq", Files.Unreachable);

        var run = CliRunner.Run("check", "--format", "sarif", warn, info, broken);

        Assert.Equal(1, run.ExitCode);
        await AssertValid(run.Stdout);

        var log = JsonNode.Parse(run.Stdout)!;
        Assert.Equal("2.1.0", (string?)log["version"]);
        Assert.False(string.IsNullOrEmpty((string?)log["$schema"]));
        var sarifRun = Assert.Single(log["runs"]!.AsArray())!;
        var driver = sarifRun["tool"]!["driver"]!;
        Assert.Equal("vmdq", (string?)driver["name"]);

        var rules = driver["rules"]!.AsArray();
        Assert.Equal(RuleDescriptors.All.Select(d => d.Id), rules.Select(r => (string?)r!["id"]));
        foreach (var (rule, descriptor) in rules.Zip(RuleDescriptors.All))
        {
            Assert.Equal(descriptor.Title, (string?)rule!["shortDescription"]!["text"]);
            Assert.False(string.IsNullOrEmpty((string?)rule["name"]));
            Assert.EndsWith("#" + descriptor.Id.ToLowerInvariant(), (string?)rule["helpUri"]);
            Assert.Equal(Level(descriptor.Severity), (string?)rule["defaultConfiguration"]!["level"]);
        }

        var expected = new[] { broken, info, warn }
            .SelectMany(f => RulesCompiler.Compile(f, File.ReadAllText(f)).Diagnostics.Select(d => (File: f, D: d)))
            .ToArray();
        var results = sarifRun["results"]!.AsArray();
        Assert.Equal(expected.Length, results.Count);
        for (int i = 0; i < results.Count; i++)
        {
            var (file, d) = expected[i];
            var result = results[i]!;
            Assert.Equal(d.Id, (string?)result["ruleId"]);
            Assert.Equal(d.Id, (string?)rules[(int)result["ruleIndex"]!]!["id"]);
            Assert.Equal(Level(d.Severity), (string?)result["level"]);
            Assert.Equal(d.Message, (string?)result["message"]!["text"]);
            var location = Assert.Single(result["locations"]!.AsArray())!["physicalLocation"]!;
            string uri = (string)location["artifactLocation"]!["uri"]!;
            Assert.False(Uri.TryCreate(uri, UriKind.Absolute, out _), $"'{uri}' should be a relative path");
            Assert.Equal(file, Path.GetFullPath(Path.Combine(Directory.GetCurrentDirectory(), Uri.UnescapeDataString(uri))));
            var region = location["region"]!;
            Assert.Equal(d.Span.Line, (int)region["startLine"]!);
            Assert.Equal(d.Span.Column, (int)region["startColumn"]!);
            Assert.Equal(d.Span.Column + d.Span.Length, (int)region["endColumn"]!);
        }

        Assert.Contains(results, r => (string?)r!["level"] == "note");
        Assert.Contains("sub%20dir%20info.vmdq", run.Stdout);
    }

    [Fact]
    public async Task Sarif_levels_follow_the_config_and_a_clean_run_has_no_results()
    {
        using var cli = new CliRunner();
        string clean = cli.Write("clean.vmdq", Files.Clean);
        string info = cli.Write("info.vmdq", Files.Override);
        string config = cli.Write(".globalconfig", "is_global = true\ndotnet_diagnostic.VMDQ0012.severity = error\n");

        var cleanRun = CliRunner.Run("check", "--format", "sarif", clean);
        Assert.Equal(0, cleanRun.ExitCode);
        await AssertValid(cleanRun.Stdout);
        Assert.Empty(JsonNode.Parse(cleanRun.Stdout)!["runs"]![0]!["results"]!.AsArray());

        var raised = CliRunner.Run("check", "--format", "sarif", "--config", config, info);
        Assert.Equal(1, raised.ExitCode);
        await AssertValid(raised.Stdout);
        var result = Assert.Single(JsonNode.Parse(raised.Stdout)!["runs"]![0]!["results"]!.AsArray())!;
        Assert.Equal("VMDQ0012", (string?)result["ruleId"]);
        Assert.Equal("error", (string?)result["level"]);
    }

    private static string Level(RuleSeverity severity) => severity switch
    {
        RuleSeverity.Error => "error",
        RuleSeverity.Warning => "warning",
        _ => "note",
    };
}
