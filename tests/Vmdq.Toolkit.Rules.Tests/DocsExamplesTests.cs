using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Vmdq.Rules;
using Vmdq.Rules.Diagnostics;

namespace Vmdq.Toolkit.Rules.Tests;

/// <summary>
/// Keeps docs/diagnostics.md honest: every diagnostic has a section, every section's bad example
/// produces its ID, every fixed example is clean, and the summary table's severities are the real ones.
/// </summary>
public class DocsExamplesTests
{
    private static readonly Lazy<string> s_markdown = new(() =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "docs", "diagnostics.md")).Replace("\r\n", "\n"));

    /// <summary>IDs the runtime engine reports for changes to loaded rules; no rules file can produce them.</summary>
    private static readonly string[] RuntimeOnly = { "VMDQ0021", "VMDQ0022" };

    public static TheoryData<string> Ids()
    {
        var data = new TheoryData<string>();
        foreach (var d in RuleDescriptors.All)
        {
            data.Add(d.Id);
        }

        return data;
    }

    /// <summary>The body of the <c>## ID</c> section (up to the next level-2 heading), or null.</summary>
    private static string? Section(string id)
    {
        string[] lines = s_markdown.Value.Split('\n');
        int start = Array.FindIndex(lines, l => l.TrimEnd() == "## " + id);
        if (start < 0)
        {
            return null;
        }

        var body = new List<string>();
        bool inFence = false;
        for (int i = start + 1; i < lines.Length; i++)
        {
            if (lines[i].StartsWith("```", StringComparison.Ordinal))
            {
                inFence = !inFence;
            }
            else if (!inFence && lines[i].StartsWith("## ", StringComparison.Ordinal))
            {
                break;
            }

            body.Add(lines[i]);
        }

        return string.Join("\n", body);
    }

    /// <summary>The contents of every fenced block tagged exactly <paramref name="tag"/> in <paramref name="section"/>.</summary>
    private static List<string> Blocks(string section, string tag)
    {
        var blocks = new List<string>();
        string[] lines = section.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i].TrimEnd() != "```" + tag)
            {
                continue;
            }

            var block = new List<string>();
            for (i++; i < lines.Length && lines[i].TrimEnd() != "```"; i++)
            {
                block.Add(lines[i]);
            }

            blocks.Add(string.Join("\n", block) + "\n");
        }

        return blocks;
    }

    private static string Describe(RulesResult result) =>
        result.Diagnostics.Count == 0 ? "(no diagnostics)" : string.Join("\n", result.Diagnostics.Select(d => d.ToString()));

    private static string SeverityText(RuleSeverity severity) => severity.ToString().ToLowerInvariant();

    [Fact]
    public void EveryDiagnosticHasASection()
    {
        var missing = RuleDescriptors.All.Where(d => Section(d.Id) is null).Select(d => d.Id).ToList();
        Assert.True(missing.Count == 0, "docs/diagnostics.md has no '## ID' section for: " + string.Join(", ", missing));
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void SectionStatesTitleAndDefaultSeverity(string id)
    {
        var descriptor = RuleDescriptors.All.Single(d => d.Id == id);
        string section = Section(id) ?? throw new Xunit.Sdk.XunitException($"No section for {id}.");
        string expected = $"**{descriptor.Title}** · default severity: {SeverityText(descriptor.Severity)}";
        string firstLine = section.Split('\n').First(l => l.Trim().Length > 0).Trim();
        Assert.Equal(expected, firstLine);
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void BadExampleReportsTheIdAndFixedExampleIsClean(string id)
    {
        var descriptor = RuleDescriptors.All.Single(d => d.Id == id);
        string section = Section(id) ?? throw new Xunit.Sdk.XunitException($"No section for {id}.");
        if (RuntimeOnly.Contains(id))
        {
            // Reported for a change to a runtime-loaded dispatcher, never for a file: the section's example is C#
            // (tests/Vmdq.Toolkit.Generator.Tests/RuntimeDispatcherTests.cs runs it); it has no file examples.
            Assert.Empty(Blocks(section, "vmdq-bad"));
            Assert.Single(Blocks(section, "csharp"));
            return;
        }

        var fixedBlocks = Blocks(section, "vmdq-fixed");
        Assert.Single(fixedBlocks);

        if (descriptor.IsCompilationEnd)
        {
            // VMDQ0014 needs two files (the analyzer compares them): each file on its own must be clean.
            Assert.Empty(Blocks(section, "vmdq-bad"));
            var a = Blocks(section, "vmdq-bad-a");
            var b = Blocks(section, "vmdq-bad-b");
            Assert.Single(a);
            Assert.Single(b);
            var resultA = RulesCompiler.Compile("edge/tenants.vmdq", a[0]);
            var resultB = RulesCompiler.Compile("core/tenants.vmdq", b[0]);
            AssertClean(resultA, id, "vmdq-bad-a");
            AssertClean(resultB, id, "vmdq-bad-b");
            Assert.Equal(resultA.DispatcherTypeName, resultB.DispatcherTypeName);
            var fixedResult = RulesCompiler.Compile("core/tenants.vmdq", fixedBlocks[0]);
            AssertClean(fixedResult, id, "vmdq-fixed");
            Assert.NotEqual(resultA.DispatcherTypeName, fixedResult.DispatcherTypeName);
            return;
        }

        var badBlocks = Blocks(section, "vmdq-bad");
        Assert.Single(badBlocks);
        var bad = RulesCompiler.Compile("bad.vmdq", badBlocks[0]);
        Assert.True(bad.Diagnostics.Any(d => d.Id == id),
            $"The vmdq-bad example of {id} does not report {id}. It reports:\n{Describe(bad)}");

        var good = RulesCompiler.Compile("bad.vmdq", fixedBlocks[0]);
        AssertClean(good, id, "vmdq-fixed");
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void ExampleMessagesAreWhatTheBadExampleReports(string id)
    {
        // The plain ``` block after "Example message(s):" shows lines as MSBuild prints them for bad.vmdq.
        string section = Section(id) ?? throw new Xunit.Sdk.XunitException($"No section for {id}.");
        var badBlocks = Blocks(section, "vmdq-bad");
        if (badBlocks.Count == 0)
        {
            return; // VMDQ0014: two files, checked by the generator tests.
        }

        var shown = UntaggedBlockLines(section).Where(l => l.StartsWith("bad.vmdq(", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(shown);
        var reported = RulesCompiler.Compile("bad.vmdq", badBlocks[0]).Diagnostics
            .Select(d => $"bad.vmdq({d.Span.Line},{d.Span.Column}): {SeverityText(d.Severity)} {d.Id}: {d.Message}").ToList();
        foreach (string line in shown)
        {
            Assert.True(reported.Contains(line), $"docs/diagnostics.md shows for {id}:\n{line}\nbut its vmdq-bad example reports:\n{string.Join("\n", reported)}");
        }
    }

    /// <summary>The lines inside fenced blocks with no tag (opening and closing fences paired in order).</summary>
    private static IEnumerable<string> UntaggedBlockLines(string section)
    {
        string? open = null;
        foreach (string line in section.Split('\n'))
        {
            if (line.StartsWith("```", StringComparison.Ordinal))
            {
                open = open is null ? line.Substring(3).Trim() : null;
            }
            else if (open == string.Empty)
            {
                yield return line;
            }
        }
    }

    private static void AssertClean(RulesResult result, string id, string tag)
    {
        Assert.False(result.Diagnostics.Any(d => d.Id == id),
            $"The {tag} example of {id} still reports {id}:\n{Describe(result)}");
        Assert.False(result.Diagnostics.Any(d => d.Severity is RuleSeverity.Error or RuleSeverity.Warning),
            $"The {tag} example of {id} has errors or warnings:\n{Describe(result)}");
        Assert.NotNull(result.Model);
    }

    [Fact]
    public void SummaryTableMatchesTheDescriptors()
    {
        // | [VMDQ0001](#vmdq0001) | title | severity | meaning |
        var row = new Regex(@"^\|\s*\[(?<id>VMDQ\d{4})\]\(#(?<anchor>[^)]*)\)\s*\|(?<title>[^|]*)\|(?<severity>[^|]*)\|", RegexOptions.CultureInvariant);
        var rows = s_markdown.Value.Split('\n')
            .Select(l => row.Match(l))
            .Where(m => m.Success)
            .ToDictionary(m => m.Groups["id"].Value, m => m);

        Assert.Equal(RuleDescriptors.All.Select(d => d.Id).OrderBy(i => i, StringComparer.Ordinal), rows.Keys.OrderBy(i => i, StringComparer.Ordinal));
        foreach (var descriptor in RuleDescriptors.All)
        {
            var m = rows[descriptor.Id];
            Assert.Equal(descriptor.Id.ToLowerInvariant(), m.Groups["anchor"].Value);
            Assert.Equal(descriptor.Title, m.Groups["title"].Value.Trim());
            Assert.Equal(SeverityText(descriptor.Severity), m.Groups["severity"].Value.Trim());
        }
    }
}
