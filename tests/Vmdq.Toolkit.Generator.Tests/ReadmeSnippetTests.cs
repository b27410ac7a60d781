using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Vmdq.Toolkit.Generator.Tests.Infrastructure;

namespace Vmdq.Toolkit.Generator.Tests;

/// <summary>
/// Keeps README.md honest: every <c>```csharp</c> block is a whole program that compiles as written
/// (no warnings) and runs, against the dispatcher the generator makes from the README's own rules example.
/// </summary>
public class ReadmeSnippetTests
{
    private static readonly Lazy<string[]> s_readme = new(() =>
    {
        string snapshots = typeof(ReadmeSnippetTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "SnapshotDirectory").Value!;
        return File.ReadAllText(Path.Combine(snapshots, "..", "..", "..", "README.md")).Replace("\r\n", "\n").Split('\n');
    });

    /// <summary>The fenced blocks of README.md, each with its info string (the text after the opening fence).</summary>
    private static List<(string Info, int Line, string Text)> Blocks()
    {
        var blocks = new List<(string, int, string)>();
        string[] lines = s_readme.Value;
        for (int i = 0; i < lines.Length; i++)
        {
            if (!lines[i].StartsWith("```", StringComparison.Ordinal))
            {
                continue;
            }

            string info = lines[i][3..].Trim();
            int start = i + 1;
            var body = new List<string>();
            for (i++; i < lines.Length && lines[i].TrimEnd() != "```"; i++)
            {
                body.Add(lines[i]);
            }

            blocks.Add((info, start + 1, string.Join("\n", body) + "\n"));
        }

        return blocks;
    }

    /// <summary>The README's rules example: the one untagged (or <c>vmdq</c>) block with a <c>dispatcher</c> statement.</summary>
    private static string RulesExample()
    {
        var rules = Blocks()
            .Where(b => b.Info is "" or "vmdq" && b.Text.Split('\n').Any(l => l.StartsWith("dispatcher ", StringComparison.Ordinal)))
            .ToList();
        return Assert.Single(rules).Text;
    }

    public static TheoryData<int> CSharpBlockLines()
    {
        var data = new TheoryData<int>();
        foreach (var block in Blocks().Where(b => b.Info == "csharp"))
        {
            data.Add(block.Line);
        }

        return data;
    }

    [Fact]
    public void TheReadmeHasCSharpSnippetsAndOneRulesExample()
    {
        Assert.True(Blocks().Count(b => b.Info == "csharp") >= 2, "README.md should show the dispatcher and the emulator in ```csharp blocks.");
        Assert.Contains("dispatcher Contoso.Fabric.TenantDispatcher", RulesExample());
    }

    [Fact]
    public void TheRulesExampleHasNoErrorsOrWarnings()
    {
        var diagnostics = CompilationHarness.Analyze(("tenants.vmdq", RulesExample()))
            .Where(d => d.Severity >= DiagnosticSeverity.Warning)
            .Select(d => $"{CompilationHarness.Format(d)}: {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}")
            .ToList();
        Assert.True(diagnostics.Count == 0, "README.md's rules example reports:\n" + string.Join("\n", diagnostics));
    }

    /// <summary>The block starting at README line <paramref name="line"/> compiles, with the generated dispatcher, as a program and runs.</summary>
    [Theory]
    [MemberData(nameof(CSharpBlockLines))]
    public void SnippetCompilesAsWrittenAndRuns(int line)
    {
        string snippet = Blocks().Single(b => b.Line == line).Text;
        var compilation = CompilationHarness.CreateCompilation(snippet);
        compilation = compilation.WithOptions(compilation.Options.WithOutputKind(OutputKind.ConsoleApplication));
        var driver = CompilationHarness.CreateDriver(new AdditionalText[] { new InMemoryAdditionalText("tenants.vmdq", RulesExample()) });
        driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);
        Assert.Empty(generatorDiagnostics);

        using var pe = new MemoryStream();
        var emit = output.Emit(pe);
        var problems = emit.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        Assert.True(emit.Success && problems.Count == 0,
            $"The ```csharp block at README.md line {line} does not compile as written:\n" + string.Join("\n", problems));

        pe.Position = 0;
        var context = new AssemblyLoadContext("vmdq-readme-" + line, isCollectible: true);
        context.Resolving += (_, name) =>
            name.Name == typeof(Verdict).Assembly.GetName().Name ? typeof(Verdict).Assembly
            : name.Name == typeof(Vmdq.Rules.RulesCompiler).Assembly.GetName().Name ? typeof(Vmdq.Rules.RulesCompiler).Assembly
            : null;
        try
        {
            var entry = context.LoadFromStream(pe).EntryPoint!;
            entry.Invoke(null, entry.GetParameters().Length == 0 ? null : new object[] { Array.Empty<string>() });
        }
        finally
        {
            context.Unload();
        }
    }
}
