using System;
using System.IO;
using System.Linq;
using System.Reflection;
using Vmdq.Toolkit.Generator.Tests.Infrastructure;

namespace Vmdq.Toolkit.Generator.Tests;

/// <summary>
/// The generated code for a small rules file of each filter kind, compared with the committed
/// <c>Snapshots/NAME.g.cs</c>. Set <c>VMDQ_UPDATE_SNAPSHOTS=1</c> to rewrite them after an intended change
/// (then review the diff).
/// </summary>
public class SnapshotTests
{
    public static TheoryData<string> RulesFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Snapshots"), "*.vmdq").OrderBy(f => f, StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(RulesFiles))]
    public void GeneratedCodeMatchesSnapshot(string rulesFile)
    {
        string text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Snapshots", rulesFile));
        string generated = CompilationHarness.GenerateSource(rulesFile, text).Replace("\r\n", "\n");
        string snapshotDirectory = typeof(SnapshotTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "SnapshotDirectory").Value!;
        string expectedPath = Path.Combine(snapshotDirectory, Path.ChangeExtension(rulesFile, ".g.cs"));
        if (Environment.GetEnvironmentVariable("VMDQ_UPDATE_SNAPSHOTS") == "1")
        {
            File.WriteAllText(expectedPath, generated);
            return;
        }

        Assert.True(File.Exists(expectedPath), $"No snapshot {expectedPath}: run the tests with VMDQ_UPDATE_SNAPSHOTS=1 to create it.");
        Assert.Equal(File.ReadAllText(expectedPath).Replace("\r\n", "\n"), generated);
    }

    [Fact]
    public void OutputIsDeterministic()
    {
        string text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Snapshots", "all-kinds.vmdq"));
        Assert.Equal(CompilationHarness.GenerateSource("all-kinds.vmdq", text), CompilationHarness.GenerateSource("all-kinds.vmdq", text));
    }
}
