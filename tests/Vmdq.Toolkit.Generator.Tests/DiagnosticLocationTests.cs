using System.Linq;
using Microsoft.CodeAnalysis;
using Vmdq.Toolkit.Generator.Tests.Infrastructure;

namespace Vmdq.Toolkit.Generator.Tests;

/// <summary>Every check of the spec's table, reported by the analyzer at the offending token's line and column.</summary>
public class DiagnosticLocationTests
{
    // Lines 1..7: a clean file. Each case appends lines from line 8 on.
    private const string Clean = """
        nic pools 8 queues 4
        tenant blue vlan 100-199 vni 5000-5999 vsid 70000-70999
        tenant red vlan 200-299 vni 6000-6999 vsid 80000-80999
        pool web 1 tenant blue
        pool db 2 tenant red
        mac 00:1b:21:0a:0b:01 -> web
        vlan 250 -> db
        """;

    private static string[] Diagnose(string extra) =>
        CompilationHarness.Report(("t.vmdq", Clean + "\n" + extra)).Select(CompilationHarness.Format).ToArray();

    [Fact]
    public void CleanFileHasNoDiagnostics() => Assert.Empty(CompilationHarness.Analyze(("t.vmdq", Clean)));

    [Theory]
    [InlineData("mac 00:1b:21 -> web", "t.vmdq(8,5): VMDQ0001")]
    [InlineData("frobnicate 1", "t.vmdq(8,1): VMDQ0001")]
    [InlineData("vlan 250 db", "t.vmdq(8,10): VMDQ0001")]
    [InlineData("vlan 5000 -> db", "t.vmdq(8,6): VMDQ0002")]
    [InlineData("vxlan 16777216 -> web", "t.vmdq(8,7): VMDQ0002")]
    [InlineData("mac 00:1b:21:0a:0b:09 -> web:9", "t.vmdq(8,30): VMDQ0002")]
    [InlineData("pool spare 9", "t.vmdq(8,6): VMDQ0011;t.vmdq(8,12): VMDQ0002")]
    [InlineData("mac 00:1b:21:0a:0b:09 -> dbb", "t.vmdq(8,26): VMDQ0003")]
    [InlineData("pool spare 5 tenant purple", "t.vmdq(8,6): VMDQ0011;t.vmdq(8,21): VMDQ0003")]
    [InlineData("mac 00-1B-21-0A-0B-01 -> db", "t.vmdq(8,1): VMDQ0004")]
    [InlineData("vxlan 6001 -> web", "t.vmdq(8,15): VMDQ0005")]
    [InlineData("vlan 250 -> db", "t.vmdq(8,1): VMDQ0006")]
    [InlineData("mac 00:1b:21:0a:0b:01 vlan 150 -> web", "t.vmdq(8,1): VMDQ0007")]
    [InlineData("vlan 0 -> web", "t.vmdq(8,6): VMDQ0009")]
    [InlineData("vlan 4095 -> web", "t.vmdq(8,6): VMDQ0009")]
    [InlineData("nvgre 0x10 -> web", "t.vmdq(8,7): VMDQ0009")]
    [InlineData("nvgre 0xFFFFFF -> web", "t.vmdq(8,7): VMDQ0009")]
    [InlineData("mac 01:00:5e:00:00:01 -> web", "t.vmdq(8,5): VMDQ0010")]
    [InlineData("pool spare 5", "t.vmdq(8,6): VMDQ0011")]
    [InlineData("mac 00:1b:21:0a:0b:01 vlan 250 -> db", "t.vmdq(8,1): VMDQ0012")]
    [InlineData("pool web 3", "t.vmdq(8,6): VMDQ0013")]
    [InlineData("tenant green vlan 150-160", "t.vmdq(8,19): VMDQ0015")]
    [InlineData("vlan 300 -> web", "t.vmdq(8,6): VMDQ0016")]
    [InlineData("vxlan 0x3000 inner 52:54:00:12:34:56 -> db", "t.vmdq(8,7): VMDQ0016")]
    [InlineData("broadcast -> web, db", "t.vmdq(8,19): VMDQ0017")]
    [InlineData("vlan 150 -> web\nvlan 7\0 -> web", "t.vmdq(9,7): VMDQ0019")]
    [InlineData("vxaln 5000 -> web", "t.vmdq(8,1): VMDQ0001")]
    [InlineData("nic pools 8 queues 0 ring 0", "t.vmdq(8,20): VMDQ0002;t.vmdq(8,27): VMDQ0002")]
    public void CheckIsReportedAtTheOffendingToken(string line, string expected) =>
        Assert.Equal(expected.Split(';'), Diagnose(line));

    [Fact]
    public void CapacityIsReportedOnTheFirstRuleOverTheLimit()
    {
        // The 82599 has no tunnel classification: the first tunnel rule is over the limit.
        Assert.Equal(new[] { "t.vmdq(9,1): VMDQ0008" }, Diagnose("profile 82599\nvxlan 5001 -> web"));
    }

    [Fact]
    public void CapacityCountsDistinctMacFilters()
    {
        // 128 RAL/RAH registers on the 82599: MAC number 129 (line 8 + 128 - 1 = 135, after the one on line 6) warns.
        var lines = string.Join("\n", Enumerable.Range(1, 200).Select(i => $"mac 02:00:00:00:{i / 256:x2}:{i % 256:x2} -> web"));
        var diagnostics = Diagnose("profile 82599\n" + lines);
        Assert.Equal(new[] { "t.vmdq(136,1): VMDQ0008" }, diagnostics);
        var message = CompilationHarness.Analyze(("t.vmdq", Clean + "\nprofile 82599\n" + lines)).Single().GetMessage();
        Assert.Contains("201 exact dst-MAC filters", message);
        Assert.Contains("holds 128", message);
        Assert.Contains("line 8", message);
    }

    [Theory]
    [InlineData("mac 00-1B-21-0A-0B-01 -> db", "line 6")]
    [InlineData("vxlan 6001 -> web", "line 3")]
    [InlineData("vlan 250 -> db", "line 7")]
    [InlineData("mac 00:1b:21:0a:0b:01 vlan 150 -> web", "line 6")]
    [InlineData("mac 00:1b:21:0a:0b:01 vlan 250 -> db", "line 6")]
    [InlineData("pool web 3", "line 4")]
    public void MessageNamesTheOtherLine(string line, string otherLine)
    {
        var diagnostic = Assert.Single(CompilationHarness.Analyze(("t.vmdq", Clean + "\n" + line)));
        Assert.Contains(otherLine, diagnostic.GetMessage());
    }

    [Fact]
    public void OneBadLineDoesNotHideTheOthers()
    {
        var diagnostics = Diagnose("mac 00:1b -> web\nvlan 9999 -> db\nfoo\nvxlan 1 -> nowhere");
        Assert.Equal(new[] { "t.vmdq(8,5): VMDQ0001", "t.vmdq(9,6): VMDQ0002", "t.vmdq(10,1): VMDQ0001", "t.vmdq(11,12): VMDQ0003" }, diagnostics);
    }

    [Fact]
    public void SeveritiesAreTheSpecDefaults()
    {
        var diagnostics = CompilationHarness.Analyze(("t.vmdq", Clean + "\nvlan 250 -> db\nmac 00:1b:21:0a:0b:01 vlan 250 -> db\nvlan 99999 -> db"));
        Assert.Equal(DiagnosticSeverity.Warning, diagnostics.Single(d => d.Id == "VMDQ0006").Severity);
        Assert.Equal(DiagnosticSeverity.Info, diagnostics.Single(d => d.Id == "VMDQ0012").Severity);
        Assert.Equal(DiagnosticSeverity.Error, diagnostics.Single(d => d.Id == "VMDQ0002").Severity);
    }

    [Fact]
    public void AFileWithoutRulesIsReportedAtItsStart()
    {
        var diagnostics = CompilationHarness.Analyze(("empty.vmdq", "# nothing yet\n"));
        Assert.Equal(new[] { "empty.vmdq(1,1): VMDQ0018" }, diagnostics.Select(CompilationHarness.Format));
        Assert.Equal(DiagnosticSeverity.Warning, diagnostics[0].Severity);
        Assert.Equal(0, diagnostics[0].Location.SourceSpan.Length);
    }

    [Fact]
    public void AFileTheCompilerDecodedWithAFallbackCodePageIsNotUtf8()
    {
        // What the compiler does with a Latin-1 file: UTF-8 fails, the fallback code page succeeds. The
        // analyzer sees 'café' as valid text, but the file's byte 0xE9 is not UTF-8.
        byte[] bytes = System.Text.Encoding.Latin1.GetBytes("pool web 1\n# caf\u00e9\nvlan 7 -> web\n");
        var text = Microsoft.CodeAnalysis.Text.SourceText.From(bytes, bytes.Length, System.Text.Encoding.Latin1);
        // Reported by the generator (a hostile file's dispatcher name cannot be trusted), not the analyzer.
        Assert.Empty(CompilationHarness.Analyze(new EncodedAdditionalText("latin1.vmdq", text)));
        var diagnostic = Assert.Single(CompilationHarness.Report(new EncodedAdditionalText("latin1.vmdq", text)));
        Assert.Equal("latin1.vmdq(2,6): VMDQ0019", CompilationHarness.Format(diagnostic));
        Assert.Contains("byte 16 (line 2, column 6) is not valid UTF-8", diagnostic.GetMessage());
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Contains(WellKnownDiagnosticTags.NotConfigurable, diagnostic.Descriptor.CustomTags);
    }

    [Fact]
    public void AHostileFileGeneratesNothing()
    {
        var (_, result) = CompilationHarness.Generate(("bin.vmdq", "pool web 1\nvlan 7 -> web\n\0\0\u0001"));
        Assert.Empty(result.Results.Single().GeneratedSources);
    }

    private sealed class EncodedAdditionalText(string path, Microsoft.CodeAnalysis.Text.SourceText text) : AdditionalText
    {
        public override string Path { get; } = path;

        public override Microsoft.CodeAnalysis.Text.SourceText GetText(System.Threading.CancellationToken cancellationToken = default) => text;
    }

    [Fact]
    public void TwoFilesClaimingOneDispatcherAreReported()
    {
        var diagnostics = CompilationHarness.Analyze(
            ("a.vmdq", "dispatcher Same.Dispatcher\nvlan 5 -> drop"),
            ("b.vmdq", "\ndispatcher Same.Dispatcher\nvlan 6 -> drop"));
        Assert.Equal(new[] { "b.vmdq(2,12): VMDQ0014" }, diagnostics.Select(CompilationHarness.Format));
    }

    [Fact]
    public void TheSpecExampleIsCleanButForItsRedundancyAndOverride()
    {
        var diagnostics = CompilationHarness.Analyze(("spec.vmdq", SpecExample.Text)).Select(CompilationHarness.Format);
        Assert.Equal(new[] { "spec.vmdq(18,1): VMDQ0012", "spec.vmdq(20,1): VMDQ0007" }, diagnostics);
    }
}
