using System;
using System.Collections.Generic;
using CsCheck;

namespace Vmdq.Toolkit.Runtime.Tests;

/// <summary>
/// Random frames shaped like the spec's "Frame parsing" cases, so that every branch of it is hit
/// often: tag stacks (none, C, S, S+C, C+C, S+S, C+S, 0x9100), IPv4 with IHL 0..15, options and
/// fragments, IPv6 with various next headers, UDP to the VXLAN port or not with random VXLAN flags,
/// GRE with random flag bits and protocol types, inner Ethernet with or without a tag.
/// </summary>
internal static class StructuredFrames
{
    /// <summary>VXLAN ports the frames use; tests parse with these and others.</summary>
    public static readonly int[] Ports = { 4789, 8472, 4790 };

    public static readonly Gen<byte[]> Frame = Gen.Int[0, int.MaxValue].Select(Build);

    /// <summary>A port to parse with: usually one the frames use, sometimes any 16-bit port.</summary>
    public static readonly Gen<int> Port = Gen.Frequency(
        (6, Gen.OneOf(Ports)),
        (2, Gen.Int[0, 65535]));

    /// <summary>Ports no UDP header can hold (the rules compiler allows only 1..65535, but Parse takes any int).</summary>
    public static readonly Gen<int> ImpossiblePort = Gen.OneOf(
        Gen.OneOf(-1, -65536 + 4789, 65536 + 4789, 65536 + 8472, int.MaxValue, int.MinValue),
        Gen.Int[65536, int.MaxValue],
        Gen.Int[int.MinValue, -1]);

    private static readonly (string Name, int[] Tpids)[] TagStacks =
    {
        ("none", Array.Empty<int>()),
        ("C", new[] { 0x8100 }),
        ("S", new[] { 0x88A8 }),
        ("S+C", new[] { 0x88A8, 0x8100 }),
        ("C+C", new[] { 0x8100, 0x8100 }),
        ("S+S", new[] { 0x88A8, 0x88A8 }),
        ("C+S", new[] { 0x8100, 0x88A8 }),
        ("9100", new[] { 0x9100 }),
        ("9100+C", new[] { 0x9100, 0x8100 }),
        ("S+C+C", new[] { 0x88A8, 0x8100, 0x8100 }),
    };

    public static byte[] Build(int seed)
    {
        var r = new Random(seed);
        var b = new List<byte>(160);

        // Destination: unicast, broadcast, multicast or random.
        b.AddRange(r.Next(5) switch
        {
            0 => new byte[] { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
            1 => new byte[] { 0x01, 0x00, 0x5e, 0x00, 0x00, (byte)r.Next(256) },
            _ => Bytes(r, 6),
        });
        b.AddRange(Bytes(r, 6));

        // Half the frames use the stacks that reach IP (none, C, S, S+C), so tunnels stay common.
        foreach (int tpid in TagStacks[r.Next(2) == 0 ? r.Next(4) : r.Next(TagStacks.Length)].Tpids)
        {
            Be16(b, tpid);
            Be16(b, r.Next(65536)); // PCP, DEI and VID all random
        }

        // EtherType: mostly IPv4/IPv6, sometimes with the other version nibble, sometimes ARP or random.
        int l3Kind = r.Next(10);
        bool v6 = l3Kind >= 6 && l3Kind < 9;
        int etherType = l3Kind == 9 ? (r.Next(2) == 0 ? 0x0806 : r.Next(65536)) : v6 ? 0x86DD : 0x0800;
        Be16(b, etherType);
        int version = r.Next(12) == 0 ? (v6 ? 4 : 6) : r.Next(30) == 0 ? r.Next(16) : v6 ? 6 : 4;
        int tunnel = r.Next(4); // 0 none, 1/2 VXLAN-ish UDP, 3 GRE
        int protocol = tunnel switch
        {
            0 => r.Next(4) switch { 0 => 4, 1 => 41, 2 => 6, _ => r.Next(256) },
            3 => 47,
            _ => 17,
        };

        if (v6)
        {
            var h = Bytes(r, 40);
            h[0] = (byte)((version << 4) | (h[0] & 0x0F));
            // Extension headers (hop-by-hop 0, fragment 44) are not followed: the tunnel is lost behind them.
            h[6] = (byte)(r.Next(8) == 0 ? (r.Next(2) == 0 ? 0 : 44) : protocol);
            b.AddRange(h);
        }
        else
        {
            int ihl = r.Next(3) == 0 ? r.Next(16) : 5; // includes the invalid 0..4
            var h = Bytes(r, Math.Max(ihl, 5) * 4);
            h[0] = (byte)((version << 4) | ihl);
            h[9] = (byte)protocol;
            switch (r.Next(6))
            {
                case 0: h[6] = (byte)(h[6] & 0x20); h[7] = 0; break;          // MF maybe, offset 0: parsed
                case 1: break;                                                // random flags and offset
                case 2: h[6] = (byte)(h[6] & 0xE0); h[7] = (byte)(1 + r.Next(255)); break; // non-first fragment
                default: h[6] = (byte)(h[6] & 0x40); h[7] = 0; break;         // DF maybe, offset 0
            }

            b.AddRange(h);
        }

        if (protocol == 17)
        {
            Be16(b, r.Next(65536));
            Be16(b, r.Next(6) switch { 0 => r.Next(65536), 1 => 8472, 2 => 4790, _ => 4789 });
            b.AddRange(Bytes(r, 4)); // length and checksum: never read
            var vxlan = Bytes(r, 8);
            if (r.Next(5) != 0)
            {
                vxlan[0] |= 0x08; // I flag, with random other flags
            }

            b.AddRange(vxlan);
        }
        else if (protocol == 47)
        {
            int flags = r.Next(3) switch { 0 => 0x2000, 1 => 0x2000 | (r.Next(65536) & 0x4FF8), _ => r.Next(65536) };
            Be16(b, flags);
            Be16(b, r.Next(6) switch { 0 => 0x0800, 1 => 0x88BE, 2 => r.Next(65536), _ => 0x6558 });
            b.AddRange(Bytes(r, 4)); // key: VSID and flow ID
        }
        else
        {
            b.AddRange(Bytes(r, r.Next(20)));
        }

        // Inner Ethernet (meaningful only after a tunnel): dst, src, maybe a tag, EtherType, payload.
        b.AddRange(Bytes(r, 12));
        switch (r.Next(4))
        {
            case 0: Be16(b, 0x8100); Be16(b, r.Next(65536)); break;
            case 1: Be16(b, 0x88A8); Be16(b, r.Next(65536)); break;
            default: break;
        }

        Be16(b, r.Next(3) == 0 ? r.Next(65536) : 0x0800);
        b.AddRange(Bytes(r, r.Next(24)));
        return b.ToArray();
    }

    private static byte[] Bytes(Random r, int count)
    {
        var bytes = new byte[count];
        r.NextBytes(bytes);
        return bytes;
    }

    private static void Be16(List<byte> b, int v)
    {
        b.Add((byte)(v >> 8));
        b.Add((byte)v);
    }
}
