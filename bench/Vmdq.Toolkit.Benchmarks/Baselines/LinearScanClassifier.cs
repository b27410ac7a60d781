using System;
using System.Linq;
using Vmdq.Rules.Model;

namespace Vmdq.Toolkit.Benchmarks.Baselines;

/// <summary>
/// Baseline (c): the branchy parser, then every rule in precedence order until one matches. O(rules)
/// per frame: what a first implementation looks like, benchmarked at 1K filters only.
/// </summary>
public sealed class LinearScanClassifier
{
    private readonly Entry[] _rules;
    private readonly Verdict _default;
    private readonly int _vxlanPort;

    internal LinearScanClassifier(BaselineRules rules)
    {
        ArgumentNullException.ThrowIfNull(rules);

        // Stable: within a kind the file order is kept (two rules of one kind never both match).
        _rules = rules.Rules
            .Select((r, i) => (r, i))
            .OrderBy(x => (int)x.r.Rule.Kind).ThenBy(x => x.i)
            .Select(x => new Entry(x.r.Rule.Kind, x.r.Rule.Mac, (int)x.r.Rule.Id, x.r.Verdict))
            .ToArray();
        _default = rules.Default;
        _vxlanPort = rules.VxlanPort;
    }

    /// <summary>Classifies one frame.</summary>
    public Verdict Classify(ReadOnlySpan<byte> frame)
    {
        BranchyParser.Parse(frame, _vxlanPort, out var f);
        bool group = f.HasDst && ((f.Dst >> 40) & 1) != 0;
        foreach (ref readonly var rule in _rules.AsSpan())
        {
            bool match = rule.Kind switch
            {
                MatchKind.VxlanInner => f.Vni == rule.Id && f.HasInnerDst && f.InnerDst == rule.Mac,
                MatchKind.Vxlan => f.Vni == rule.Id,
                MatchKind.NvgreInner => f.Vsid == rule.Id && f.HasInnerDst && f.InnerDst == rule.Mac,
                MatchKind.Nvgre => f.Vsid == rule.Id,
                MatchKind.MacVlan => f.HasDst && f.Dst == rule.Mac && f.Cvid == rule.Id,
                MatchKind.Mac => f.HasDst && f.Dst == rule.Mac,
                MatchKind.Vlan => f.Cvid == rule.Id,
                MatchKind.Broadcast => f.HasDst && f.Dst == 0xFFFF_FFFF_FFFFUL,
                MatchKind.Multicast => group && f.Dst != 0xFFFF_FFFF_FFFFUL,
                _ => false,
            };

            if (match)
            {
                return rule.Verdict;
            }
        }

        return _default;
    }

    private readonly record struct Entry(MatchKind Kind, ulong Mac, int Id, Verdict Verdict);
}
