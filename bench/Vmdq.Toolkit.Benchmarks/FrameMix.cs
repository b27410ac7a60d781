using System;
using System.Buffers.Binary;
using System.Collections.Generic;

namespace Vmdq.Toolkit.Benchmarks;

/// <summary>What a frame of the mix is built to exercise.</summary>
public enum FrameClass
{
    /// <summary>Untagged (20% C-tagged with a VLAN that has a <c>vlan</c> rule: <c>mac</c> must win), dst = a <c>mac</c> rule's MAC.</summary>
    Mac,
    /// <summary>C-tagged (10% S+C, QinQ) with a <c>mac ... vlan</c> rule's MAC and VLAN.</summary>
    MacVlan,
    /// <summary>C-tagged with a <c>vlan</c> rule's VLAN, unknown dst.</summary>
    Vlan,
    /// <summary>VXLAN (25% over IPv6) to 4789 with a <c>vxlan</c> rule's VNI.</summary>
    Vxlan,
    /// <summary>VXLAN with a <c>vxlan ... inner</c> rule's VNI and inner MAC.</summary>
    VxlanInner,
    /// <summary>NVGRE with an <c>nvgre</c> rule's VSID.</summary>
    Nvgre,
    /// <summary>NVGRE with an <c>nvgre ... inner</c> rule's VSID and inner MAC.</summary>
    NvgreInner,
    /// <summary>An ARP broadcast.</summary>
    Broadcast,
    /// <summary>Untagged, unknown dst: the default pool.</summary>
    MissUntagged,
    /// <summary>C-tagged with a VLAN no <c>vlan</c> rule has, unknown dst: the default pool.</summary>
    MissTagged,
    /// <summary>VXLAN with an unknown VNI and unknown outer dst: falls through to the default pool.</summary>
    MissVxlan,
    /// <summary>NVGRE with an unknown VSID and unknown outer dst: falls through to the default pool.</summary>
    MissNvgre,
}

/// <summary>
/// The benchmark traffic: <see cref="Count"/> frames built deterministically from <c>BenchRules</c>'
/// value functions, 90% of them hitting a rule (a uniformly random one of the wanted kind) and 10%
/// missing. Frame types: untagged, C-tagged (some QinQ), VXLAN (IPv4 and IPv6) to 4789, NVGRE; some
/// tunnels have an outer C-tag and some an inner C-tag. Frames are 60..~190 bytes, each starting on a
/// 64-byte boundary of one buffer (as in NIC receive buffers), and also kept as separate arrays.
/// </summary>
public sealed class FrameMix
{
    /// <summary>Frames in the mix (cycled through by every per-frame benchmark).</summary>
    public const int Count = 4096;

    private const ulong UnknownMacBase = 0x02_70_00_00_00_00UL;
    private const ulong OuterTunnelMacBase = 0x02_80_00_00_00_00UL;
    private const ulong InnerUnknownMacBase = 0x02_90_00_00_00_00UL;
    private const ulong SrcMacBase = 0x02_a0_00_00_00_00UL;

    private FrameMix(byte[][] frames, FrameClass[] classes)
    {
        Frames = frames;
        Classes = classes;
        Slices = new FrameSlice[frames.Length];
        int offset = 0;
        for (int i = 0; i < frames.Length; i++)
        {
            Slices[i] = new FrameSlice(offset, frames[i].Length);
            offset += (frames[i].Length + 63) & ~63;
        }

        Buffer = new byte[offset + 64];
        for (int i = 0; i < frames.Length; i++)
        {
            frames[i].CopyTo(Buffer.AsSpan(Slices[i].Offset));
        }
    }

    /// <summary>Each frame as its own array.</summary>
    public byte[][] Frames { get; }

    /// <summary>What each frame was built to exercise.</summary>
    public FrameClass[] Classes { get; }

    /// <summary>All frames in one buffer (64-byte aligned starts).</summary>
    public byte[] Buffer { get; }

    /// <summary>Where each frame lies in <see cref="Buffer"/>.</summary>
    public FrameSlice[] Slices { get; }

    /// <summary>The kind of rule that must decide a frame of <paramref name="c"/> (Default for the misses).</summary>
    public static RuleKind ExpectedKind(FrameClass c) => c switch
    {
        FrameClass.Mac => RuleKind.Mac,
        FrameClass.MacVlan => RuleKind.MacVlan,
        FrameClass.Vlan => RuleKind.Vlan,
        FrameClass.Vxlan => RuleKind.Vxlan,
        FrameClass.VxlanInner => RuleKind.VxlanInner,
        FrameClass.Nvgre => RuleKind.Nvgre,
        FrameClass.NvgreInner => RuleKind.NvgreInner,
        FrameClass.Broadcast => RuleKind.Broadcast,
        _ => RuleKind.Default,
    };

    /// <summary>Builds the mix for <c>filters-<paramref name="filters"/>.vmdq</c>; the same arguments always give the same bytes.</summary>
    public static FrameMix Create(int filters, int count = Count)
    {
        var (mac, macVlan, vlan, vxlan, vxlanInner, nvgre, nvgreInner) = BenchRules.Mix(filters);
        var rng = new SplitMix64(0x5EED_F00D);
        var frames = new byte[count][];
        var classes = new FrameClass[count];
        var w = new FrameWriter();
        for (int f = 0; f < count; f++)
        {
            // Percentages: hits 90 (mac 27, mac+vlan 14, vlan 9, vxlan 13, vxlan+inner 7, nvgre 12,
            // nvgre+inner 7, broadcast 1), misses 10 (untagged 3, tagged 3, vxlan 2, nvgre 2).
            int roll = (int)rng.Below(100);
            FrameClass c = roll switch
            {
                < 27 => FrameClass.Mac,
                < 41 => FrameClass.MacVlan,
                < 50 => FrameClass.Vlan,
                < 63 => FrameClass.Vxlan,
                < 70 => FrameClass.VxlanInner,
                < 82 => FrameClass.Nvgre,
                < 89 => FrameClass.NvgreInner,
                < 90 => FrameClass.Broadcast,
                < 93 => FrameClass.MissUntagged,
                < 96 => FrameClass.MissTagged,
                < 98 => FrameClass.MissVxlan,
                _ => FrameClass.MissNvgre,
            };

            classes[f] = c;
            w.Reset();
            ulong src = SrcMacBase + rng.Below(1 << 20);
            int payload = (int)rng.Below(64);
            switch (c)
            {
                case FrameClass.Mac:
                {
                    ulong dst = 0x02_10_00_00_00_00UL + rng.Below((ulong)mac);
                    int? cvid = rng.Below(5) == 0 ? 1 + (int)rng.Below((ulong)vlan) : null;
                    Plain(w, dst, src, null, cvid, payload);
                    break;
                }

                case FrameClass.MacVlan:
                {
                    int i = (int)rng.Below((ulong)macVlan);
                    int? svid = rng.Below(10) == 0 ? 100 : null;
                    Plain(w, 0x02_20_00_00_00_00UL + (ulong)i, src, svid, BenchRules.MacVlanVlan(i), payload);
                    break;
                }

                case FrameClass.Vlan:
                    Plain(w, UnknownMacBase + rng.Below(1 << 20), src, null, 1 + (int)rng.Below((ulong)vlan), payload);
                    break;

                case FrameClass.Vxlan:
                    Vxlan(w, ref rng, vlan, 10_000 + (int)rng.Below((ulong)vxlan), InnerUnknownMacBase + rng.Below(1 << 20), payload);
                    break;

                case FrameClass.VxlanInner:
                {
                    int i = (int)rng.Below((ulong)vxlanInner);
                    Vxlan(w, ref rng, vlan, BenchRules.VxlanInnerVni(filters, i), 0x02_30_00_00_00_00UL + (ulong)i, payload);
                    break;
                }

                case FrameClass.Nvgre:
                    Nvgre(w, ref rng, vlan, 0x10_000 + (int)rng.Below((ulong)nvgre), InnerUnknownMacBase + rng.Below(1 << 20), payload);
                    break;

                case FrameClass.NvgreInner:
                {
                    int i = (int)rng.Below((ulong)nvgreInner);
                    Nvgre(w, ref rng, vlan, BenchRules.NvgreInnerVsid(filters, i), 0x02_40_00_00_00_00UL + (ulong)i, payload);
                    break;
                }

                case FrameClass.Broadcast:
                    w.Ethernet(0xFFFF_FFFF_FFFFUL, src, null, null, 0x0806);
                    w.Zeros(28);                                                   // ARP
                    break;

                case FrameClass.MissUntagged:
                    Plain(w, UnknownMacBase + rng.Below(1 << 20), src, null, null, payload);
                    break;

                case FrameClass.MissTagged:
                    // 4001..4094 belong to mac+vlan rules only, never to a vlan rule.
                    Plain(w, UnknownMacBase + rng.Below(1 << 20), src, null, 4001 + (int)rng.Below(94), payload);
                    break;

                case FrameClass.MissVxlan:
                    Vxlan(w, ref rng, 0, 0xF0_0000 + (int)rng.Below(0x1_0000), InnerUnknownMacBase + rng.Below(1 << 20), payload);
                    break;

                default:
                    Nvgre(w, ref rng, 0, 0xE0_0000 + (int)rng.Below(0x1_0000), InnerUnknownMacBase + rng.Below(1 << 20), payload);
                    break;
            }

            w.PadTo(60);
            frames[f] = w.ToArray();
        }

        return new FrameMix(frames, classes);
    }

    /// <summary>Counts of each class, for the report.</summary>
    public Dictionary<FrameClass, int> ClassCounts()
    {
        var counts = new Dictionary<FrameClass, int>();
        foreach (var c in Classes)
        {
            counts[c] = counts.GetValueOrDefault(c) + 1;
        }

        return counts;
    }

    // Ethernet (optionally tagged), IPv4, TCP, payload.
    private static void Plain(FrameWriter w, ulong dst, ulong src, int? svid, int? cvid, int payload)
    {
        w.Ethernet(dst, src, svid, cvid, 0x0800);
        w.Ipv4(6);
        w.Zeros(20 + payload);                                                     // TCP header + data
    }

    // Outer Ethernet (20% C-tagged with a vlan-rule VLAN, so precedence matters), IPv4 or IPv6 (25%),
    // UDP to 4789, VXLAN, inner Ethernet (20% with an inner C-tag), inner IPv4 + TCP.
    private static void Vxlan(FrameWriter w, ref SplitMix64 rng, int vlanRules, int vni, ulong inner, int payload)
    {
        int? cvid = vlanRules > 0 && rng.Below(5) == 0 ? 1 + (int)rng.Below((ulong)vlanRules) : null;
        bool v6 = rng.Below(4) == 0;
        w.Ethernet(OuterTunnelMacBase + rng.Below(256), OuterTunnelMacBase + 0x1000 + rng.Below(256), null, cvid, v6 ? (ushort)0x86DD : (ushort)0x0800);
        if (v6)
        {
            w.Ipv6(17);
        }
        else
        {
            w.Ipv4(17);
        }

        w.U16((ushort)(49152 + rng.Below(16384)));                                 // UDP source port (entropy)
        w.U16(4789);
        w.U16(0);
        w.U16(0);
        w.U8(0x08);                                                                // VXLAN: I flag
        w.Zeros(3);
        w.U8((byte)(vni >> 16));
        w.U8((byte)(vni >> 8));
        w.U8((byte)vni);
        w.U8(0);
        InnerEthernet(w, ref rng, inner, payload);
    }

    // Outer Ethernet, IPv4 protocol 47, GRE with K set and protocol 0x6558, inner Ethernet.
    private static void Nvgre(FrameWriter w, ref SplitMix64 rng, int vlanRules, int vsid, ulong inner, int payload)
    {
        int? cvid = vlanRules > 0 && rng.Below(5) == 0 ? 1 + (int)rng.Below((ulong)vlanRules) : null;
        w.Ethernet(OuterTunnelMacBase + rng.Below(256), OuterTunnelMacBase + 0x1000 + rng.Below(256), null, cvid, 0x0800);
        w.Ipv4(47);
        w.U16(0x2000);
        w.U16(0x6558);
        w.U32(((uint)vsid << 8) | (uint)rng.Below(256));                            // VSID + flow ID
        InnerEthernet(w, ref rng, inner, payload);
    }

    private static void InnerEthernet(FrameWriter w, ref SplitMix64 rng, ulong inner, int payload)
    {
        int? innerVid = rng.Below(5) == 0 ? 1 + (int)rng.Below(4094) : null;
        w.Ethernet(inner, SrcMacBase + rng.Below(1 << 20), null, innerVid, 0x0800);
        w.Ipv4(6);
        w.Zeros(20 + payload);
    }

    /// <summary>Appends big-endian header fields to a growing frame.</summary>
    private sealed class FrameWriter
    {
        private readonly byte[] _bytes = new byte[512];
        private int _length;

        public void Reset() => _length = 0;

        public void U8(byte value) => _bytes[_length++] = value;

        public void U16(ushort value)
        {
            BinaryPrimitives.WriteUInt16BigEndian(_bytes.AsSpan(_length), value);
            _length += 2;
        }

        public void U32(uint value)
        {
            BinaryPrimitives.WriteUInt32BigEndian(_bytes.AsSpan(_length), value);
            _length += 4;
        }

        public void Mac(ulong mac)
        {
            U16((ushort)(mac >> 32));
            U32((uint)mac);
        }

        public void Zeros(int count)
        {
            _bytes.AsSpan(_length, count).Clear();
            _length += count;
        }

        public void Ethernet(ulong dst, ulong src, int? svid, int? cvid, ushort etherType)
        {
            Mac(dst);
            Mac(src);
            if (svid is { } s)
            {
                U16(0x88A8);
                U16((ushort)s);
            }

            if (cvid is { } c)
            {
                U16(0x8100);
                U16((ushort)((3 << 13) | c));                                      // PCP 3
            }

            U16(etherType);
        }

        public void Ipv4(byte protocol)
        {
            U8(0x45);
            U8(0);
            U16(0);                                                                // total length: never read
            U16(0x1234);
            U16(0x4000);                                                           // DF, offset 0
            U8(64);
            U8(protocol);
            U16(0);
            U32(0x0A00_0001);
            U32(0x0A00_0002);
        }

        public void Ipv6(byte nextHeader)
        {
            U32(0x6000_0000);
            U16(0);                                                                // payload length: never read
            U8(nextHeader);
            U8(64);
            Zeros(32);
        }

        public void PadTo(int length)
        {
            if (_length < length)
            {
                Zeros(length - _length);
            }
        }

        public byte[] ToArray() => _bytes.AsSpan(0, _length).ToArray();
    }
}

/// <summary>A small deterministic generator (SplitMix64): the same seed gives the same frames on every machine and runtime.</summary>
public struct SplitMix64(ulong seed)
{
    private ulong _state = seed;

    /// <summary>The next 64 random bits.</summary>
    public ulong Next()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A value in [0, <paramref name="bound"/>); <paramref name="bound"/> must be positive.</summary>
    public ulong Below(ulong bound) => bound == 0 ? throw new ArgumentOutOfRangeException(nameof(bound)) : Next() % bound;
}
