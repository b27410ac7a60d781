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
        var macs = new SortedSet<ulong>();
        var vlans = new SortedSet<int>();
        foreach (var rule in rules)
        {
            if (rule.IsDrop || rule.Pool != pool.Index)
            {
                continue;
            }

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

        if (pool.VlanInsert != 0)
        {
            vlans.Add(pool.VlanInsert);
        }

        bool macCheck = pool.AntiSpoofMac ?? macs.Count > 0;
        return new PoolTransmit(macCheck, pool.AntiSpoofVlan, macs.ToEquatableArray(), vlans.ToEquatableArray(), pool.VlanInsert);
    }
}
