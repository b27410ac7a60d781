using System.Collections.Generic;
using System.Globalization;
using System.Text;
using Vmdq.Rules.Model;

namespace Vmdq.Rules.Analysis;

/// <summary>
/// One concrete frame, by the fields rules match on (spec, "Frame parsing"): what a conflict,
/// duplicate, override or redundancy message shows so that the two rules' disagreement (or
/// agreement) can be checked against a real frame.
/// </summary>
/// <param name="Dst">Outer destination MAC.</param>
/// <param name="Cvid">C-tag VLAN ID, or null for an untagged frame.</param>
/// <param name="Vni">VXLAN VNI, or null when the frame is not VXLAN.</param>
/// <param name="Vsid">NVGRE VSID, or null when the frame is not NVGRE.</param>
/// <param name="InnerDst">Inner destination MAC of a VXLAN or NVGRE frame.</param>
/// <param name="VxlanPort">UDP destination port of a VXLAN frame (the file's <c>vxlan-port</c>).</param>
internal sealed record WitnessFrame(ulong Dst, uint? Cvid, uint? Vni, uint? Vsid, ulong? InnerDst, int VxlanPort)
{
    /// <summary>True when a rule with <paramref name="key"/> matches this frame (spec, "Which rule wins", one rule alone).</summary>
    public bool IsMatchedBy(MatchKey key) => key.Kind switch
    {
        MatchKind.VxlanInner => Vni == key.Id && InnerDst == key.Mac,
        MatchKind.Vxlan => Vni == key.Id,
        MatchKind.NvgreInner => Vsid == key.Id && InnerDst == key.Mac,
        MatchKind.Nvgre => Vsid == key.Id,
        MatchKind.MacVlan => Dst == key.Mac && Cvid == key.Id,
        MatchKind.Mac => Dst == key.Mac,
        MatchKind.Vlan => Cvid == key.Id,
        MatchKind.Broadcast => Dst == Mac.Broadcast,
        MatchKind.Multicast => Mac.IsGroup(Dst) && Dst != Mac.Broadcast,
        _ => false,
    };

    /// <summary>The fields as a message shows them, e.g. <c>dst 00:1b:21:0a:0b:01, C-VID 150</c>.</summary>
    public override string ToString()
    {
        var text = new StringBuilder("dst ").Append(Mac.Format(Dst));
        text.Append(Cvid is { } cvid ? ", C-VID " + cvid.ToString(CultureInfo.InvariantCulture) : ", untagged");
        if (Vni is { } vni)
        {
            text.Append(", VXLAN VNI ").Append(vni.ToString(CultureInfo.InvariantCulture))
                .Append(" on UDP port ").Append(VxlanPort.ToString(CultureInfo.InvariantCulture));
        }

        if (Vsid is { } vsid)
        {
            text.Append(", NVGRE VSID ").Append(vsid.ToString(CultureInfo.InvariantCulture));
        }

        if (InnerDst is { } inner)
        {
            text.Append(", inner dst ").Append(Mac.Format(inner));
        }

        return text.ToString();
    }
}

/// <summary>
/// Builds the witness frame of a match: a frame that a rule with that match takes, and that no rule
/// of the file with a higher precedence takes first, so the verdict really comes from that match.
/// </summary>
internal static class Counterexample
{
    /// <summary>Locally administered unicast MACs (02:00:00:00:00:01 up) are the free addresses a witness uses.</summary>
    private const ulong FreeUnicastBase = 0x0200_0000_0000UL;

    /// <summary>IPv4 multicast MACs (01:00:5e:00:00:01 up) are the free group addresses a <c>multicast</c> witness uses.</summary>
    private const ulong FreeMulticastBase = 0x0100_5E00_0000UL;

    /// <summary>
    /// A frame that <paramref name="key"/> matches and no higher-precedence rule of <paramref name="rules"/>
    /// matches; or, when every such frame is taken first (a <c>mac ff:ff:ff:ff:ff:ff</c> rule takes every
    /// broadcast frame), null and the rule that takes it.
    /// </summary>
    /// <param name="key">The match (of the two rules involved, which have the same match or nested ones: the more specific).</param>
    /// <param name="rules">Every rule of the file, to pick addresses no rule uses and to check precedence.</param>
    /// <param name="vxlanPort">The file's VXLAN port.</param>
    public static (WitnessFrame? Frame, FilterRule? TakenBy) Find(MatchKey key, IReadOnlyList<FilterRule> rules, int vxlanPort) =>
        Find(key, new RuleIndex(rules), vxlanPort);

    /// <summary>As <see cref="Find(MatchKey, IReadOnlyList{FilterRule}, int)"/>, with the file's rules indexed once for every witness of a file.</summary>
    /// <param name="key">The match.</param>
    /// <param name="rules">Every rule of the file, indexed.</param>
    /// <param name="vxlanPort">The file's VXLAN port.</param>
    public static (WitnessFrame? Frame, FilterRule? TakenBy) Find(MatchKey key, RuleIndex rules, int vxlanPort)
    {
        var used = rules.UsedMacs;
        ulong outer = Free(FreeUnicastBase, used, 0);
        ulong inner = Free(FreeUnicastBase, used, outer);
        var frame = key.Kind switch
        {
            MatchKind.Mac => new WitnessFrame(key.Mac, null, null, null, null, vxlanPort),
            MatchKind.MacVlan => new WitnessFrame(key.Mac, key.Id, null, null, null, vxlanPort),
            MatchKind.Vlan => new WitnessFrame(outer, key.Id, null, null, null, vxlanPort),
            MatchKind.Broadcast => new WitnessFrame(Mac.Broadcast, null, null, null, null, vxlanPort),
            MatchKind.Multicast => new WitnessFrame(Free(FreeMulticastBase, used, 0), null, null, null, null, vxlanPort),
            MatchKind.Vxlan => new WitnessFrame(outer, null, key.Id, null, inner, vxlanPort),
            MatchKind.VxlanInner => new WitnessFrame(outer, null, key.Id, null, key.Mac, vxlanPort),
            MatchKind.Nvgre => new WitnessFrame(outer, null, null, key.Id, inner, vxlanPort),
            _ => new WitnessFrame(outer, null, null, key.Id, key.Mac, vxlanPort), // NvgreInner: no rule has kind None
        };

        // "First that matches wins": a rule of a lower-numbered kind that matches decides instead.
        return rules.FirstMatching(frame, key.Kind) is { } rule ? (null, rule) : (frame, null);
    }

    /// <summary>
    /// A file's rules as <see cref="Find(MatchKey, RuleIndex, int)"/> needs them: the MACs they use, and the first rule (in file
    /// order) of each set of rules that match the same frames, so that the first rule matching a frame is found by a few lookups
    /// instead of a pass over every rule (a file with thousands of conflicts on a million rules was quadratic).
    /// </summary>
    internal sealed class RuleIndex
    {
        private readonly IReadOnlyList<FilterRule> _rules;

        /// <summary>The lowest index of a rule by what <see cref="WitnessFrame.IsMatchedBy"/> reads of its match (<see cref="Signature"/>).</summary>
        private readonly Dictionary<MatchKey, int> _first;

        /// <summary>Indexes <paramref name="rules"/>.</summary>
        public RuleIndex(IReadOnlyList<FilterRule> rules)
        {
            _rules = rules;
            UsedMacs = new HashSet<ulong>();
            _first = new Dictionary<MatchKey, int>(rules.Count);
            for (int i = 0; i < rules.Count; i++)
            {
                var match = rules[i].Match;
                UsedMacs.Add(match.Mac);
                if (Signature(match) is { } signature && !_first.ContainsKey(signature))
                {
                    _first.Add(signature, i);
                }
            }
        }

        /// <summary>Every MAC a rule's match holds (0 for the matches with none).</summary>
        public HashSet<ulong> UsedMacs { get; }

        /// <summary>The first rule in file order of a kind below <paramref name="below"/> that matches <paramref name="frame"/>, or null.</summary>
        public FilterRule? FirstMatching(WitnessFrame frame, MatchKind below)
        {
            int best = int.MaxValue;
            void Consider(MatchKind kind, ulong mac, uint id)
            {
                if (kind < below && _first.TryGetValue(new MatchKey(kind, mac, id), out int index) && index < best)
                {
                    best = index;
                }
            }

            // The one signature of each kind that matches the frame (IsMatchedBy, read the other way round).
            if (frame.Vni is { } vni)
            {
                Consider(MatchKind.Vxlan, 0, vni);
                if (frame.InnerDst is { } inner)
                {
                    Consider(MatchKind.VxlanInner, inner, vni);
                }
            }

            if (frame.Vsid is { } vsid)
            {
                Consider(MatchKind.Nvgre, 0, vsid);
                if (frame.InnerDst is { } inner)
                {
                    Consider(MatchKind.NvgreInner, inner, vsid);
                }
            }

            if (frame.Cvid is { } cvid)
            {
                Consider(MatchKind.MacVlan, frame.Dst, cvid);
                Consider(MatchKind.Vlan, 0, cvid);
            }

            Consider(MatchKind.Mac, frame.Dst, 0);
            if (frame.Dst == Mac.Broadcast)
            {
                Consider(MatchKind.Broadcast, 0, 0);
            }
            else if (Mac.IsGroup(frame.Dst))
            {
                Consider(MatchKind.Multicast, 0, 0);
            }

            return best == int.MaxValue ? null : _rules[best];
        }

        /// <summary>The fields of <paramref name="key"/> that <see cref="WitnessFrame.IsMatchedBy"/> compares (the others zero), or null for a match no frame meets.</summary>
        private static MatchKey? Signature(MatchKey key) => key.Kind switch
        {
            MatchKind.VxlanInner or MatchKind.NvgreInner or MatchKind.MacVlan => key,
            MatchKind.Vxlan or MatchKind.Nvgre or MatchKind.Vlan => new MatchKey(key.Kind, 0, key.Id),
            MatchKind.Mac => new MatchKey(key.Kind, key.Mac, 0),
            MatchKind.Broadcast or MatchKind.Multicast => new MatchKey(key.Kind, 0, 0),
            _ => null,
        };
    }

    /// <summary>The first address from <paramref name="start"/> + 1 up that no rule uses and is not <paramref name="taken"/>.</summary>
    private static ulong Free(ulong start, HashSet<ulong> used, ulong taken)
    {
        ulong mac = start + 1;
        while (used.Contains(mac) || mac == taken)
        {
            mac++;
        }

        return mac;
    }
}
