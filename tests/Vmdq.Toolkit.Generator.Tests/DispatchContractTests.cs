using System;
using System.IO;
using System.Linq;
using System.Reflection;
using Vmdq.Rules.Model;
using Vmdq.Rules.Tables;
using Vmdq.Toolkit.Classification;

namespace Vmdq.Toolkit.Generator.Tests;

/// <summary>
/// The rules library (which encodes verdicts and builds tables) and the runtime (which decodes and
/// probes them) share one contract: Rules/Contract/DispatchContract.cs, compiled into both.
/// </summary>
public class DispatchContractTests
{
    [Fact]
    public void RuleKindAndMatchKindAreOneEnumUnderTwoNames()
    {
        var rules = Enum.GetValues<MatchKind>().ToDictionary(k => (byte)k, k => k == MatchKind.None ? "Default" : k.ToString());
        var runtime = Enum.GetValues<RuleKind>().ToDictionary(k => (byte)k, k => k.ToString());
        Assert.Equal(rules.OrderBy(p => p.Key), runtime.OrderBy(p => p.Key));
        Assert.Equal(0, (int)RuleKind.Default);
        Assert.True(RuleKind.VxlanInner < RuleKind.Vlan && RuleKind.Vlan < RuleKind.Broadcast, "Precedence: lower wins.");
    }

    [Fact]
    public void VerdictsEncodedByTheRulesLibraryDecodeInTheRuntime()
    {
        foreach (var kind in Enum.GetValues<MatchKind>())
        {
            foreach (var (line, pool, queue, drop) in new[] { (1, 0, 0, false), (VerdictBits.MaxLine, VerdictBits.PoolMask, VerdictBits.QueueMask, false), (77, 5, 3, true) })
            {
                var rule = new ResolvedRule(kind, 0, 0, drop, pool, queue, line, EquatableArray<int>.Empty);
                var verdict = new Verdict(VerdictBits.Of(rule));
                Assert.Equal((RuleKind)(byte)kind, verdict.Kind);
                Assert.Equal(line, verdict.RuleLine);
                Assert.Equal(drop, verdict.IsDrop);
                Assert.Equal(drop ? -1 : pool, verdict.Pool);
                Assert.Equal(drop ? -1 : queue, verdict.Queue);
                Assert.Equal(verdict, Verdict.Create(pool, queue, drop, line, (RuleKind)(byte)kind));
            }
        }

        Assert.Equal(VerdictBits.PoolShift, Verdict.PoolShift);
        Assert.Equal(VerdictBits.VerdictMask, VerdictLayout.VerdictMask);
        Assert.Equal(VerdictBits.KeySize, ProbeTable.NarrowKeySize);
        Assert.Equal(VerdictBits.WideKeySize, ProbeTable.WideKeySize);
        Assert.Equal(VerdictBits.VerdictSize, ProbeTable.VerdictSize);
        Assert.Equal(VerdictBits.SpreadShift + 1, VerdictLayout.VerdictBitCount);
        Assert.Equal(VerdictBits.SpreadShift, Verdict.SpreadShift);
        Assert.Equal(VerdictBits.RetaSize, Verdict.RetaSize);
        var spread = new Verdict(VerdictBits.Of(new ResolvedRule(MatchKind.Mac, 0, 0, false, 5, 1, 9, EquatableArray<int>.Empty, Spread: true)));
        Assert.True(spread.IsSpread);
        Assert.Equal((5, 1, 9), (spread.Pool, spread.Queue, spread.RuleLine));
        Assert.False(new Verdict(VerdictBits.Of(new ResolvedRule(MatchKind.Mac, 0, 0, true, 5, 1, 9, EquatableArray<int>.Empty, Spread: true))).IsSpread);
    }

    [Fact]
    public void NoParallelCopiesOfTheContract()
    {
        // One declaration of each: in the shared file, not in either assembly's own sources.
        string root = Path.Combine(typeof(DispatchContractTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "SnapshotDirectory").Value!, "..", "..", "..");
        var declarations = new[] { "Rules", "Runtime", "Generator" }
            .SelectMany(d => Directory.EnumerateFiles(Path.Combine(root, d), "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal) && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => File.ReadLines(f).Select(l => (File: Path.GetRelativePath(root, f).Replace('\\', '/'), Line: l.Trim())))
            .Where(x => x.Line.Contains("enum RuleKind", StringComparison.Ordinal) || x.Line.Contains("enum MatchKind", StringComparison.Ordinal)
                || x.Line.StartsWith("public const int VerdictBitCount = ", StringComparison.Ordinal) && !x.Line.Contains("VerdictBits.", StringComparison.Ordinal) && !x.Line.Contains("VerdictLayout.", StringComparison.Ordinal)
                || x.Line.StartsWith("public const int PoolShift = ", StringComparison.Ordinal) && !x.Line.Contains("VerdictBits.", StringComparison.Ordinal) && !x.Line.Contains("VerdictLayout.", StringComparison.Ordinal))
            .Select(x => x.File)
            .Distinct()
            .ToList();
        Assert.Equal(["Rules/Contract/DispatchContract.cs"], declarations);
    }
}
