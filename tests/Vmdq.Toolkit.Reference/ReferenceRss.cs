using System;
using System.Collections.Generic;

namespace Vmdq.Rules.Reference;

/// <summary>
/// The oracle for RSS within a pool (docs/rules-language.md, "RSS within a pool"), read literally and
/// branchy: which IP header a frame hashes, the input bytes, the Toeplitz hash computed bit by bit (Microsoft's
/// pseudocode), and the redirection-table entry it picks. The runtime's branch-free <c>RssHash</c> and the
/// dispatchers' spreading are tested against it.
/// </summary>
internal static class ReferenceRss
{
    /// <summary>Entries of a redirection table (RETA): the hash's low 7 bits pick one.</summary>
    public const int RetaSize = 128;

    /// <summary>The well-known default Toeplitz key (Microsoft's verification suite, most NIC drivers).</summary>
    public static readonly byte[] DefaultKey =
    {
        0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0,
        0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30, 0xf2, 0x0c,
        0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
    };

    /// <summary>The RSS hash of <paramref name="frame"/> with the default key.</summary>
    public static uint Hash(byte[] frame, int vxlanPort) => Toeplitz(DefaultKey, Input(frame, vxlanPort));

    /// <summary>The default redirection table of a pool whose allowed queues are <paramref name="first"/>..<paramref name="last"/>: round robin.</summary>
    public static byte[] DefaultReta(int first, int last)
    {
        var reta = new byte[RetaSize];
        for (int i = 0; i < RetaSize; i++)
        {
            reta[i] = (byte)(first + (i % (last - first + 1)));
        }

        return reta;
    }

    /// <summary>The pseudocode of "RSS hashing functions": for each input bit from the left, a 1 XORs the key's left-most 32 bits into the result; the key shifts left one bit.</summary>
    public static uint Toeplitz(byte[] key, byte[] input)
    {
        uint result = 0;
        var k = (byte[])key.Clone();
        foreach (byte b in input)
        {
            for (int bit = 7; bit >= 0; bit--)
            {
                if (((b >> bit) & 1) == 1)
                {
                    result ^= (uint)((k[0] << 24) | (k[1] << 16) | (k[2] << 8) | k[3]);
                }

                ShiftLeftOne(k);
            }
        }

        return result;
    }

    /// <summary>
    /// The hash input: the inner IP packet's of a VXLAN/NVGRE frame when there is a valid one, else the outer
    /// IP header's; source address, destination address, then for unfragmented TCP/UDP the source and
    /// destination ports. Empty when there is no valid IP header.
    /// </summary>
    public static byte[] Input(byte[] frame, int vxlanPort)
    {
        frame ??= Array.Empty<byte>();
        if (frame.Length < 14)
        {
            return Array.Empty<byte>();
        }

        int at = 12;
        if (Be16(frame, at) == 0x88A8 && Has(frame, at + 2, 2))
        {
            at += 4;
        }

        if (Has(frame, at, 2) && Be16(frame, at) == 0x8100 && Has(frame, at + 2, 2))
        {
            at += 4;
        }

        var outer = Ip(frame, at);
        if (outer is null)
        {
            return Array.Empty<byte>();
        }

        int? inner = TunnelInner(frame, outer, vxlanPort);
        if (inner is { } innerAt)
        {
            // "after at most one inner C-tag" (the frame parser's inner tag: TPID 0x8100, TCI complete).
            int etherTypeAt = innerAt + 12;
            if (Has(frame, etherTypeAt, 4) && Be16(frame, etherTypeAt) == 0x8100)
            {
                etherTypeAt += 4;
            }

            if (Ip(frame, etherTypeAt) is { } innerIp)
            {
                return innerIp.Tuple;
            }
        }

        return outer.Tuple;
    }

    /// <summary>Where a VXLAN or NVGRE frame's inner Ethernet header starts (the frame parser's rules), or null.</summary>
    private static int? TunnelInner(byte[] frame, IpHeader ip, int vxlanPort)
    {
        if (ip.NonFirstFragment)
        {
            return null;
        }

        if (ip.Protocol == 17 && Has(frame, ip.L4 + 8, 8) && Be16(frame, ip.L4 + 2) == vxlanPort && (frame[ip.L4 + 8] & 0x08) != 0)
        {
            return ip.L4 + 16;
        }

        if (ip.Protocol == 47 && Has(frame, ip.L4, 8))
        {
            int flags = Be16(frame, ip.L4);
            if ((flags & 0x2000) != 0 && (flags & 0x9007) == 0 && Be16(frame, ip.L4 + 2) == 0x6558)
            {
                return ip.L4 + 8;
            }
        }

        return null;
    }

    /// <summary>The IP header whose EtherType is at <paramref name="etherTypeAt"/>, or null when it is not a valid IPv4/IPv6 header.</summary>
    private static IpHeader? Ip(byte[] frame, int etherTypeAt)
    {
        if (!Has(frame, etherTypeAt, 2))
        {
            return null;
        }

        int type = Be16(frame, etherTypeAt);
        int l3 = etherTypeAt + 2;
        var tuple = new List<byte>();
        int protocol, l4;
        bool whole, nonFirstFragment;
        if (type == 0x0800)
        {
            if (!Has(frame, l3, 1) || frame[l3] >> 4 != 4)
            {
                return null;
            }

            int headerBytes = (frame[l3] & 0xF) * 4;
            if (headerBytes < 20 || !Has(frame, l3, headerBytes))
            {
                return null;
            }

            int flagsAndOffset = Be16(frame, l3 + 6);
            nonFirstFragment = (flagsAndOffset & 0x1FFF) != 0;
            whole = (flagsAndOffset & 0x3FFF) == 0;       // MF clear, offset 0: not a fragment
            protocol = frame[l3 + 9];
            l4 = l3 + headerBytes;
            tuple.AddRange(Slice(frame, l3 + 12, 8));
        }
        else if (type == 0x86DD)
        {
            if (!Has(frame, l3, 40) || frame[l3] >> 4 != 6)
            {
                return null;
            }

            nonFirstFragment = false;
            whole = true;
            protocol = frame[l3 + 6];
            l4 = l3 + 40;
            tuple.AddRange(Slice(frame, l3 + 8, 32));
        }
        else
        {
            return null;
        }

        if (whole && (protocol == 6 || protocol == 17) && Has(frame, l4, 4))
        {
            tuple.AddRange(Slice(frame, l4, 4));
        }

        return new IpHeader(tuple.ToArray(), protocol, l4, nonFirstFragment);
    }

    private static void ShiftLeftOne(byte[] k)
    {
        for (int i = 0; i < k.Length; i++)
        {
            k[i] = (byte)((k[i] << 1) | (i + 1 < k.Length ? k[i + 1] >> 7 : 0));
        }
    }

    private static byte[] Slice(byte[] frame, int offset, int count)
    {
        var bytes = new byte[count];
        Array.Copy(frame, offset, bytes, 0, count);
        return bytes;
    }

    private static bool Has(byte[] frame, int offset, int count) => offset >= 0 && (long)offset + count <= frame.Length;

    private static int Be16(byte[] frame, int offset) => (frame[offset] << 8) | frame[offset + 1];

    private sealed record IpHeader(byte[] Tuple, int Protocol, int L4, bool NonFirstFragment);
}
