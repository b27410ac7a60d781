using System;
using System.Collections.Generic;
using System.Linq;

namespace Vmdq.Toolkit.Fuzz;

/// <summary>Builds the frames the rules harness classifies: well-formed Ethernet, tagged, VXLAN and NVGRE frames, as the spec's "Frame parsing" reads them.</summary>
internal static class ProbeFrames
{
    public static readonly byte[] Broadcast = { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF };
    public static readonly byte[] Multicast = { 0x01, 0x00, 0x5E, 0x00, 0x00, 0x01 };
    public static readonly byte[] Unicast = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };
    private static readonly byte[] s_source = { 0x02, 0x00, 0x00, 0x00, 0x00, 0xFE };

    /// <summary>An Ethernet frame: destination, source, the tags (TPID, VID), EtherType, payload (IPv4 when none is given, so the frame is not a runt).</summary>
    public static byte[] Ethernet(byte[] dst, int etherType, byte[]? payload = null, params (int Tpid, int Vid)[] tags)
    {
        var f = new List<byte>(dst);
        f.AddRange(s_source);
        foreach (var (tpid, vid) in tags)
        {
            f.AddRange(Be16(tpid));
            f.AddRange(Be16(vid & 0x0FFF));
        }

        f.AddRange(Be16(etherType));
        f.AddRange(payload ?? new byte[46]);
        return f.ToArray();
    }

    /// <summary>An IPv4 header (IHL 5, no fragment) and <paramref name="payload"/>.</summary>
    public static byte[] Ipv4(int protocol, byte[] payload)
    {
        var h = new byte[20];
        h[0] = 0x45;
        h[8] = 64;
        h[9] = (byte)protocol;
        Be16(20 + payload.Length).CopyTo(h, 2);
        h[12] = 10; h[15] = 1; h[16] = 10; h[19] = 2;
        return h.Concat(payload).ToArray();
    }

    /// <summary>An outer Ethernet + IPv4 + UDP(<paramref name="port"/>) + VXLAN(<paramref name="vni"/>) frame carrying <paramref name="inner"/>.</summary>
    public static byte[] Vxlan(byte[] outerDst, int vni, byte[] inner, int port)
    {
        var udp = new List<byte>(Be16(49152));
        udp.AddRange(Be16(port));
        udp.AddRange(Be16(16 + inner.Length));
        udp.AddRange(new byte[2]);
        udp.AddRange(new byte[] { 0x08, 0, 0, 0, (byte)(vni >> 16), (byte)(vni >> 8), (byte)vni, 0 });
        udp.AddRange(inner);
        return Ethernet(outerDst, 0x0800, Ipv4(17, udp.ToArray()));
    }

    /// <summary>An outer Ethernet + IPv4 + GRE(K, 0x6558, key = VSID:flow) frame carrying <paramref name="inner"/>.</summary>
    public static byte[] Nvgre(byte[] outerDst, int vsid, byte[] inner)
    {
        var gre = new List<byte> { 0x20, 0x00, 0x65, 0x58, (byte)(vsid >> 16), (byte)(vsid >> 8), (byte)vsid, 0x07 };
        gre.AddRange(inner);
        return Ethernet(outerDst, 0x0800, Ipv4(47, gre.ToArray()));
    }

    /// <summary>An inner frame to <paramref name="dst"/>, with a C-tag when <paramref name="vid"/> is given.</summary>
    public static byte[] Inner(byte[] dst, int? vid = null) =>
        vid is { } v ? Ethernet(dst, 0x0800, null, (0x8100, v)) : Ethernet(dst, 0x0800);

    public static byte[] Be16(int v) => new[] { (byte)(v >> 8), (byte)v };
}
