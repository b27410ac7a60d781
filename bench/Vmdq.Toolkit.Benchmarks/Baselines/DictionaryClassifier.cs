using System;
using System.Collections.Generic;
using Vmdq.Rules.Model;

namespace Vmdq.Toolkit.Benchmarks.Baselines;

/// <summary>
/// Baseline (a): the branchy parser and one <see cref="Dictionary{TKey,TValue}"/> per kind of rule,
/// looked up in the spec's precedence order with early returns.
/// </summary>
public sealed class DictionaryClassifier
{
    private readonly Dictionary<TunnelInnerKey, Verdict> _vxlanInner;
    private readonly Dictionary<int, Verdict> _vxlan;
    private readonly Dictionary<TunnelInnerKey, Verdict> _nvgreInner;
    private readonly Dictionary<int, Verdict> _nvgre;
    private readonly Dictionary<MacVlanKey, Verdict> _macVlan;
    private readonly Dictionary<ulong, Verdict> _mac;
    private readonly Dictionary<int, Verdict> _vlan;
    private readonly Verdict _broadcast, _multicast, _default;
    private readonly bool _hasBroadcast, _hasMulticast;
    private readonly int _vxlanPort;

    internal DictionaryClassifier(BaselineRules rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        _vxlanInner = new(rules.Of(MatchKind.VxlanInner, r => new TunnelInnerKey((int)r.Id, r.Mac)));
        _vxlan = new(rules.Of(MatchKind.Vxlan, r => (int)r.Id));
        _nvgreInner = new(rules.Of(MatchKind.NvgreInner, r => new TunnelInnerKey((int)r.Id, r.Mac)));
        _nvgre = new(rules.Of(MatchKind.Nvgre, r => (int)r.Id));
        _macVlan = new(rules.Of(MatchKind.MacVlan, r => new MacVlanKey(r.Mac, (int)r.Id)));
        _mac = new(rules.Of(MatchKind.Mac, r => r.Mac));
        _vlan = new(rules.Of(MatchKind.Vlan, r => (int)r.Id));
        _hasBroadcast = rules.Broadcast.HasValue;
        _broadcast = rules.Broadcast.GetValueOrDefault();
        _hasMulticast = rules.Multicast.HasValue;
        _multicast = rules.Multicast.GetValueOrDefault();
        _default = rules.Default;
        _vxlanPort = rules.VxlanPort;
    }

    /// <summary>Classifies one frame.</summary>
    public Verdict Classify(ReadOnlySpan<byte> frame)
    {
        BranchyParser.Parse(frame, _vxlanPort, out var f);
        Verdict v;
        if (f.Vni >= 0)
        {
            if (f.HasInnerDst && _vxlanInner.TryGetValue(new TunnelInnerKey(f.Vni, f.InnerDst), out v))
            {
                return v;
            }

            if (_vxlan.TryGetValue(f.Vni, out v))
            {
                return v;
            }
        }
        else if (f.Vsid >= 0)
        {
            if (f.HasInnerDst && _nvgreInner.TryGetValue(new TunnelInnerKey(f.Vsid, f.InnerDst), out v))
            {
                return v;
            }

            if (_nvgre.TryGetValue(f.Vsid, out v))
            {
                return v;
            }
        }

        if (f.HasDst)
        {
            if (f.Cvid >= 0 && _macVlan.TryGetValue(new MacVlanKey(f.Dst, f.Cvid), out v))
            {
                return v;
            }

            if (_mac.TryGetValue(f.Dst, out v))
            {
                return v;
            }
        }

        if (f.Cvid >= 0 && _vlan.TryGetValue(f.Cvid, out v))
        {
            return v;
        }

        if (f.HasDst && ((f.Dst >> 40) & 1) != 0)
        {
            if (f.Dst == 0xFFFF_FFFF_FFFFUL)
            {
                if (_hasBroadcast)
                {
                    return _broadcast;
                }
            }
            else if (_hasMulticast)
            {
                return _multicast;
            }
        }

        return _default;
    }
}
