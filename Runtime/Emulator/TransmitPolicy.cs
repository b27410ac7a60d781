using System;
using System.Collections.Generic;

namespace Vmdq.Toolkit.Emulator;

/// <summary>
/// The per-pool transmit attributes the post path applies (anti-spoofing, VLAN insert), read from a dispatcher's
/// <see cref="PoolInfo"/>s. Immutable: a runtime dispatcher's rule change builds a new one (its pools' MACs and VLANs follow
/// its rules), published with one reference write.
/// </summary>
internal sealed class TransmitPolicy
{
    /// <summary>The C-tag's TPID (IEEE 802.1Q).</summary>
    public const ushort CTagTpid = 0x8100;

    private readonly AntiSpoofChecks[] _checks;
    private readonly ulong[][] _macs;
    private readonly bool[][] _vlans;
    private readonly ushort[] _insertTci;

    private TransmitPolicy(int poolCount, IEnumerable<PoolInfo> pools, long version)
    {
        Version = version;
        _checks = new AntiSpoofChecks[poolCount];
        _macs = new ulong[poolCount][];
        _vlans = new bool[poolCount][];
        _insertTci = new ushort[poolCount];
        foreach (var pool in pools)
        {
            if ((uint)pool.Index >= (uint)poolCount)
            {
                continue;
            }

            _checks[pool.Index] = pool.AntiSpoof;
            var macs = new List<ulong>(pool.SourceMacs ?? Array.Empty<ulong>());
            macs.Sort();
            _macs[pool.Index] = macs.ToArray();
            if (pool.Vlans is { Count: > 0 } vlans)
            {
                var set = new bool[4096];
                foreach (int vlan in vlans)
                {
                    if ((uint)vlan < 4096u)
                    {
                        set[vlan] = true;
                    }
                }

                _vlans[pool.Index] = set;
            }

            if (pool.VlanInsert is > 0 and < 4095)
            {
                // PCP from the pool's priority (802.1Q's user priority), DEI 0.
                _insertTci[pool.Index] = (ushort)(((pool.Priority & 7) << 13) | pool.VlanInsert);
            }
        }
    }

    /// <summary>The runtime dispatcher's rule version this was built from (0 for a generated dispatcher's fixed rules).</summary>
    public long Version { get; }

    public static TransmitPolicy Of(DispatcherInfo info) => new(info.PoolCount, info.Pools, 0);

    public static TransmitPolicy Of(int poolCount, IEnumerable<PoolInfo> pools, long version) => new(poolCount, pools, version);

    public AntiSpoofChecks Checks(int pool) => _checks[pool];

    /// <summary>The TCI to insert for <paramref name="pool"/>, 0 when it inserts none (a TCI with VID 0 is never inserted).</summary>
    public ushort InsertTci(int pool) => _insertTci[pool];

    /// <summary>True when <paramref name="mac"/> is one of the pool's own MACs.</summary>
    public bool OwnsMac(int pool, ulong mac) => _macs[pool] is { } macs && Array.BinarySearch(macs, mac) >= 0;

    /// <summary>True when the pool is on <paramref name="vlan"/>.</summary>
    public bool OnVlan(int pool, int vlan) => _vlans[pool] is { } vlans && vlans[vlan & 0xFFF];
}
