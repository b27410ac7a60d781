using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace Vmdq.Toolkit.Runtime.Tests;

/// <summary>Hand-built frames (network byte order) for the classifier and parser tests.</summary>
internal static class TestFrames
{
    public const string Src = "02:00:00:00:00:aa";

    public static byte[] Mac(string text) =>
        text.Split(':', '-').Select(h => byte.Parse(h, NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToArray();

    public static byte[] Be16(int v) => new[] { (byte)(v >> 8), (byte)v };

    /// <summary>dst, src, then each tag as (TPID, TCI), the EtherType and the payload.</summary>
    public static byte[] Ethernet(string dst, int etherType, byte[] payload, params (int Tpid, int Tci)[] tags)
    {
        var bytes = new List<byte>(Mac(dst));
        bytes.AddRange(Mac(Src));
        foreach (var (tpid, tci) in tags)
        {
            bytes.AddRange(Be16(tpid));
            bytes.AddRange(Be16(tci));
        }

        bytes.AddRange(Be16(etherType));
        bytes.AddRange(payload);
        return bytes.ToArray();
    }

    /// <summary>A plain IPv4 frame (no tunnel), optionally C-tagged.</summary>
    public static byte[] Plain(string dst, int? cvid = null) =>
        Ethernet(dst, 0x0800, Ipv4(6, new byte[20]), cvid is { } v ? new[] { (0x8100, v) } : Array.Empty<(int, int)>());

    public static byte[] Ipv4(int protocol, byte[] payload)
    {
        var header = new byte[20];
        header[0] = 0x45;
        header[8] = 64;
        header[9] = (byte)protocol;
        return header.Concat(payload).ToArray();
    }

    /// <summary>The inner Ethernet header of a tunnel, optionally with a C-tag, plus a little payload.</summary>
    public static byte[] Inner(string dst, int? vid = null) =>
        Ethernet(dst, 0x0800, new byte[8], vid is { } v ? new[] { (0x8100, v) } : Array.Empty<(int, int)>());

    public static byte[] VxlanPayload(int vni, byte[] inner, int port = 4789, byte flags = 0x08) =>
        Be16(49152).Concat(Be16(port)).Concat(new byte[4])
            .Concat(new byte[] { flags, 0, 0, 0, (byte)(vni >> 16), (byte)(vni >> 8), (byte)vni, 0 })
            .Concat(inner).ToArray();

    public static byte[] NvgrePayload(int vsid, byte[] inner, int flowId = 0) =>
        new byte[] { 0x20, 0x00, 0x65, 0x58, (byte)(vsid >> 16), (byte)(vsid >> 8), (byte)vsid, (byte)flowId }.Concat(inner).ToArray();

    /// <summary>An outer IPv4/UDP VXLAN frame to <paramref name="dst"/>, optionally C-tagged.</summary>
    public static byte[] Vxlan(string dst, int vni, string innerDst, int? cvid = null, int port = 4789) =>
        Ethernet(dst, 0x0800, Ipv4(17, VxlanPayload(vni, Inner(innerDst), port)),
            cvid is { } v ? new[] { (0x8100, v) } : Array.Empty<(int, int)>());

    /// <summary>An outer IPv4/GRE NVGRE frame to <paramref name="dst"/>, optionally C-tagged.</summary>
    public static byte[] Nvgre(string dst, int vsid, string innerDst, int? cvid = null) =>
        Ethernet(dst, 0x0800, Ipv4(47, NvgrePayload(vsid, Inner(innerDst))),
            cvid is { } v ? new[] { (0x8100, v) } : Array.Empty<(int, int)>());
}
