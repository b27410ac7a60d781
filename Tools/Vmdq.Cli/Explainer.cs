using System;
using System.Collections.Generic;
using System.Linq;
using Vmdq.Toolkit;
using Vmdq.Toolkit.Capture;

namespace Vmdq.Cli;

/// <summary>
/// Explains frames against a loaded rule set: the dispatcher's own parse and verdict, and every rule that
/// matched (<see cref="RuntimeDispatcher.MatchingRules"/>), so the explanation is of what the kernel does,
/// not of a second classifier's opinion.
/// </summary>
internal sealed class Explainer
{
    private readonly RuntimeDispatcher _dispatcher;
    private readonly Dictionary<int, string> _poolNames;
    private readonly HashSet<int> _runtimeLines;
    private readonly Dictionary<int, ExplainedRule> _rules = new();

    /// <summary>Creates an explainer over <paramref name="dispatcher"/>'s rules in force.</summary>
    public Explainer(RuntimeDispatcher dispatcher)
    {
        _dispatcher = dispatcher;
        _poolNames = dispatcher.Info.Pools.ToDictionary(p => p.Index, p => p.Name);
        _runtimeLines = dispatcher.RuntimeRules.Select(h => h.Line).ToHashSet();
    }

    /// <summary>The rule kind as the language writes it, with placeholders: <c>vxlan VNI inner MAC</c>.</summary>
    public static string KindName(RuleKind kind) => kind switch
    {
        RuleKind.VxlanInner => "vxlan VNI inner MAC",
        RuleKind.Vxlan => "vxlan VNI",
        RuleKind.NvgreInner => "nvgre VSID inner MAC",
        RuleKind.Nvgre => "nvgre VSID",
        RuleKind.MacVlan => "mac MAC vlan VID",
        RuleKind.Mac => "mac MAC",
        RuleKind.Vlan => "vlan VID",
        RuleKind.Broadcast => "broadcast",
        RuleKind.Multicast => "multicast",
        _ => "default pool",
    };

    /// <summary>The kind's place in the spec's "Which rule wins" list (1 wins over 2...; broadcast and multicast share 8).</summary>
    public static int Precedence(RuleKind kind) => kind == RuleKind.Multicast ? 8 : kind == RuleKind.Default ? 9 : (int)kind;

    /// <summary>Explains <paramref name="frame"/>.</summary>
    public FrameExplanation Explain(InputFrame frame)
    {
        FrameFields fields = _dispatcher.Parse(frame.Data);
        Verdict verdict = _dispatcher.Classify(frame.Data);
        IReadOnlyList<Verdict> matching = _dispatcher.MatchingRules(fields);

        var (target, decider, replicas) = Describe(verdict);
        var losers = new List<LosingRule>();
        foreach (Verdict other in matching)
        {
            if (other.RuleLine == verdict.RuleLine)
            {
                continue;
            }

            var rule = RuleAt(other.RuleLine, other.Kind);
            losers.Add(new LosingRule(rule, TargetOf(other), decider is null ? "it did not decide" : WhyLost(rule, decider)));
        }

        var notes = new List<string>();
        if (matching.Count > 0 && matching[0] != verdict)
        {
            // RuntimeDispatcher.MatchingRules promises its first verdict is Classify's; say so if it ever is not.
            notes.Add($"the dispatcher decided by line {verdict.RuleLine}, but the first matching rule by precedence is line {matching[0].RuleLine}; please report this.");
        }

        notes.AddRange(Shortfalls(frame, fields));
        return new FrameExplanation(frame, fields, verdict, target, decider, replicas, losers, notes);
    }

    /// <summary>
    /// Where <paramref name="verdict"/> sends a frame, the rule that decided it (null for the default pool) and the
    /// pools a broadcast/multicast verdict replicates to, in the rule's order. Cheap (no rule matching): what
    /// <c>vmdq replay --verdicts</c> says of every frame.
    /// </summary>
    public (ExplainedTarget Target, ExplainedRule? Decider, IReadOnlyList<ExplainedTarget> Replicas) Describe(Verdict verdict)
    {
        var replicas = new List<ExplainedTarget>();
        foreach (int pool in _dispatcher.Replicas(verdict))
        {
            replicas.Add(new ExplainedTarget(false, pool, PoolName(pool), -1));
        }

        return (TargetOf(verdict), verdict.IsDefault ? null : RuleAt(verdict.RuleLine, verdict.Kind), replicas);
    }

    /// <summary>Why <paramref name="loser"/> lost to <paramref name="winner"/>, naming both.</summary>
    private static string WhyLost(ExplainedRule loser, ExplainedRule winner) =>
        Precedence(loser.Kind) == Precedence(winner.Kind)
            ? $"{KindName(loser.Kind)} rule at line {loser.Line} matched, but {KindName(winner.Kind)} at line {winner.Line} has the same precedence and comes first"
            : $"{KindName(loser.Kind)} rule at line {loser.Line} matched, but {KindName(winner.Kind)} at line {winner.Line} has higher precedence ({Precedence(winner.Kind)} before {Precedence(loser.Kind)})";

    /// <summary>What the frame lacks for the rules to read more of it, from its length and the fields that are absent.</summary>
    private static IEnumerable<string> Shortfalls(InputFrame frame, FrameFields fields)
    {
        byte[] data = frame.Data;
        if (frame.Captured is CapturedFrame captured)
        {
            if (!captured.IsEthernet)
            {
                yield return $"capture link type {captured.LinkType} is not Ethernet (1): these bytes were classified as if they were an Ethernet frame.";
            }

            if (captured.IsTruncated)
            {
                yield return $"the capture kept {data.Length} of the frame's {captured.OriginalLength} bytes (snap length): fields past byte {data.Length} are absent.";
            }
        }

        if (data.Length < 6)
        {
            yield return $"frame too short for a destination MAC ({data.Length} of 6 bytes): no rule can match, the default pool decides.";
            yield break;
        }

        if (data.Length < 14)
        {
            yield return $"frame too short for an Ethernet header ({data.Length} of 14 bytes): only the destination MAC is read.";
            yield break;
        }

        int tpid = (data[12] << 8) | data[13];
        if (!fields.Has(FrameField.Svid) && !fields.Has(FrameField.Cvid) && tpid is 0x8100 or 0x88A8 && data.Length < 16)
        {
            yield return $"frame too short for the VLAN tag at offset 12 (TPID 0x{tpid:X4}, {data.Length} of 16 bytes): no tag is read.";
        }

        if (fields.Has(FrameField.Svid) && !fields.Has(FrameField.Cvid) && data.Length < 20 && data.Length >= 18 && ((data[16] << 8) | data[17]) == 0x8100)
        {
            yield return $"frame too short for the C-tag after the S-tag ({data.Length} of 20 bytes): vlan rules cannot match.";
        }

        if ((fields.Has(FrameField.Vni) || fields.Has(FrameField.Vsid)) && !fields.Has(FrameField.InnerDst))
        {
            yield return "frame too short for the tunnel's inner destination MAC: inner rules cannot match.";
        }
    }

    private ExplainedTarget TargetOf(Verdict verdict) =>
        verdict.IsDrop ? new ExplainedTarget(true, -1, null, -1) : new ExplainedTarget(false, verdict.Pool, PoolName(verdict.Pool), verdict.Queue);

    private string? PoolName(int pool) => _poolNames.TryGetValue(pool, out var name) ? name : null;

    private ExplainedRule RuleAt(int line, RuleKind kind)
    {
        if (_rules.TryGetValue(line, out var known) && known.Kind == kind)
        {
            return known;
        }

        string text = _dispatcher.RuleText(line) ?? string.Empty;
        int comment = text.IndexOf('#', StringComparison.Ordinal);
        string code = string.Join(' ', (comment >= 0 ? text[..comment] : text).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return _rules[line] = new ExplainedRule(line, kind, code, _runtimeLines.Contains(line));
    }
}
