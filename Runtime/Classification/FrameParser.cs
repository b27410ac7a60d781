using System;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using static Vmdq.Toolkit.Classification.BranchFree;

namespace Vmdq.Toolkit;

/// <summary>
/// Reads the fields rules match on, exactly as the rules-language spec's "Frame parsing" says,
/// without data-dependent branches and without reading outside the frame.
/// </summary>
/// <remarks>
/// <para>Every read is an 8-byte load at <c>min(offset, length - 8)</c>, shifted so the wanted bytes
/// come first: it never leaves the span, and a field that is not wholly inside the frame is masked
/// off by its presence mask. Header choices (S-tag or not, IPv4 or IPv6, VXLAN or NVGRE) are selects
/// between offsets, not branches.</para>
/// <para>The one branch is for frames shorter than 14 bytes, which have at most a destination MAC
/// (the 8-byte loads need at least 8 bytes); it is taken only by runts.</para>
/// </remarks>
public static class FrameParser
{
    /// <summary>The default VXLAN UDP port (IANA).</summary>
    public const int DefaultVxlanPort = 4789;

    /// <summary>Parses <paramref name="frame"/>; never throws, whatever its length or contents.</summary>
    /// <param name="frame">An Ethernet frame, from its first byte (destination MAC).</param>
    /// <param name="vxlanPort">The UDP destination port that carries VXLAN (the rules file's <c>vxlan-port</c>).</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FrameFields Parse(ReadOnlySpan<byte> frame, int vxlanPort = DefaultVxlanPort)
    {
        if (frame.Length < 14)
        {
            return ParseRunt(frame);
        }

        ref byte p = ref MemoryMarshal.GetReference(frame);
        ulong len = (ulong)frame.Length;
        ulong last = len - 8;

        // L2: destination, then at most one S-tag and at most one C-tag at offset 12.
        ulong dst = Mac48(ref p, last, 0);
        ulong isS = Eq(Be16(ref p, last, 12), 0x88A8) & Has(len, 14, 2);
        ulong tciS = Be16(ref p, last, 14);
        ulong off1 = 12 + (isS & 4);
        ulong isC = Eq(Be16(ref p, last, off1), 0x8100) & Has(len, off1 + 2, 2);
        ulong tciC = Be16(ref p, last, off1 + 2);
        ulong off2 = off1 + (isC & 4);
        ulong etherType = Be16(ref p, last, off2);
        ulong hasEtherType = Has(len, off2, 2);
        ulong tagged = isS | isC;
        ulong pcp = Select(isS, tciS, tciC) >> 13;

        // L3: IPv4 (IHL >= 5, whole header present, fragment offset 0) or IPv6 (fixed header only).
        ulong l3 = off2 + 2;
        ulong b0 = Load(ref p, last, l3) & 0xFF;
        ulong ihlBytes = (b0 & 0xF) << 2;
        ulong v4 = Eq(etherType, 0x0800) & hasEtherType & Eq(b0 >> 4, 4) & Le(20, ihlBytes) & Has(len, l3, ihlBytes)
                   & Eq(Be16(ref p, last, l3 + 6) & 0x1FFF, 0);
        ulong v6 = Eq(etherType, 0x86DD) & hasEtherType & Eq(b0 >> 4, 6) & Has(len, l3, 40);
        ulong proto = Select(v4, Load(ref p, last, l3 + 9), Load(ref p, last, l3 + 6)) & 0xFF;
        ulong l4 = l3 + Select(v4, ihlBytes, 40);
        ulong ip = v4 | v6;

        // VXLAN: UDP to the configured port, whole 8-byte header present, I flag set.
        ulong vxlan = ip & Eq(proto, 17) & Eq(Be16(ref p, last, l4 + 2), (ulong)(uint)vxlanPort) & Has(len, l4 + 8, 8)
                      & NonZero(Load(ref p, last, l4 + 8) & 0x08);
        ulong vni = Be32(ref p, last, l4 + 12) >> 8;

        // NVGRE: GRE with K set, C and S clear, version 0, protocol 0x6558, whole 8-byte header present.
        ulong greFlags = Be16(ref p, last, l4);
        ulong nvgre = ip & Eq(proto, 47) & Has(len, l4, 8) & NonZero(greFlags & 0x2000) & Eq(greFlags & 0x9007, 0)
                      & Eq(Be16(ref p, last, l4 + 2), 0x6558);
        ulong key = Be32(ref p, last, l4 + 4);

        // Inner Ethernet: dst MAC when its 6 bytes are there; a C-tag right after the MACs.
        ulong tunnel = vxlan | nvgre;
        ulong inner = Select(vxlan, l4 + 16, l4 + 8);
        ulong hasInner = tunnel & Has(len, inner, 6);
        ulong innerTagged = tunnel & Eq(Be16(ref p, last, inner + 12), 0x8100) & Has(len, inner + 14, 2);

        FrameField present =
            FrameField.Dst
            | (FrameField)((uint)isS & (uint)FrameField.Svid)
            | (FrameField)((uint)isC & (uint)FrameField.Cvid)
            | (FrameField)((uint)tagged & (uint)FrameField.Pcp)
            | (FrameField)((uint)vxlan & (uint)FrameField.Vni)
            | (FrameField)((uint)nvgre & (uint)FrameField.Vsid)
            | (FrameField)((uint)hasInner & (uint)FrameField.InnerDst)
            | (FrameField)((uint)innerTagged & (uint)FrameField.InnerVid);

        return new FrameFields(
            present,
            dst,
            (ushort)(tciS & 0xFFF & isS),
            (ushort)(tciC & 0xFFF & isC),
            (byte)(pcp & 7 & tagged),
            (uint)(vni & vxlan),
            (uint)((key >> 8) & nvgre),
            (byte)(key & nvgre),
            Mac48(ref p, last, inner) & hasInner,
            (ushort)(Be16(ref p, last, inner + 14) & 0xFFF & innerTagged));
    }

    private static FrameFields ParseRunt(ReadOnlySpan<byte> frame)
    {
        if (frame.Length < 6)
        {
            return default;
        }

        ulong dst = ((ulong)BinaryPrimitives.ReadUInt32BigEndian(frame) << 16) | BinaryPrimitives.ReadUInt16BigEndian(frame.Slice(4));
        return new FrameFields(FrameField.Dst, dst, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    /// <summary>All ones when bytes [<paramref name="offset"/>, <paramref name="offset"/> + <paramref name="width"/>) lie in a frame of <paramref name="length"/> bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong Has(ulong length, ulong offset, ulong width) => Le(offset + width, length);

    /// <summary>
    /// The 8 bytes at <paramref name="offset"/> as a little-endian number, read from
    /// <c>min(offset, last)</c> and shifted down. Bytes past the frame's end read as garbage, which
    /// callers mask with <see cref="Has"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong Load(ref byte frame, ulong last, ulong offset)
    {
        ulong at = Min(offset, last);
        ulong value = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref frame, (nint)at));
        return value >> (int)((offset - at) << 3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Be16(ref byte frame, ulong last, ulong offset) =>
        BinaryPrimitives.ReverseEndianness((ushort)Load(ref frame, last, offset));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Be32(ref byte frame, ulong last, ulong offset) =>
        BinaryPrimitives.ReverseEndianness((uint)Load(ref frame, last, offset));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Mac48(ref byte frame, ulong last, ulong offset) =>
        BinaryPrimitives.ReverseEndianness(Load(ref frame, last, offset)) >> 16;
}
