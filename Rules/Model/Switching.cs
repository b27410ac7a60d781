using System.Collections.Generic;
using System.Linq;

namespace Vmdq.Rules.Model;

/// <summary>The <c>switch</c> statement's mode (IEEE 802.1Qbg edge relays).</summary>
internal enum SwitchKind
{
    /// <summary><c>switch veb</c>, the default: Virtual Ethernet Bridge.</summary>
    Veb = 0,

    /// <summary><c>switch vepa</c>: Virtual Ethernet Port Aggregator, the adjacent bridge in reflective relay.</summary>
    Vepa = 1,

    /// <summary>An S-channel's <c>vsi</c> mode: the channel is one VSI (one pool) with no edge relay: what it sends goes straight to the uplink.</summary>
    Vsi = 2,
}

/// <summary>A pool's membership of VLANs <paramref name="Lo"/>..<paramref name="Hi"/>, or of untagged frames when both are -1.</summary>
/// <param name="Pool">The pool index.</param>
/// <param name="Lo">First VLAN ID, or -1 for untagged.</param>
/// <param name="Hi">Last VLAN ID, or -1 for untagged.</param>
internal readonly record struct VlanMember(int Pool, int Lo, int Hi);

/// <summary>The switch's view of a checked rules file: its L2 filters and the pools' VLAN membership (docs/rules-language.md, "Switching").</summary>
internal static class Switching
{
    /// <summary>True for the kinds the switch forwards by (<c>mac M vlan V</c>, <c>mac M</c>, <c>vlan V</c>); never tunnels.</summary>
    public static bool IsL2(MatchKind kind) => kind is MatchKind.MacVlan or MatchKind.Mac or MatchKind.Vlan;

    /// <summary>The rules the switch forwards by, in file order.</summary>
    public static IEnumerable<ResolvedRule> L2Rules(this RuleSet model) => model.Rules.Where(r => IsL2(r.Kind));

    /// <summary>
    /// VLAN membership: pool P is a member of VLAN V when a non-drop <c>vlan V</c> or <c>mac M vlan V</c> rule targets it, V is its
    /// <c>vlan-insert</c> VLAN, or V is in its tenant's <c>vlan</c> range; of untagged frames when it has no <c>vlan-insert</c> and a non-drop <c>mac M</c> rule targets it, or it is a member of no VLAN at
    /// all. Only declared pools are members of anything. Sorted by pool, then untagged first, then by VLAN; adjacent single VLANs are not merged (each rule is one entry).
    /// </summary>
    /// <param name="pools">The declared pools.</param>
    /// <param name="tenantVlans">Each tenant's VLAN range, by tenant name.</param>
    /// <param name="rules">The resolved rules.</param>
    public static EquatableArray<VlanMember> Membership(
        IReadOnlyList<ResolvedPool> pools, IReadOnlyDictionary<string, ValueRange?> tenantVlans, IReadOnlyList<ResolvedRule> rules)
    {
        // A hash set while rule after rule adds (a million rules add a few thousand members), sorted once at the end.
        var members = new HashSet<VlanMember>();
        foreach (var pool in pools)
        {
            if (pool.Tenant is not null && tenantVlans.TryGetValue(pool.Tenant, out var range) && range is not null)
            {
                members.Add(new VlanMember(pool.Index, (int)range.Lo, (int)range.Hi));
            }

            if (pool.VlanInsert != 0)
            {
                // An access port is on its VLAN (a VF given a port VLAN is in that VLAN's filter).
                members.Add(new VlanMember(pool.Index, pool.VlanInsert, pool.VlanInsert));
            }
        }

        var inserts = new HashSet<int>(pools.Where(p => p.VlanInsert != 0).Select(p => p.Index));
        for (int i = 0; i < rules.Count; i++)
        {
            var rule = rules[i];
            if (rule.IsDrop)
            {
                continue;
            }

            if (rule.Kind is MatchKind.MacVlan or MatchKind.Vlan)
            {
                members.Add(new VlanMember(rule.Pool, (int)rule.Id, (int)rule.Id));
            }
            else if (rule.Kind == MatchKind.Mac && !inserts.Contains(rule.Pool))
            {
                // (A vlan-insert pool is an access port: on the wire side its frames are on its VLAN, never untagged.)
                members.Add(new VlanMember(rule.Pool, -1, -1));
            }
        }

        var withMembers = new HashSet<int>();
        foreach (var member in members)
        {
            withMembers.Add(member.Pool);
        }

        foreach (var pool in pools)
        {
            if (withMembers.Add(pool.Index))
            {
                members.Add(new VlanMember(pool.Index, -1, -1));
            }
        }

        var sorted = new VlanMember[members.Count];
        members.CopyTo(sorted);
        System.Array.Sort(sorted, (a, b) => a.Pool != b.Pool ? a.Pool.CompareTo(b.Pool) : a.Lo != b.Lo ? a.Lo.CompareTo(b.Lo) : a.Hi.CompareTo(b.Hi));
        return new EquatableArray<VlanMember>(sorted);
    }
}
