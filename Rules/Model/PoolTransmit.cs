using System.Collections.Generic;

namespace Vmdq.Rules.Model;

/// <summary>
/// A pool's transmit-side attributes as the NIC applies them, resolved from a rule set: which anti-spoofing checks
/// are on, the source MACs and VLANs the pool may send with, and the VLAN it inserts. One definition, used by the
/// generator (the <c>PoolInfo</c> it emits) and by the runtime engine (for every version of its rules), so both
/// carry the same values for the same rules.
/// </summary>
/// <param name="MacCheck">MAC anti-spoofing on: a frame whose source MAC is not in <paramref name="Macs"/> is dropped.</param>
/// <param name="VlanCheck">VLAN anti-spoofing on: a frame whose C-VID is not in <paramref name="Vlans"/> is dropped (an untagged one passes only on a <c>vlan-insert</c> pool).</param>
/// <param name="Macs">The pool's own MACs, ascending: the destination MACs of the <c>mac M</c> and <c>mac M vlan V</c> rules that send to it.</param>
/// <param name="Vlans">The pool's VLANs, ascending: those of the <c>vlan V</c> and <c>mac M vlan V</c> rules that send to it, and its <c>vlan-insert</c> VLAN.</param>
/// <param name="VlanInsert">The VLAN inserted on transmit (and whose C-tag is stripped on receive), 0 when none.</param>
internal sealed record PoolTransmit(bool MacCheck, bool VlanCheck, EquatableArray<ulong> Macs, EquatableArray<int> Vlans, int VlanInsert)
{
    /// <summary>The transmit attributes of <paramref name="pool"/> under <paramref name="rules"/>.</summary>
    /// <remarks>
    /// Only single-pool rules give a pool its MACs and VLANs; <c>vxlan</c>/<c>nvgre</c> <c>inner</c> MACs do not: they are the
    /// addresses of stations inside tunnels, while the frames the pool sends carry the tunnel endpoint's MAC outside, which
    /// no rule names. Broadcast and multicast lists and drops give nothing.
    /// </remarks>
    public static PoolTransmit Of(ResolvedPool pool, IEnumerable<ResolvedRule> rules)
    {
        var macs = new List<ulong>();
        var vlans = new List<int>();
        foreach (var rule in rules)
        {
            if (!rule.IsDrop && rule.Pool == pool.Index)
            {
                Collect(rule, macs, vlans);
            }
        }

        return Finish(pool, macs, vlans);
    }

    /// <summary>
    /// <see cref="Of"/> for each of <paramref name="pools"/>, in their order, reading <paramref name="rules"/> once
    /// (not once per pool: a 1M-rule file with 63 pools spent most of a second here).
    /// </summary>
    public static EquatableArray<PoolTransmit> OfAll(IReadOnlyList<ResolvedPool> pools, EquatableArray<ResolvedRule> rules)
    {
        var byIndex = new Dictionary<int, (List<ulong> Macs, List<int> Vlans)>(pools.Count);
        foreach (var pool in pools)
        {
            if (!byIndex.ContainsKey(pool.Index))
            {
                byIndex[pool.Index] = (new List<ulong>(), new List<int>());
            }
        }

        foreach (var rule in rules.AsArray())
        {
            if (!rule.IsDrop && rule.Kind is (MatchKind.Mac or MatchKind.MacVlan or MatchKind.Vlan) && byIndex.TryGetValue(rule.Pool, out var lists))
            {
                Collect(rule, lists.Macs, lists.Vlans);
            }
        }

        var result = new PoolTransmit[pools.Count];
        for (int i = 0; i < result.Length; i++)
        {
            var (macs, vlans) = byIndex[pools[i].Index];

            // Finish sorts and adds to its own copies: two pools with one index (never in a valid model) get the same values.
            result[i] = Finish(pools[i], new List<ulong>(macs), new List<int>(vlans));
        }

        return new EquatableArray<PoolTransmit>(result);
    }

    private static void Collect(ResolvedRule rule, List<ulong> macs, List<int> vlans)
    {
        switch (rule.Kind)
        {
            case MatchKind.Mac:
                macs.Add(rule.Mac);
                break;
            case MatchKind.MacVlan:
                macs.Add(rule.Mac);
                vlans.Add((int)rule.Id);
                break;
            case MatchKind.Vlan:
                vlans.Add((int)rule.Id);
                break;
        }
    }

    /// <summary>The attributes from a pool's collected MACs and VLANs (in any order, with repeats): ascending and distinct, as a set gives them.</summary>
    private static PoolTransmit Finish(ResolvedPool pool, List<ulong> macs, List<int> vlans)
    {
        if (pool.VlanInsert != 0)
        {
            vlans.Add(pool.VlanInsert);
        }

        var macArray = SortedDistinct(macs);
        bool macCheck = pool.AntiSpoofMac ?? macArray.Length > 0;
        return new PoolTransmit(macCheck, pool.AntiSpoofVlan, new EquatableArray<ulong>(macArray), new EquatableArray<int>(SortedDistinct(vlans)), pool.VlanInsert);
    }

    private static T[] SortedDistinct<T>(List<T> items)
        where T : struct, System.IComparable<T>
    {
        items.Sort();
        int n = 0;
        for (int i = 0; i < items.Count; i++)
        {
            if (n == 0 || items[i].CompareTo(items[n - 1]) != 0)
            {
                items[n++] = items[i];
            }
        }

        var array = new T[n];
        items.CopyTo(0, array, 0, n);
        return array;
    }
}
