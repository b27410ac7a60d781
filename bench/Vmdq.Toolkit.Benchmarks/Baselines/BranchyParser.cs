using System;
using System.Buffers.Binary;

namespace Vmdq.Toolkit.Benchmarks.Baselines;

/// <summary>The fields the rules match on, as the hand-written baselines read them; -1 or false when absent.</summary>
public struct BranchyFields
{
    /// <summary>Destination MAC (48 bits, first octet most significant).</summary>
    public ulong Dst;
    /// <summary>True when the frame has at least 6 bytes.</summary>
    public bool HasDst;
    /// <summary>C-tag VLAN ID, or -1.</summary>
    public int Cvid;
    /// <summary>VXLAN VNI, or -1.</summary>
    public int Vni;
    /// <summary>NVGRE VSID, or -1.</summary>
    public int Vsid;
    /// <summary>Inner destination MAC of a tunnelled frame.</summary>
    public ulong InnerDst;
    /// <summary>True when <see cref="InnerDst"/> is present.</summary>
    public bool HasInnerDst;
}

/// <summary>
/// The baselines' parser: the spec's "Frame parsing" written the ordinary way, with a bounds test
/// before each read and an early return when a header is missing or invalid. Span-based, no
/// allocation. It reads only what rules match on (dst, cvid, vni, vsid, inner dst), but follows
/// every header that decides where those are (S-tag, IHL, IPv6, fragment offset...).
/// </summary>
public static class BranchyParser
{
    /// <summary>Parses <paramref name="frame"/>.</summary>
    public static void Parse(ReadOnlySpan<byte> frame, int vxlanPort, out BranchyFields f)
    {
        f = default;
        f.Cvid = -1;
        f.Vni = -1;
        f.Vsid = -1;
        int len = frame.Length;
        if (len < 6)
        {
            return;
        }

        f.Dst = Mac48(frame, 0);
        f.HasDst = true;
        if (len < 14)
        {
            return;
        }

        // At most one S-tag, then at most one C-tag; a tag counts only with its whole TCI.
        int at = 12;
        if (Be16(frame, at) == 0x88A8 && len >= at + 4)
        {
            at += 4;
        }

        if (len >= at + 2 && Be16(frame, at) == 0x8100 && len >= at + 4)
        {
            f.Cvid = Be16(frame, at + 2) & 0xFFF;
            at += 4;
        }

        if (len < at + 2)
        {
            return;
        }

        int etherType = Be16(frame, at);
        int l3 = at + 2;
        int protocol, l4;
        if (etherType == 0x0800)
        {
            if (len < l3 + 1 || frame[l3] >> 4 != 4)
            {
                return;
            }

            int ihl = (frame[l3] & 0xF) * 4;
            if (ihl < 20 || len < l3 + ihl || (Be16(frame, l3 + 6) & 0x1FFF) != 0)
            {
                return;
            }

            protocol = frame[l3 + 9];
            l4 = l3 + ihl;
        }
        else if (etherType == 0x86DD)
        {
            if (len < l3 + 40 || frame[l3] >> 4 != 6)
            {
                return;
            }

            protocol = frame[l3 + 6];
            l4 = l3 + 40;
        }
        else
        {
            return;
        }

        int inner;
        if (protocol == 17)
        {
            int vxlan = l4 + 8;
            if (len < vxlan + 8 || Be16(frame, l4 + 2) != vxlanPort || (frame[vxlan] & 0x08) == 0)
            {
                return;
            }

            f.Vni = (frame[vxlan + 4] << 16) | (frame[vxlan + 5] << 8) | frame[vxlan + 6];
            inner = vxlan + 8;
        }
        else if (protocol == 47)
        {
            if (len < l4 + 8)
            {
                return;
            }

            int flags = Be16(frame, l4);
            if ((flags & 0x2000) == 0 || (flags & 0x9007) != 0 || Be16(frame, l4 + 2) != 0x6558)
            {
                return;
            }

            f.Vsid = (frame[l4 + 4] << 16) | (frame[l4 + 5] << 8) | frame[l4 + 6];
            inner = l4 + 8;
        }
        else
        {
            return;
        }

        if (len >= inner + 6)
        {
            f.InnerDst = Mac48(frame, inner);
            f.HasInnerDst = true;
        }
    }

    private static int Be16(ReadOnlySpan<byte> frame, int offset) => BinaryPrimitives.ReadUInt16BigEndian(frame.Slice(offset));

    private static ulong Mac48(ReadOnlySpan<byte> frame, int offset) =>
        ((ulong)BinaryPrimitives.ReadUInt32BigEndian(frame.Slice(offset)) << 16) | BinaryPrimitives.ReadUInt16BigEndian(frame.Slice(offset + 4));
}
