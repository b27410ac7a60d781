using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using Vmdq.Toolkit.Generator.Tests.Infrastructure;

namespace Vmdq.Toolkit.Generator.Tests;

/// <summary>
/// The pattern for large rules files (README, "Large rules files"; docs/performance.md): the rules file in a
/// class library of its own, which the application references. The dispatcher is the same whichever
/// project compiles it, and it works across the assembly boundary, so editing the application recompiles
/// only the application: the library's compile, with the generator and the tables, is up to date.
/// </summary>
public class DispatcherLibraryTests
{
    private const string Rules = """
        dispatcher Contoso.Rules.EdgeDispatcher
        nic pools 8 queues 4 ring 512
        pool web 1
        pool storage 2
        mac 02:10:00:00:00:01 -> web:1
        mac 02:10:00:00:00:02 vlan 7 -> storage
        vxlan 5000 -> storage:2
        broadcast -> web, storage
        """;

    private delegate Verdict ClassifyFn(ReadOnlySpan<byte> frame);

    [Fact]
    public void TheGeneratedDispatcherDependsOnlyOnTheRulesFile()
    {
        // Two projects as unlike as can be: other names, other code, other references.
        var (_, inApp) = CompilationHarness.Generate(("/src/App/edge.vmdq", Rules));
        var library = CompilationHarness.CreateCompilation("Contoso.Rules", [], "namespace Contoso.Rules { public static class Marker { public const int Version = 3; } }");
        var inLibrary = CompilationHarness.CreateDriver([new InMemoryAdditionalText("/src/Contoso.Rules/edge.vmdq", Rules)])
            .RunGenerators(library).GetRunResult();

        string Source(GeneratorDriverRunResult result) => Assert.Single(Assert.Single(result.Results).GeneratedSources).SourceText.ToString();
        Assert.Equal(Source(inApp), Source(inLibrary));
        Assert.Contains("public static partial class EdgeDispatcher", Source(inLibrary), StringComparison.Ordinal);
    }

    [Fact]
    public void AnApplicationClassifiesThroughADispatcherInAReferencedLibrary()
    {
        // The library: the rules file and nothing else (as a class library project holding only edge.vmdq).
        var library = CompilationHarness.CreateCompilation("Contoso.Rules", []);
        CompilationHarness.CreateDriver([new InMemoryAdditionalText("edge.vmdq", Rules)])
            .RunGeneratorsAndUpdateCompilation(library, out var libraryOutput, out var diagnostics);
        Assert.Empty(diagnostics);
        byte[] libraryImage = CompilationHarness.Image(libraryOutput);

        // The application: its own code, the library as a compiled reference, no rules file and no generator run.
        var app = CompilationHarness.CreateCompilation("App", [MetadataReference.CreateFromImage(libraryImage)], """
            namespace App
            {
                public static class Program
                {
                    public static Vmdq.Toolkit.Verdict Classify(System.ReadOnlySpan<byte> frame) => Contoso.Rules.EdgeDispatcher.Classify(frame);
                    public static int Pools => Contoso.Rules.EdgeDispatcher.Info.Pools.Count;
                }
            }
            """);
        var assemblies = CompilationHarness.LoadAssemblies(libraryImage, CompilationHarness.Image(app));
        var program = assemblies[1].GetType("App.Program")!;
        var classify = program.GetMethod("Classify")!.CreateDelegate<ClassifyFn>();

        var web = classify(Frames.Ethernet("02:10:00:00:00:01", 0x0800));
        Assert.Equal((1, 1, 5), (web.Pool, web.Queue, web.RuleLine));
        var storage = classify(Frames.Ethernet("02:10:00:00:00:02", 0x0800, null, (0x8100, 7)));
        Assert.Equal((2, 0, 6), (storage.Pool, storage.Queue, storage.RuleLine));
        var tunnel = classify(Frames.Ethernet("02:00:00:00:00:09", 0x0800, Frames.Vxlan(5000, Frames.Inner("02:00:00:00:00:0a"))));
        Assert.Equal((2, 2, 7), (tunnel.Pool, tunnel.Queue, tunnel.RuleLine));
        Assert.Equal(2, (int)program.GetProperty("Pools")!.GetValue(null)!);
    }
}
