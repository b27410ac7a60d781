using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Vmdq.Generator;
using Vmdq.Toolkit.Generator.Tests.Infrastructure;

namespace Vmdq.Toolkit.Generator.Tests;

/// <summary>Edits elsewhere leave a rules file's generator steps cached (after dotnet/runtime's RegexGeneratorIncrementalTests).</summary>
public class IncrementalTests
{
    private const string Blue = "dispatcher A.BlueDispatcher\npool web 1\nvlan 100 -> web\n";
    private const string Red = "dispatcher A.RedDispatcher\npool db 2\nvlan 200 -> db\n";

    private static (GeneratorDriver Driver, CSharpCompilation Compilation) FirstRun(params AdditionalText[] files)
    {
        var compilation = CompilationHarness.CreateCompilation("class C { }");
        var driver = CompilationHarness.CreateDriver(files, trackSteps: true).RunGenerators(compilation);
        return (driver, compilation);
    }

    [Fact]
    public void EditingUnrelatedCSharpLeavesEveryStepCached()
    {
        var (driver, compilation) = FirstRun(new InMemoryAdditionalText("blue.vmdq", Blue));
        driver = driver.RunGenerators(compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("class D { }", CompilationHarness.ParseOptions)));
        var result = driver.GetRunResult().Results.Single();
        foreach (var step in new[] { VmdqGenerator.Steps.RulesText, VmdqGenerator.Steps.Compile, VmdqGenerator.Steps.Model, VmdqGenerator.Steps.Plan, VmdqGenerator.Steps.EmitInput })
        {
            Assert.All(result.TrackedSteps[step].SelectMany(s => s.Outputs), o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
        }

        Assert.All(result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs), o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
    }

    [Fact]
    public void EditingAnotherRulesFileLeavesThisFilesStepsCached()
    {
        var blue = new InMemoryAdditionalText("blue.vmdq", Blue);
        var red = new InMemoryAdditionalText("red.vmdq", Red);
        var (driver, compilation) = FirstRun(blue, red);
        driver = driver.ReplaceAdditionalText(red, new InMemoryAdditionalText("red.vmdq", Red + "vlan 201 -> db\n")).RunGenerators(compilation);
        var result = driver.GetRunResult().Results.Single();

        // Outputs are in input order: blue first, red second.
        var compile = result.TrackedSteps[VmdqGenerator.Steps.Compile];
        Assert.Equal(IncrementalStepRunReason.Cached, compile[0].Outputs.Single().Reason);
        Assert.Equal(IncrementalStepRunReason.Modified, compile[1].Outputs.Single().Reason);
        var model = result.TrackedSteps[VmdqGenerator.Steps.Model];
        Assert.Equal(IncrementalStepRunReason.Cached, model[0].Outputs.Single().Reason);
        var plan = result.TrackedSteps[VmdqGenerator.Steps.Plan];
        Assert.Equal(IncrementalStepRunReason.Cached, plan[0].Outputs.Single().Reason);
        Assert.Equal(IncrementalStepRunReason.Modified, plan[1].Outputs.Single().Reason);

        // The names did not change, so blue's emit input is unchanged and its source is not regenerated.
        var emit = result.TrackedSteps[VmdqGenerator.Steps.EmitInput];
        Assert.Contains(emit[0].Outputs.Single().Reason, new[] { IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged });
        Assert.Equal(IncrementalStepRunReason.Modified, emit[1].Outputs.Single().Reason);
    }

    [Fact]
    public void EditingACommentKeepsTheModelUnchanged()
    {
        var blue = new InMemoryAdditionalText("blue.vmdq", Blue);
        var (driver, compilation) = FirstRun(blue);
        driver = driver.ReplaceAdditionalText(blue, new InMemoryAdditionalText("blue.vmdq", Blue.Replace("pool web 1", "pool web 1   # the web tier"))).RunGenerators(compilation);
        var result = driver.GetRunResult().Results.Single();
        Assert.Equal(IncrementalStepRunReason.Modified, result.TrackedSteps[VmdqGenerator.Steps.RulesText].Single().Outputs.Single().Reason);
        Assert.Equal(IncrementalStepRunReason.Unchanged, result.TrackedSteps[VmdqGenerator.Steps.Compile].Single().Outputs.Single().Reason);
        Assert.Equal(IncrementalStepRunReason.Cached, result.TrackedSteps[VmdqGenerator.Steps.Model].Single().Outputs.Single().Reason);
        Assert.Equal(IncrementalStepRunReason.Cached, result.TrackedSteps[VmdqGenerator.Steps.Plan].Single().Outputs.Single().Reason);
        Assert.All(result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs), o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
    }

    [Fact]
    public void EditingARuleChangesThePlan()
    {
        var blue = new InMemoryAdditionalText("blue.vmdq", Blue);
        var (driver, compilation) = FirstRun(blue);
        driver = driver.ReplaceAdditionalText(blue, new InMemoryAdditionalText("blue.vmdq", Blue.Replace("vlan 100", "vlan 101"))).RunGenerators(compilation);
        var result = driver.GetRunResult().Results.Single();
        Assert.Equal(IncrementalStepRunReason.Modified, result.TrackedSteps[VmdqGenerator.Steps.Plan].Single().Outputs.Single().Reason);
        Assert.Contains("vlan 101", result.GeneratedSources.Single().SourceText.ToString());
    }

    [Fact]
    public void APlanIsAValue()
    {
        // Lowered twice from equal models (compiled twice, so no shared arrays): equal plans, equal hashes.
        var first = Vmdq.Rules.RulesCompiler.Compile("all.vmdq", AllKinds).Model!;
        var second = Vmdq.Rules.RulesCompiler.Compile("all.vmdq", AllKinds).Model!;
        var a = Vmdq.Generator.Plan.DispatchPlanner.Lower(first, default);
        var b = Vmdq.Generator.Plan.DispatchPlanner.Lower(second, default);
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.Equal(5, a.Probes.Count);
        var other = Vmdq.Generator.Plan.DispatchPlanner.Lower(Vmdq.Rules.RulesCompiler.Compile("all.vmdq", AllKinds.Replace("vlan 250", "vlan 251")).Model!, default);
        Assert.NotEqual(a, other);
    }

    private const string AllKinds = """
        dispatcher A.AllDispatcher
        pool web 1
        pool db 2
        mac 00:1b:21:0a:0b:01 -> web
        mac 00:1b:21:0a:0b:02 vlan 150 -> db
        vlan 250 -> db
        vxlan 5001 -> web
        vxlan 5001 inner 52:54:00:12:34:56 -> web
        nvgre 70001 -> db
        nvgre 70001 inner 52:54:00:12:34:57 -> db
        broadcast -> web, db
        multicast -> db

        """;
}
