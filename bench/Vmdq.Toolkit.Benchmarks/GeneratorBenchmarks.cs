using System;
using System.Collections.Immutable;
using System.Threading;
using BenchmarkDotNet.Attributes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using Vmdq.Generator;

namespace Vmdq.Toolkit.Benchmarks;

/// <summary>
/// What the generator costs the compiler: one full (non-incremental) run of <see cref="VmdqGenerator"/>
/// through <see cref="CSharpGeneratorDriver"/>, in memory, on a rules file of 1K and 100K filters.
/// A fresh driver per invoke, so nothing is cached; the rules text is read once (as the compiler
/// reads an additional file once). Compiling the generated C# is not included.
/// </summary>
[MemoryDiagnoser]
public class GeneratorBenchmarks
{
    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    private CSharpCompilation _compilation = null!;
    private ImmutableArray<AdditionalText> _rules;

    [Params(1_000, 100_000)]
    public int Filters { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _rules = ImmutableArray.Create<AdditionalText>(new InMemoryRulesFile($"filters-{Filters}.vmdq", BenchRules.Write(Filters)));
        _compilation = CSharpCompilation.Create(
            "GeneratorBench",
            new[] { CSharpSyntaxTree.ParseText("namespace Consumer { internal static class Placeholder { } }", ParseOptions) },
            new[] { MetadataReference.CreateFromFile(typeof(object).Assembly.Location), MetadataReference.CreateFromFile(typeof(Verdict).Assembly.Location) },
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        int length = RunGenerator();
        Console.WriteLine($"// filters-{Filters}.vmdq: {length:N0} characters of generated C#.");
    }

    /// <summary>Runs the generator once; returns the generated source's length (and throws on any generator error).</summary>
    [Benchmark]
    public int RunGenerator()
    {
        GeneratorDriver driver = CSharpGeneratorDriver.Create(
            new[] { new VmdqGenerator().AsSourceGenerator() }, _rules, ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: false));
        driver = driver.RunGenerators(_compilation, CancellationToken.None);
        var result = driver.GetRunResult().Results[0];
        if (result.Exception is not null || result.GeneratedSources.Length != 1)
        {
            throw new InvalidOperationException($"The generator failed: {result.Exception}; {result.GeneratedSources.Length} sources; {string.Join("; ", result.Diagnostics)}");
        }

        return result.GeneratedSources[0].SourceText.Length;
    }

    /// <summary>A rules file handed to the generator without touching the disk.</summary>
    private sealed class InMemoryRulesFile(string path, string text) : AdditionalText
    {
        private readonly SourceText _text = SourceText.From(text, System.Text.Encoding.UTF8);

        public override string Path { get; } = path;

        public override SourceText GetText(CancellationToken cancellationToken = default) => _text;
    }
}
