using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Vmdq.Generator.Diagnostics;
using Vmdq.Toolkit.Generator.Tests.Infrastructure;

namespace Vmdq.Toolkit.Generator.Tests;

/// <summary>
/// A rules file with errors must always show its errors, also when the user's code uses the dispatcher:
/// the generator emits the dispatcher's shape so that the code compiles and the compiler runs the analyzer.
/// </summary>
public class BrokenRulesFileTests
{
    private const string Good = """
        dispatcher Contoso.Fabric.TenantDispatcher
        pool web 1
        pool db 2
        mac 00:1b:21:0a:0b:01 -> web
        vlan 250 -> db
        """;

    private static string WithLine(string text, string line) => text + "\n" + line + "\n";

    [Fact]
    public void ErrorsInAFileWhoseDispatcherIsUsedAreShownAndNoCSharpErrors()
    {
        string bad = WithLine(Good, "mac 00:1b:21:0a:0b:02 -> dbb");
        var printed = ConsumerBuild.Build(ConsumerBuild.ProgramUsing("Contoso.Fabric.TenantDispatcher"), new[] { ("tenants.vmdq", bad) });

        var only = Assert.Single(printed);
        Assert.Equal("tenants.vmdq(6,26): error VMDQ0003: Pool 'dbb' is not declared (did you mean 'db'?).", only.ToString());
    }

    [Fact]
    public void WithoutTheShapeTheSameBuildShowsOnlyCS0246()
    {
        // The failure the shape exists for, reproduced by the harness: with no type, the compiler stops at
        // the declaration error and the analyzer's VMDQ0003 is never printed. If this stops holding, the
        // harness no longer models the compiler.
        var printed = ConsumerBuild.Build(ConsumerBuild.ProgramUsing("Missing.Fabric.TenantDispatcher"), new[] { ("tenants.vmdq", WithLine(Good, "mac 00:1b:21:0a:0b:02 -> dbb")) });

        Assert.Contains(printed, p => p.Id == "CS0246");
        Assert.DoesNotContain(printed, p => p.Id.StartsWith("VMDQ", StringComparison.Ordinal));
    }

    [Fact]
    public void TheShapeHasExactlyThePublicMembersOfAWorkingDispatcher()
    {
        var (good, _) = CompilationHarness.Generate(("tenants.vmdq", Good));
        var (shape, result) = CompilationHarness.Generate(("tenants.vmdq", WithLine(Good, "vlan 5000 -> web")));
        Assert.Contains("only the dispatcher's public shape", Assert.Single(result.Results.Single().GeneratedSources).SourceText.ToString(), StringComparison.Ordinal);

        Assert.Equal(PublicSurface(good), PublicSurface(shape));
        Assert.Empty(shape.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
    }

    private static string[] PublicSurface(Compilation compilation)
    {
        var type = compilation.GetTypeByMetadataName("Contoso.Fabric.TenantDispatcher");
        Assert.NotNull(type);
        Assert.Equal(Accessibility.Public, type!.DeclaredAccessibility);
        Assert.True(type.IsStatic);
        return type.GetMembers()
            .Where(m => m.DeclaredAccessibility == Accessibility.Public && !m.IsImplicitlyDeclared)
            .Select(m => m.Kind + " " + m.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat) + (m is IFieldSymbol { IsConst: true } f ? " const " + f.Type : string.Empty))
            .OrderBy(s => s, StringComparer.Ordinal)
            .ToArray();
    }

    [Fact]
    public void EveryMemberOfTheShapeThrowsNamingTheRulesFile()
    {
        var type = CompileShape();
        var info = Assert.Throws<TargetInvocationException>(() => type.GetProperty("Info")!.GetValue(null));
        AssertNotGenerated(info.InnerException);

        // Span parameters and returns cannot go through reflection's Invoke: delegates call the methods.
        var frame = new byte[64];
        AssertNotGenerated(Record.Exception(() => type.GetMethod("Parse")!.CreateDelegate<ParseDelegate>()(frame)));
        AssertNotGenerated(Record.Exception(() => type.GetMethod("Classify", new[] { typeof(ReadOnlySpan<byte>) })!.CreateDelegate<ClassifyDelegate>()(frame)));
        AssertNotGenerated(Record.Exception(() => type.GetMethod("Classify", new[] { typeof(FrameFields).MakeByRefType() })!.CreateDelegate<ClassifyFieldsDelegate>()(default)));
        AssertNotGenerated(Record.Exception(() => type.GetMethod("ClassifyBatch", new[] { typeof(ReadOnlySpan<byte[]>), typeof(Span<Verdict>) })!.CreateDelegate<BatchDelegate>()(new[] { frame }, new Verdict[1])));
        AssertNotGenerated(Record.Exception(() => type.GetMethod("ClassifyBatch", new[] { typeof(ReadOnlySpan<byte>), typeof(ReadOnlySpan<FrameSlice>), typeof(Span<Verdict>) })!.CreateDelegate<BufferBatchDelegate>()(frame, new[] { new FrameSlice(0, 64) }, new Verdict[1])));
        AssertNotGenerated(Record.Exception(() => type.GetMethod("Replicas")!.CreateDelegate<ReplicasDelegate>()(default)));
        Assert.Equal(0, (int)type.GetField("RuleCount")!.GetRawConstantValue()!);
        Assert.Equal(8, (int)type.GetField("PoolCount")!.GetRawConstantValue()!);
        Assert.Equal(4, (int)type.GetField("QueuesPerPool")!.GetRawConstantValue()!);
    }

    private static void AssertNotGenerated(Exception? ex)
    {
        var e = Assert.IsType<InvalidOperationException>(ex);
        Assert.Equal(
            "The dispatcher Contoso.Fabric.TenantDispatcher was not generated: tenants.vmdq has errors (see the VMDQ errors of the build). This is only its shape, so that code using it compiles while the rules file is fixed.",
            e.Message);
    }

    private delegate Verdict ClassifyDelegate(ReadOnlySpan<byte> frame);

    private delegate Verdict ClassifyFieldsDelegate(in FrameFields fields);

    private delegate void BufferBatchDelegate(ReadOnlySpan<byte> buffer, ReadOnlySpan<FrameSlice> frames, Span<Verdict> verdicts);

    private delegate ReadOnlySpan<int> ReplicasDelegate(Verdict verdict);

    private delegate FrameFields ParseDelegate(ReadOnlySpan<byte> frame);

    private delegate void BatchDelegate(ReadOnlySpan<byte[]> frames, Span<Verdict> verdicts);

    private static Type CompileShape()
    {
        string bad = "dispatcher Contoso.Fabric.TenantDispatcher\nnic pools 8 queues 4\npool web 1\nvlan 5000 -> web\n";
        var (output, _) = CompilationHarness.Generate(("tenants.vmdq", bad));
        using var pe = new MemoryStream();
        var emit = output.Emit(pe);
        Assert.True(emit.Success, string.Join("\n", emit.Diagnostics));
        var context = new System.Runtime.Loader.AssemblyLoadContext("vmdq-shape-" + Guid.NewGuid().ToString("N"), isCollectible: true);
        context.Resolving += (ctx, name) => name.Name == typeof(Verdict).Assembly.GetName().Name ? typeof(Verdict).Assembly : null;
        pe.Position = 0;
        return context.LoadFromStream(pe).GetType("Contoso.Fabric.TenantDispatcher", throwOnError: true)!;
    }

    [Theory]
    [InlineData("dispatcher Contoso.1Fabric.TenantDispatcher", 12, "'Contoso.1Fabric.TenantDispatcher' is not a valid C# type name: '1Fabric' is not an identifier")]
    [InlineData("dispatcher", 11, "the line ends after 'dispatcher'")]
    [InlineData("dispacher Contoso.Fabric.TenantDispatcher", 1, "unknown keyword 'dispacher' (did you mean 'dispatcher'?)")]
    [InlineData("Dispatcher Contoso.Fabric.TenantDispatcher", 1, "unknown keyword 'Dispatcher' (did you mean 'dispatcher'?)")]
    [InlineData("dispatcher Contoso..TenantDispatcher", 12, "'' is not an identifier")]
    public void AnUnreadableDispatcherLineIsReportedByTheGeneratorItself(string dispatcherLine, int column, string reason)
    {
        string bad = Good.Replace("dispatcher Contoso.Fabric.TenantDispatcher", dispatcherLine, StringComparison.Ordinal) + "\nvlan 5000 -> web\n";
        var printed = ConsumerBuild.Build(ConsumerBuild.ProgramUsing("Contoso.Fabric.TenantDispatcher"), new[] { ("tenants.vmdq", bad) });

        // CS0246 stops the compiler before the analyzer, so the generator reports the file's diagnostics
        // itself: VMDQ0020 and the other error.
        var vmdq = printed.Where(p => p.Id.StartsWith("VMDQ", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, vmdq.Count);
        Assert.Equal(("tenants.vmdq", 1, column, "VMDQ0020"), (vmdq[0].File, vmdq[0].Line, vmdq[0].Column, vmdq[0].Id));
        Assert.Contains(reason, vmdq[0].Message, StringComparison.Ordinal);
        Assert.Equal(("tenants.vmdq", 6, "VMDQ0002"), (vmdq[1].File, vmdq[1].Line, vmdq[1].Id));
        Assert.All(printed.Except(vmdq), p => Assert.Contains(p.Id, new[] { "CS0246", "CS0103" }));

        // No shape, nothing generated; and the analyzer leaves the file to the generator (reported once).
        var (_, result) = CompilationHarness.Generate(("tenants.vmdq", bad));
        Assert.Empty(result.Results.Single().GeneratedSources);
        Assert.Empty(CompilationHarness.Analyze(("tenants.vmdq", bad)));
    }

    [Fact]
    public void CodeThatDoesNotUseAnUnreadableDispatcherSeesTheGeneratorErrorAndTheAnalyzers()
    {
        string bad = "dispatcher 9\npool web 1\nvlan 10 -> web\nvlan 5000 -> web\n";
        var printed = ConsumerBuild.Build("namespace Consumer { internal static class Unrelated { } }", new[] { ("t.vmdq", bad) });
        // The compiler skips analyzers after the generator's error, so the generator reports the whole file.
        Assert.Equal(new[] { "t.vmdq(1,12): VMDQ0020", "t.vmdq(4,6): VMDQ0002" }, printed.Select(p => $"{p.File}({p.Line},{p.Column}): {p.Id}"));
    }

    [Fact]
    public void TwoFilesClaimingOneDispatcherShowVmdq0014AndTheCodeUsingItCompiles()
    {
        var files = new[]
        {
            ("edge/tenants.vmdq", Good),
            ("core/tenants.vmdq", "dispatcher Contoso.Fabric.TenantDispatcher\npool db 2\nvlan 250 -> db\n"),
        };
        var printed = ConsumerBuild.Build(ConsumerBuild.ProgramUsing("Contoso.Fabric.TenantDispatcher"), files);
        var only = Assert.Single(printed);
        Assert.Equal(("tenants.vmdq", 1, 12, "VMDQ0014"), (only.File, only.Line, only.Column, only.Id));

        var (_, result) = CompilationHarness.Generate(files);
        var source = Assert.Single(result.Results.Single().GeneratedSources).SourceText.ToString();
        Assert.Contains("Generated by Vmdq.Toolkit.Generator from tenants.vmdq, which has errors", source, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryErrorIsNotConfigurableAndNoWarningIs()
    {
        foreach (var d in DiagnosticDescriptors.All)
        {
            Assert.Equal(d.DefaultSeverity == DiagnosticSeverity.Error, d.CustomTags.Contains(WellKnownDiagnosticTags.NotConfigurable));
        }
    }

    [Theory]
    [InlineData(ReportDiagnostic.Suppress)]
    [InlineData(ReportDiagnostic.Warn)]
    [InlineData(ReportDiagnostic.Info)]
    public void AGlobalConfigCannotLowerAnErrorSoTheShapeNeverShips(ReportDiagnostic lowered)
    {
        string bad = WithLine(Good, "mac 00:1b:21:0a:0b:02 -> dbb");
        var severities = new Dictionary<string, ReportDiagnostic> { ["VMDQ0003"] = lowered, ["VMDQ0011"] = ReportDiagnostic.Suppress };
        var printed = ConsumerBuild.Build(ConsumerBuild.ProgramUsing("Contoso.Fabric.TenantDispatcher"), new[] { ("tenants.vmdq", bad) }, severities);

        var only = Assert.Single(printed);
        Assert.Equal((DiagnosticSeverity.Error, "VMDQ0003"), (only.Severity, only.Id));
    }

    [Fact]
    public void WarningsStayConfigurable()
    {
        string warned = WithLine(Good, "vlan 0 -> web");
        var severities = new Dictionary<string, ReportDiagnostic> { ["VMDQ0009"] = ReportDiagnostic.Suppress };
        Assert.Contains(ConsumerBuild.Build(ConsumerBuild.ProgramUsing("Contoso.Fabric.TenantDispatcher"), new[] { ("tenants.vmdq", warned) }), p => p.Id == "VMDQ0009");
        Assert.Empty(ConsumerBuild.Build(ConsumerBuild.ProgramUsing("Contoso.Fabric.TenantDispatcher"), new[] { ("tenants.vmdq", warned) }, severities));
    }
}
