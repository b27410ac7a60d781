using System;
using System.Collections.Generic;
using System.Linq;

namespace Vmdq.Toolkit.Generator.Tests.Infrastructure;

/// <summary>Builds test frames byte by byte (network order).</summary>
internal static class Frames
{
    public static byte[] Mac(string text) => text.Split(':', '-').Select(h => Convert.ToByte(h, 16)).ToArray();

    public static byte[] Be16(int v) => new[] { (byte)(v >> 8), (byte)v };

    /// <summary>Ethernet: dst, src, tags (TPID, VID) then EtherType and payload.</summary>
    public static byte[] Ethernet(string dst, int etherType, byte[]? payload = null, params (int Tpid, int Vid)[] tags)
    {
        var bytes = new List<byte>(Mac(dst));
        bytes.AddRange(Mac("02:00:00:00:00:aa"));
        foreach (var (tpid, vid) in tags)
        {
            bytes.AddRange(Be16(tpid));
            bytes.AddRange(Be16(vid));
        }

        bytes.AddRange(Be16(etherType));
        bytes.AddRange(payload ?? new byte[46]);
        return bytes.ToArray();
    }

    public static byte[] Ipv4(int protocol, byte[] payload)
    {
        var header = new byte[20];
        header[0] = 0x45;
        header[9] = (byte)protocol;
        return header.Concat(payload).ToArray();
    }

    public static byte[] Vxlan(int vni, byte[] inner, int port = 4789) =>
        Ipv4(17, Be16(49152).Concat(Be16(port)).Concat(new byte[4])
            .Concat(new byte[] { 0x08, 0, 0, 0, (byte)(vni >> 16), (byte)(vni >> 8), (byte)vni, 0 }).Concat(inner).ToArray());

    public static byte[] Nvgre(int vsid, byte[] inner, int flowId = 0) =>
        Ipv4(47, new byte[] { 0x20, 0x00, 0x65, 0x58, (byte)(vsid >> 16), (byte)(vsid >> 8), (byte)vsid, (byte)flowId }.Concat(inner).ToArray());

    public static byte[] Inner(string dst) => Ethernet(dst, 0x0800);
}
