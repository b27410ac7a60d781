using System.Collections.Generic;
using Vmdq.Rules.Model;
using Vmdq.Rules.Tables;

namespace Vmdq.Toolkit.Engine;

/// <summary>
/// Which rules of a rule set match a frame's fields, all of them, in the spec's precedence order ("Which
/// rule wins"): the first is the one the kernel's tables decide by. A linear scan over the model, to
/// explain a verdict (why one rule won and every other matching rule lost); classification never runs it.
/// </summary>
internal static class RuleMatcher
{
    /// <summary>
    /// The verdicts of every rule of <paramref name="rules"/> that matches <paramref name="fields"/>, by
    /// precedence (a lower <see cref="MatchKind"/> first; within a kind, file order); empty when none does.
    /// </summary>
    public static Verdict[] Matching(RuleSet rules, in FrameFields fields)
    {
        // With S-channels only the frame's channel's rules compete (none for an S-VID no channel declares).
        int channel = ChannelOf(rules, fields);
        var matched = new List<ResolvedRule>();
        foreach (var rule in rules.Rules)
        {
            if (rule.Channel == channel && Matches(rule, fields))
            {
                matched.Add(rule);
            }
        }

        // Stable by line within a kind; two rules of one kind never both match (same key: the checker
        // refuses or merges them), so the order within a kind is only for determinism.
        matched.Sort((a, b) => a.Kind != b.Kind ? a.Kind.CompareTo(b.Kind) : a.Line.CompareTo(b.Line));
        var verdicts = new Verdict[matched.Count];
        for (int i = 0; i < verdicts.Length; i++)
        {
            verdicts[i] = new Verdict(VerdictBits.Of(matched[i]));
        }

        return verdicts;
    }

    /// <summary>
    /// The S-channel of a frame: 0 without channels or without an S-tag, the declared channel of its S-VID, or -1 (no rule's) for
    /// an S-VID no channel declares (docs/rules-language.md, "S-channels").
    /// </summary>
    public static int ChannelOf(RuleSet rules, in FrameFields f)
    {
        if (!rules.HasChannels || !f.Has(FrameField.Svid))
        {
            return 0;
        }

        foreach (var channel in rules.Channels)
        {
            if (channel.Svid == f.Svid)
            {
                return channel.Index;
            }
        }

        return -1;
    }

    /// <summary>True when <paramref name="rule"/>'s match holds on <paramref name="f"/>; an absent field never matches.</summary>
    public static bool Matches(ResolvedRule rule, in FrameFields f) => rule.Kind switch
    {
        MatchKind.VxlanInner => f.Has(FrameField.Vni | FrameField.InnerDst) && f.Vni == rule.Id && f.InnerDst == rule.Mac,
        MatchKind.Vxlan => f.Has(FrameField.Vni) && f.Vni == rule.Id,
        MatchKind.NvgreInner => f.Has(FrameField.Vsid | FrameField.InnerDst) && f.Vsid == rule.Id && f.InnerDst == rule.Mac,
        MatchKind.Nvgre => f.Has(FrameField.Vsid) && f.Vsid == rule.Id,
        // "vlan in rules means cvid."
        MatchKind.MacVlan => f.Has(FrameField.Dst | FrameField.Cvid) && f.Dst == rule.Mac && f.Cvid == rule.Id,
        MatchKind.Mac => f.Has(FrameField.Dst) && f.Dst == rule.Mac,
        MatchKind.Vlan => f.Has(FrameField.Cvid) && f.Cvid == rule.Id,
        MatchKind.Broadcast => f.Has(FrameField.Dst) && f.Dst == Mac.Broadcast,
        MatchKind.Multicast => f.Has(FrameField.Dst) && Mac.IsGroup(f.Dst) && f.Dst != Mac.Broadcast,
        _ => false,
    };
}
