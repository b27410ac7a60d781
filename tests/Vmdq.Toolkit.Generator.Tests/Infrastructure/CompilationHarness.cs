using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Vmdq.Generator;
using Vmdq.Generator.Analyzers;

namespace Vmdq.Toolkit.Generator.Tests.Infrastructure;

/// <summary>Runs the generator and the analyzer the way the compiler does, in memory.</summary>
internal static class CompilationHarness
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    private static readonly ImmutableArray<MetadataReference> s_references =
        Basic.Reference.Assemblies.Net100.References.All.Cast<MetadataReference>()
            .Append(MetadataReference.CreateFromFile(typeof(Verdict).Assembly.Location))
            // The package's lib/ carries the rules front end too (the runtime engine's diagnostics are its types).
            .Append(MetadataReference.CreateFromFile(typeof(Vmdq.Rules.RulesCompiler).Assembly.Location))
            .ToImmutableArray();

    public static CSharpCompilation CreateCompilation(params string[] sources) =>
        CSharpCompilation.Create(
            "VmdqTestAssembly",
            sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, ParseOptions, path: $"Source{i}.cs")),
            s_references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, optimizationLevel: OptimizationLevel.Release, allowUnsafe: true));

    /// <summary>A compilation named <paramref name="assemblyName"/> of <paramref name="sources"/> that also references <paramref name="references"/>.</summary>
    public static CSharpCompilation CreateCompilation(string assemblyName, IEnumerable<MetadataReference> references, params string[] sources) =>
        CreateCompilation(sources).WithAssemblyName(assemblyName).AddReferences(references);

    public static GeneratorDriver CreateDriver(IEnumerable<AdditionalText> rulesFiles, bool trackSteps = false) =>
        CSharpGeneratorDriver.Create(
            new[] { new VmdqGenerator().AsSourceGenerator() },
            rulesFiles,
            ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: trackSteps));

    /// <summary>Runs the generator on the rules files; returns the output compilation and the generator's own result.</summary>
    public static (Compilation Output, GeneratorDriverRunResult Result) Generate(params (string Path, string Text)[] rulesFiles)
    {
        var compilation = CreateCompilation("namespace Consumer { internal static class Placeholder { } }");
        var driver = CreateDriver(rulesFiles.Select(f => (AdditionalText)new InMemoryAdditionalText(f.Path, f.Text)));
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
        return (output, driver.GetRunResult());
    }

    /// <summary>The generated source for a single rules file (asserting there is exactly one and no generator exception).</summary>
    public static string GenerateSource(string path, string text)
    {
        var (_, result) = Generate((path, text));
        var run = Assert.Single(result.Results);
        Assert.Null(run.Exception);
        return Assert.Single(run.GeneratedSources).SourceText.ToString();
    }

    /// <summary>Generates, compiles and loads the dispatcher of <paramref name="text"/>; returns its type.</summary>
    public static Type CompileDispatcher(string path, string text)
    {
        var (output, result) = Generate((path, text));
        Assert.All(result.Results, r => Assert.Null(r.Exception));
        return Load(output);
    }

    /// <summary>Compiles <paramref name="source"/> (a generated dispatcher) and loads it; returns the dispatcher type.</summary>
    public static Type CompileSource(string source) => Load(CreateCompilation(source));

    private static Type Load(Compilation output)
    {
        var assembly = LoadAssemblies(Image(output))[0];
        return assembly.GetTypes().Single(t => t.Name.EndsWith("Dispatcher", StringComparison.Ordinal) && t.IsAbstract && t.IsSealed);
    }

    /// <summary>The compiled image of <paramref name="output"/> (asserting it compiles without errors).</summary>
    public static byte[] Image(Compilation output)
    {
        using var pe = new MemoryStream();
        var emit = output.Emit(pe);
        Assert.True(emit.Success, string.Join("\n", emit.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        return pe.ToArray();
    }

    /// <summary>Loads <paramref name="images"/> into one new load context, where they resolve each other and the runtime.</summary>
    public static Assembly[] LoadAssemblies(params byte[][] images)
    {
        var context = new AssemblyLoadContext("vmdq-test-" + Guid.NewGuid().ToString("N"), isCollectible: true);
        context.Resolving += (ctx, name) =>
            name.Name == typeof(Verdict).Assembly.GetName().Name ? typeof(Verdict).Assembly
            : name.Name == typeof(Vmdq.Rules.RulesCompiler).Assembly.GetName().Name ? typeof(Vmdq.Rules.RulesCompiler).Assembly
            : null;
        return images.Select(image => context.LoadFromStream(new MemoryStream(image))).ToArray();
    }

    /// <summary>The analyzer's diagnostics for the given rules files, formatted like MSBuild: <c>file(line,col): ID</c>.</summary>
    public static ImmutableArray<Diagnostic> Analyze(params (string Path, string Text)[] rulesFiles) =>
        Analyze(rulesFiles.Select(f => (AdditionalText)new InMemoryAdditionalText(f.Path, f.Text)).ToArray());

    /// <summary>The analyzer's diagnostics for the given additional files (for texts with a particular encoding).</summary>
    public static ImmutableArray<Diagnostic> Analyze(params AdditionalText[] rulesFiles)
    {
        var compilation = CreateCompilation("namespace Consumer { internal static class Placeholder { } }");
        var options = new AnalyzerOptions(rulesFiles.ToImmutableArray());
        var withAnalyzers = compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new RulesAnalyzer()), options);
        return withAnalyzers.GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult()
            .OrderBy(d => d.Location.GetLineSpan().StartLinePosition.Line)
            .ThenBy(d => d.Location.GetLineSpan().StartLinePosition.Character)
            .ToImmutableArray();
    }

    /// <summary>
    /// Every rules diagnostic a build reports for the files, from the analyzer and the generator (which
    /// reports a file's diagnostics itself when its dispatcher name cannot be read: VMDQ0019, VMDQ0020).
    /// </summary>
    public static ImmutableArray<Diagnostic> Report(params (string Path, string Text)[] rulesFiles) =>
        Report(rulesFiles.Select(f => (AdditionalText)new InMemoryAdditionalText(f.Path, f.Text)).ToArray());

    /// <inheritdoc cref="Report(ValueTuple{string, string}[])"/>
    public static ImmutableArray<Diagnostic> Report(params AdditionalText[] rulesFiles)
    {
        var compilation = CreateCompilation("namespace Consumer { internal static class Placeholder { } }");
        var generated = CreateDriver(rulesFiles).RunGenerators(compilation).GetRunResult().Diagnostics;
        return Analyze(rulesFiles).Concat(generated)
            .OrderBy(d => d.Location.GetLineSpan().Path, StringComparer.Ordinal)
            .ThenBy(d => d.Location.GetLineSpan().StartLinePosition.Line)
            .ThenBy(d => d.Location.GetLineSpan().StartLinePosition.Character)
            .ToImmutableArray();
    }

    /// <summary><c>path(line,col): ID</c> with 1-based line and column, as MSBuild prints it.</summary>
    public static string Format(Diagnostic d)
    {
        var span = d.Location.GetLineSpan();
        return $"{Path.GetFileName(span.Path)}({span.StartLinePosition.Line + 1},{span.StartLinePosition.Character + 1}): {d.Id}";
    }
}
