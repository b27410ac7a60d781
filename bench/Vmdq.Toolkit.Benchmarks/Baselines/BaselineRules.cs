using System;
using System.Collections.Generic;
using Vmdq.Rules.Model;

namespace Vmdq.Toolkit.Benchmarks.Baselines;

/// <summary>A <c>mac M vlan V</c> key.</summary>
public readonly record struct MacVlanKey(ulong Mac, int Vlan);

/// <summary>A <c>vxlan VNI inner M</c> or <c>nvgre VSID inner M</c> key.</summary>
public readonly record struct TunnelInnerKey(int Id, ulong Mac);

/// <summary>
/// A rules file's rules as the baselines use them: each with the <see cref="Verdict"/> it gives
/// (the same bits a generated dispatcher returns: line, pool, queue, drop, kind).
/// </summary>
internal sealed class BaselineRules
{
    public BaselineRules(RuleSet rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        VxlanPort = rules.VxlanPort;
        Default = Verdict.Create(rules.DefaultPool, rules.DefaultQueue, false, 0, RuleKind.Default);
        foreach (var rule in rules.Rules)
        {
            var verdict = VerdictOf(rule);
            Rules.Add((rule, verdict));
            if (rule.Kind == MatchKind.Broadcast)
            {
                Broadcast = verdict;
            }
            else if (rule.Kind == MatchKind.Multicast)
            {
                Multicast = verdict;
            }
        }
    }

    /// <summary>The UDP port that carries VXLAN.</summary>
    public int VxlanPort { get; }

    /// <summary>The default pool's verdict.</summary>
    public Verdict Default { get; }

    /// <summary>The broadcast rule's verdict, if there is one.</summary>
    public Verdict? Broadcast { get; }

    /// <summary>The multicast rule's verdict, if there is one.</summary>
    public Verdict? Multicast { get; }

    /// <summary>Every rule, in file order, with its verdict.</summary>
    public List<(ResolvedRule Rule, Verdict Verdict)> Rules { get; } = new();

    /// <summary>The verdict a rule gives (RuleKind and MatchKind share their numbering: the spec's precedence).</summary>
    public static Verdict VerdictOf(ResolvedRule rule) =>
        Verdict.Create(rule.IsDrop ? 0 : rule.Pool, rule.IsDrop ? 0 : rule.Queue, rule.IsDrop, rule.Line, (RuleKind)(byte)rule.Kind);

    /// <summary>The rules of one kind as (key, verdict) pairs.</summary>
    public IEnumerable<KeyValuePair<TKey, Verdict>> Of<TKey>(MatchKind kind, Func<ResolvedRule, TKey> key)
    {
        foreach (var (rule, verdict) in Rules)
        {
            if (rule.Kind == kind)
            {
                yield return new KeyValuePair<TKey, Verdict>(key(rule), verdict);
            }
        }
    }
}
