using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;

namespace Vmdq.Toolkit.Rules.Tests;

/// <summary>
/// Turns the frame a counterexample message shows (<c>dst M, C-VID 150</c>, <c>dst M, untagged,
/// VXLAN VNI 5001 on UDP port 4789, inner dst I</c>, ...) into the bytes of a real frame: Ethernet,
/// an optional 802.1Q C-tag, IPv4, then UDP+VXLAN or GRE (NVGRE) and the inner Ethernet header.
/// </summary>
internal static class WitnessFrames
{
    private static readonly Regex Shape = new(
        @"^dst (?<dst>[0-9a-f:]{17}), (untagged|C-VID (?<cvid>\d+))" +
        @"(, VXLAN VNI (?<vni>\d+) on UDP port (?<port>\d+))?(, NVGRE VSID (?<vsid>\d+))?(, inner dst (?<inner>[0-9a-f:]{17}))?$",
        RegexOptions.CultureInvariant);

    /// <summary>The fields the text names; throws when the text is not a frame description.</summary>
    public static Fields Read(string text)
    {
        var m = Shape.Match(text);
        if (!m.Success)
        {
            throw new FormatException($"Not a frame description: '{text}'.");
        }

        int? Num(string group) => m.Groups[group].Success ? int.Parse(m.Groups[group].Value, CultureInfo.InvariantCulture) : null;
        string? Text(string group) => m.Groups[group].Success ? m.Groups[group].Value : null;
        return new Fields(m.Groups["dst"].Value, Num("cvid"), Num("vni"), Num("port") ?? 4789, Num("vsid"), Text("inner"));
    }

    /// <summary>The frame a message shows, as bytes.</summary>
    public static byte[] Build(Fields f)
    {
        byte[] l3;
        if (f.Vni is { } vni)
        {
            byte[] vxlan = { 0x08, 0, 0, 0, (byte)(vni >> 16), (byte)(vni >> 8), (byte)vni, 0 };
            byte[] udp = Be16(49152).Concat(Be16(f.Port)).Concat(new byte[4]).ToArray();
            l3 = Ipv4(17, udp.Concat(vxlan).Concat(Inner(f)).ToArray());
        }
        else if (f.Vsid is { } vsid)
        {
            byte[] gre = { 0x20, 0x00, 0x65, 0x58, (byte)(vsid >> 16), (byte)(vsid >> 8), (byte)vsid, 0 };
            l3 = Ipv4(47, gre.Concat(Inner(f)).ToArray());
        }
        else
        {
            // A plain UDP datagram (DNS), nothing a tunnel parser could take.
            l3 = Ipv4(17, Be16(49152).Concat(Be16(53)).Concat(new byte[12]).ToArray());
        }

        var frame = new List<byte>(Mac(f.Dst));
        frame.AddRange(Mac("02:00:00:00:00:fe"));
        if (f.Cvid is { } cvid)
        {
            frame.AddRange(Be16(0x8100));
            frame.AddRange(Be16(cvid));
        }

        frame.AddRange(Be16(0x0800));
        frame.AddRange(l3);
        return frame.ToArray();
    }

    public static ulong MacValue(string text) => Mac(text).Aggregate(0UL, (acc, b) => (acc << 8) | b);

    private static byte[] Inner(Fields f) =>
        Mac(f.InnerDst ?? throw new FormatException("A tunnel frame needs an inner dst."))
            .Concat(Mac("02:00:00:00:00:fd")).Concat(Be16(0x0800)).Concat(new byte[20]).ToArray();

    private static byte[] Ipv4(int protocol, byte[] payload)
    {
        var header = new byte[20];
        header[0] = 0x45;
        header[8] = 64;
        header[9] = (byte)protocol;
        return header.Concat(payload).ToArray();
    }

    private static byte[] Mac(string text) =>
        text.Split(':').Select(h => byte.Parse(h, NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToArray();

    private static byte[] Be16(int v) => new[] { (byte)(v >> 8), (byte)v };

    /// <summary>A frame's fields as a message shows them.</summary>
    public sealed record Fields(string Dst, int? Cvid, int? Vni, int Port, int? Vsid, string? InnerDst);
}
