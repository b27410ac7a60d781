using System;
using System.Collections.Generic;
using Vmdq.Rules.Model;

namespace Vmdq.Rules.Reference;

/// <summary>
/// The oracle for classification: the spec's "Which rule wins" read literally. Rules are scanned in
/// precedence order (a <see cref="MatchKind"/>'s numeric value; lower wins) and the first rule whose
/// match holds on the frame's fields decides; with none, the default pool does. A linear scan per
/// frame: slow, but obviously right, which is what generated dispatchers are compared with.
/// </summary>
internal sealed class ReferenceClassifier
{
    // EquatableArray, boxed, so that two verdicts' replica lists compare by value.
    private static readonly IReadOnlyList<int> NoReplicas = EquatableArray<int>.Empty;

    private readonly RuleSet _rules;
    private readonly ResolvedRule[] _byPrecedence;
    private readonly Dictionary<int, byte[]> _reta = new();

    /// <summary>Creates a classifier over a resolved rules file.</summary>
    /// <param name="rules">The model, e.g. <c>RulesCompiler.Compile(path, text).Model</c>.</param>
    public ReferenceClassifier(RuleSet rules)
    {
        _rules = rules ?? throw new ArgumentNullException(nameof(rules));

        // A stable sort by precedence; within one kind the file order is kept (it cannot matter:
        // two rules of one kind that both match a frame have the same key, which the checker rejects).
        var ordered = new List<(ResolvedRule Rule, int Position)>();
        for (int i = 0; i < rules.Rules.Count; i++)
        {
            ordered.Add((rules.Rules[i], i));
        }

        ordered.Sort((a, b) => a.Rule.Kind != b.Rule.Kind ? a.Rule.Kind.CompareTo(b.Rule.Kind) : a.Position.CompareTo(b.Position));
        _byPrecedence = new ResolvedRule[ordered.Count];
        for (int i = 0; i < ordered.Count; i++)
        {
            _byPrecedence[i] = ordered[i].Rule;
        }

        // "each rss pool has a redirection table of 128 entries ... The default table is round robin."
        foreach (var pool in rules.Pools)
        {
            if (pool.Rss)
            {
                _reta[pool.Index] = ReferenceRss.DefaultReta(pool.FirstQueue, pool.LastQueue);
            }
        }
    }

    /// <summary>Replaces an rss pool's redirection table (the runtime's SetRedirectionTable, unchecked).</summary>
    /// <param name="pool">An rss pool.</param>
    /// <param name="queues">128 queues.</param>
    public void SetRedirectionTable(int pool, byte[] queues) => _reta[pool] = (byte[])queues.Clone();

    /// <summary>The rules this classifier runs.</summary>
    public RuleSet Rules => _rules;

    /// <summary>Classifies one frame; never throws on any byte array.</summary>
    /// <param name="frame">An Ethernet frame from its first byte.</param>
    public ReferenceVerdict Classify(byte[] frame) =>
        Spread(Classify(ReferenceFrameParser.Parse(frame, _rules.VxlanPort), spread: false), ReferenceRss.Hash(frame, _rules.VxlanPort));

    /// <summary>Classifies already-parsed fields (as <see cref="ReferenceFrameParser.Parse"/> returns them); they hold no IP header, so an rss pool's verdict takes entry 0.</summary>
    /// <param name="fields">The frame's fields.</param>
    public ReferenceVerdict Classify(ReferenceFrameFields fields) => Classify(fields, spread: true);

    private ReferenceVerdict Classify(ReferenceFrameFields fields, bool spread)
    {
        var verdict = Decide(fields);
        return spread ? Spread(verdict, 0) : verdict;
    }

    /// <summary>"the frame goes to entry hash mod 128" of its pool's table, when the verdict names an rss pool without a queue.</summary>
    private ReferenceVerdict Spread(ReferenceVerdict verdict, uint hash) =>
        verdict.Spread ? verdict with { Queue = _reta[verdict.Pool][hash % ReferenceRss.RetaSize] } : verdict;

    private ReferenceVerdict Decide(ReferenceFrameFields fields)
    {
        if (fields is null)
        {
            throw new ArgumentNullException(nameof(fields));
        }

        // S-channels: "The S-VID selects the S-channel first, before any rule": no S-tag is the untagged channel (0), a
        // declared S-VID its channel, any other S-VID "is dropped: its verdict is a drop with rule line 0 and kind Default".
        int channel = 0;
        ResolvedChannel? declared = null;
        if (_rules.HasChannels && fields.Svid is { } svid)
        {
            foreach (var c in _rules.Channels)
            {
                if (c.Svid == svid)
                {
                    declared = c;
                }
            }

            if (declared is null)
            {
                return new ReferenceVerdict(-1, -1, true, 0, MatchKind.None, NoReplicas);
            }

            channel = declared.Index;
        }

        // "Exactly one verdict per frame, by fixed precedence (first that matches wins)", "over that channel's rules only".
        foreach (var rule in _byPrecedence)
        {
            if (rule.Channel == channel && Matches(rule, fields))
            {
                return VerdictOf(rule);
            }
        }

        if (declared is not null)
        {
            // "goes to the channel's default-pool; a declared channel without one drops it ... with the channel statement's line".
            return declared.DefaultPool < 0
                ? new ReferenceVerdict(-1, -1, true, declared.Line, MatchKind.None, NoReplicas)
                : new ReferenceVerdict(declared.DefaultPool, declared.DefaultQueue, false, 0, MatchKind.None, NoReplicas, declared.DefaultSpreads);
        }

        // "9. the default pool", with "the source line ... 0 for the default pool".
        return new ReferenceVerdict(_rules.DefaultPool, _rules.DefaultQueue, false, 0, MatchKind.None, NoReplicas, _rules.DefaultSpreads);
    }

    /// <summary>True when <paramref name="rule"/>'s match holds on <paramref name="f"/>; an absent field never matches.</summary>
    public static bool Matches(ResolvedRule rule, ReferenceFrameFields f)
    {
        if (rule is null)
        {
            throw new ArgumentNullException(nameof(rule));
        }

        if (f is null)
        {
            throw new ArgumentNullException(nameof(f));
        }

        return rule.Kind switch
        {
            MatchKind.VxlanInner => f.Vni == (int)rule.Id && f.InnerDst == rule.Mac,
            MatchKind.Vxlan => f.Vni == (int)rule.Id,
            MatchKind.NvgreInner => f.Vsid == (int)rule.Id && f.InnerDst == rule.Mac,
            MatchKind.Nvgre => f.Vsid == (int)rule.Id,
            // "vlan in rules means cvid."
            MatchKind.MacVlan => f.Dst == rule.Mac && f.Cvid == (int)rule.Id,
            MatchKind.Mac => f.Dst == rule.Mac,
            MatchKind.Vlan => f.Cvid == (int)rule.Id,
            // "broadcast (dst ff:ff:ff:ff:ff:ff) / multicast (group bit set, not broadcast)".
            MatchKind.Broadcast => f.Dst == Mac.Broadcast,
            MatchKind.Multicast => f.Dst is { } dst && Mac.IsGroup(dst) && dst != Mac.Broadcast,
            _ => false,
        };
    }

    private static ReferenceVerdict VerdictOf(ResolvedRule rule)
    {
        if (rule.IsDrop)
        {
            // Same encoding as the runtime's Verdict: a drop has no pool or queue, and is not replicated.
            return new ReferenceVerdict(-1, -1, true, rule.Line, rule.Kind, NoReplicas);
        }

        // "For a broadcast/multicast verdict, the pool and queue are those of the first pool listed,
        //  and the replication set holds every listed pool." The resolver put them in the rule.
        bool replicated = rule.Kind is MatchKind.Broadcast or MatchKind.Multicast;
        return new ReferenceVerdict(rule.Pool, rule.Queue, false, rule.Line, rule.Kind, replicated ? rule.Replicas : NoReplicas, rule.Spread);
    }
}
