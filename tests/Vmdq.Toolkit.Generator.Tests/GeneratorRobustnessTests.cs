using System;
using System.Linq;
using CsCheck;
using Vmdq.Rules;
using Vmdq.Toolkit.Generator.Tests.Infrastructure;

namespace Vmdq.Toolkit.Generator.Tests;

/// <summary>
/// Malformed rules never crash the generator (a crash is a silent CS8785 warning for users), and a file
/// the checks accept always generates code that compiles.
/// </summary>
public class GeneratorRobustnessTests
{
    private static readonly string[] s_words =
    {
        "mac", "vlan", "vxlan", "nvgre", "inner", "->", "drop", "pool", "tenant", "nic", "pools", "queues", "ring",
        "default-pool", "vxlan-port", "profile", "x710", "82599", "dispatcher", "broadcast", "multicast", "web", "db",
        "00:1b:21:0a:0b:01", "ff:ff:ff:ff:ff:ff", "0", "1", "4095", "16777215", "0x10", "99999999999999999999", "1-3",
        "web:1", "web:99", ",", "#", "40%", "priority", "bandwidth", "vni", "vsid", "\n", "\n", "\n", "\t", "é", "\"",
        "A.B", "class", "-", ":", "0x", "--", "->->",
    };

    private static readonly Gen<string> s_mutatedText =
        Gen.Int[0, s_words.Length - 1].Array[0, 60].Select(ix => string.Join(" ", ix.Select(i => s_words[i])));

    [Fact]
    public void GeneratorNeverThrowsOnAnyText()
    {
        Gen.OneOf(s_mutatedText, Gen.String, RandomRules.File).Sample(text =>
        {
            var (_, result) = CompilationHarness.Generate(("fuzz.vmdq", text));
            var run = Assert.Single(result.Results);
            Assert.Null(run.Exception);
        }, iter: 300);
    }

    [Fact]
    public void FilesWithoutErrorsGenerateCodeThatCompiles()
    {
        // Valid files with random lines dropped: some lose the pools their rules name (errors), most stay valid.
        var dropped = Gen.Select(RandomRules.File, Gen.Int[0, int.MaxValue]).Select((file, seed) =>
        {
            var random = new Random(seed);
            return string.Join("\n", file.Split('\n').Where(_ => random.Next(4) != 0));
        });
        dropped.Where(t => !RulesCompiler.Compile("fuzz.vmdq", t).HasErrors).Sample(text =>
        {
            var (output, result) = CompilationHarness.Generate(("fuzz.vmdq", text));
            Assert.Single(result.Results.Single().GeneratedSources);
            var errors = output.GetDiagnostics().Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error || d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Warning).ToList();
            Assert.True(errors.Count == 0, string.Join("\n", errors) + "\n" + text);
        }, iter: 40);
    }

    [Fact]
    public void FilesWithErrorsGenerateOnlyTheDispatchersShapeWhichCompiles()
    {
        var (output, result) = CompilationHarness.Generate(("bad.vmdq", "pool web 1\nvlan 5000 -> web\n"));
        string source = Assert.Single(result.Results.Single().GeneratedSources).SourceText.ToString();
        Assert.Contains("Every member throws", source, StringComparison.Ordinal);
        Assert.DoesNotContain("Tables", source, StringComparison.Ordinal);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= Microsoft.CodeAnalysis.DiagnosticSeverity.Warning));
    }
}
