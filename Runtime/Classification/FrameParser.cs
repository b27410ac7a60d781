using System;
using System.Buffers.Binary;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using static Vmdq.Toolkit.Classification.BranchFree;

namespace Vmdq.Toolkit;

/// <summary>
/// Reads the fields rules match on, exactly as the rules-language spec's "Frame parsing" says,
/// without data-dependent branches and without reading outside the frame.
/// </summary>
/// <remarks>
/// <para>Every read is an 8-byte load at <c>min(offset, length - 8)</c> (a <c>cmov</c>), shifted so the
/// wanted bytes come first: it never leaves the span, and a field that is not wholly inside the frame
/// is masked off by its presence mask. Header choices (S-tag or not, IPv4 or IPv6, VXLAN or NVGRE)
/// are selects between offsets, not branches. Nine such loads read every header; the four after the IP header do not depend on each other.
/// <see cref="ParseRaw{TVariant}"/> reads only the headers a dispatcher's rules need.</para>
/// <para>The one branch is for frames shorter than 14 bytes, which have at most a destination MAC
/// (the 8-byte loads need at least 8 bytes); it is taken only by runts.</para>
/// </remarks>
public static partial class FrameParser
{
    /// <summary>The default VXLAN UDP port (IANA).</summary>
    public const int DefaultVxlanPort = 4789;

    /// <summary>Parses <paramref name="frame"/>; never throws, whatever its length or contents.</summary>
    /// <param name="frame">An Ethernet frame, from its first byte (destination MAC).</param>
    /// <param name="vxlanPort">The UDP destination port that carries VXLAN (the rules file's <c>vxlan-port</c>).</param>
    public static FrameFields Parse(ReadOnlySpan<byte> frame, int vxlanPort = DefaultVxlanPort)
    {
        ParseRaw(frame, vxlanPort, out var raw);
        return raw.ToFields();
    }

    /// <summary>
    /// Parses <paramref name="frame"/> into the form generated dispatchers consume: values as read,
    /// presence as masks. Never throws. Used by generated code; see <see cref="Parse"/> for the fields.
    /// </summary>
    /// <param name="frame">An Ethernet frame, from its first byte.</param>
    /// <param name="vxlanPort">The UDP destination port that carries VXLAN.</param>
    /// <param name="f">Receives the parsed frame.</param>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void ParseRaw(ReadOnlySpan<byte> frame, int vxlanPort, out ParsedFrame f) =>
        ParseRaw<ParseVariants.Full>(frame, vxlanPort, out f);

    /// <summary>
    /// <see cref="ParseRaw(ReadOnlySpan{byte}, int, out ParsedFrame)"/> reading only what
    /// <typeparamref name="TVariant"/> says (see <see cref="ParseVariants"/>): the fields it reads are exactly
    /// those of the full parse, the others are absent (0, mask 0). The variant's flags are constants the JIT
    /// folds, so each variant is straight-line code with only its own loads. Never throws, never reads
    /// outside <paramref name="frame"/>. Used by generated code.
    /// </summary>
    /// <typeparam name="TVariant">One of <see cref="ParseVariants"/>.</typeparam>
    /// <param name="frame">An Ethernet frame, from its first byte.</param>
    /// <param name="vxlanPort">The UDP destination port that carries VXLAN.</param>
    /// <param name="f">Receives the parsed frame.</param>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void ParseRaw<TVariant>(ReadOnlySpan<byte> frame, int vxlanPort, out ParsedFrame f)
        where TVariant : struct, IParseVariant
    {
        if (frame.Length < 14)
        {
            ParseRunt(frame, out f);
            return;
        }

        // Every field is written below, but a variant that stops early leaves the rest absent.
        Unsafe.SkipInit(out f);
        if (!TVariant.ReadsInner)
        {
            f = default;
        }

        ref byte p = ref MemoryMarshal.GetReference(frame);
        ulong len = (ulong)frame.Length;
        ulong last = len - 8;

        // Each header is read as one or two 8-byte windows and its fields are shifted out of them:
        // 9 loads per frame (1 for the destination only, 2 with the tags, 7 without the inner header).
        // A window's bytes past the frame's end are garbage, and so are fields that use them, but every
        // such field is masked off by its presence test (Has).

        // L2: destination, then at most one S-tag and at most one C-tag at offset 12.
        f.Dst = BinaryPrimitives.ReverseEndianness(Load(ref p, last, 0)) >> 16;
        f.HasDst = ulong.MaxValue;
        if (!TVariant.ReadsTags)
        {
            return;
        }

        ulong tags = Load(ref p, last, 12);                     // [TPID][TCI][TPID][TCI] at 12..19
        ulong isS = EqSmall(Wire16(tags), Swap16(0x88A8)) & Has(len, 14, 2);
        ulong tciS = Be16(tags >> 16);
        ulong sBytes = isS & 4;
        ulong afterS = tags >> (int)(sBytes << 3);              // the same window from the next TPID
        ulong isC = EqSmall(Wire16(afterS), Swap16(0x8100)) & Has(len, 14 + sBytes, 2);
        ulong tciC = Be16(afterS >> 16);
        ulong off2 = 12 + sBytes + (isC & 4);
        ulong tagged = isS | isC;
        ulong pcp = Select(isS, tciS, tciC) >> 13;
        f.Svid = tciS & 0xFFF;
        f.HasSvid = isS;
        f.Cvid = tciC & 0xFFF;
        f.HasCvid = isC;
        f.Pcp = pcp & 7;
        f.HasPcp = tagged;
        if (!TVariant.ReadsTunnels)
        {
            return;
        }

        // L3: IPv4 (IHL >= 5, whole header present, fragment offset 0) or IPv6 (fixed header only).
        // Offsets are chosen by the EtherType alone (validity is masked in afterwards), which keeps
        // the chain of dependent loads short.
        ReadIpHeader(ref p, last, len, off2, out var header);
        ulong l4 = header.L4;
        ulong proto = header.Proto;
        ulong ip = header.CarriesTunnel;

        // L4 and what follows: up to four windows from l4, independent of each other. UDP/GRE header at
        // l4; the VXLAN header, or NVGRE's inner Ethernet, at l4+8; VXLAN's inner Ethernet at l4+16
        // (NVGRE's inner tag is there too); VXLAN's inner tag at l4+24.
        ulong at0 = Load(ref p, last, l4);                      // UDP [src][dst][len][sum] or GRE [flags][type][key]
        ulong at8 = Load(ref p, last, l4 + 8);

        // VXLAN: UDP to the configured port, whole 8-byte header present, I flag set. A port outside
        // 0..65535 matches nothing (negative ones become huge here).
        ulong port = (ulong)(uint)vxlanPort;
        ulong vxlan = ip & EqSmall(proto, 17) & EqSmall(Wire16(at0 >> 16), Swap16(port)) & Le(port, 0xFFFF) & Has(len, l4 + 8, 8)
                      & NonZeroSmall(at8 & 0x08);
        ulong vni = Be32(at8 >> 32) >> 8;

        // NVGRE: GRE with K set, C and S clear, version 0, protocol 0x6558, whole 8-byte header present.
        ulong greFlags = Be16(at0);
        ulong nvgre = ip & EqSmall(proto, 47) & Has(len, l4, 8) & NonZeroSmall(greFlags & 0x2000) & EqSmall(greFlags & 0x9007, 0)
                      & EqSmall(Wire16(at0 >> 16), Swap16(0x6558));
        ulong key = Be32(at0 >> 32);
        f.TunnelId = Select(vxlan, vni, key >> 8) & 0xFFFFFF;
        f.FlowId = key & 0xFF;
        f.IsVxlan = vxlan;
        f.IsNvgre = nvgre;
        if (!TVariant.ReadsInner)
        {
            return;
        }

        // Inner Ethernet: dst MAC when its 6 bytes are there; a C-tag right after the MACs.
        ulong at16 = Load(ref p, last, l4 + 16);
        ulong at24 = Load(ref p, last, l4 + 24);
        ulong tunnel = vxlan | nvgre;
        ulong inner = Select(vxlan, l4 + 16, l4 + 8);
        ulong innerHead = Select(vxlan, at16, at8);
        ulong innerTag = Select(vxlan, at24, at16) >> 32;       // inner bytes 12..15: [TPID][TCI]
        ulong hasInner = tunnel & Has(len, inner, 6);
        ulong innerTagged = tunnel & EqSmall(Wire16(innerTag), Swap16(0x8100)) & Has(len, inner + 14, 2);
        f.InnerDst = BinaryPrimitives.ReverseEndianness(innerHead) >> 16;
        f.HasInnerDst = hasInner;
        f.InnerVid = Be16(innerTag >> 16) & 0xFFF;
        f.HasInnerVid = innerTagged;
    }

    private static void ParseRunt(ReadOnlySpan<byte> frame, out ParsedFrame f)
    {
        f = default;
        if (frame.Length >= 6)
        {
            f.Dst = ((ulong)BinaryPrimitives.ReadUInt32BigEndian(frame) << 16) | BinaryPrimitives.ReadUInt16BigEndian(frame.Slice(4));
            f.HasDst = ulong.MaxValue;
        }
    }

    /// <summary>
    /// The IP header whose EtherType is at <paramref name="etherTypeAt"/> (two loads): IPv4 (IHL &gt;= 5, the whole header
    /// present) or IPv6 (the fixed header present), its offsets and protocol, and its fragment field. The frame parse
    /// and the RSS input parse (<see cref="Classification.RssHash"/>) both read IP headers through this one definition.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void ReadIpHeader(ref byte p, ulong last, ulong len, ulong etherTypeAt, out IpHeader header)
    {
        // Offsets are chosen by the EtherType alone (validity is masked in afterwards), which keeps the chain of dependent loads short.
        ulong l2End = Load(ref p, last, etherTypeAt);          // [EtherType][IP bytes 0..5]
        ulong l3 = etherTypeAt + 2;
        ulong ipMid = Load(ref p, last, l3 + 6);                // IPv4 flags+fragment, TTL, protocol; IPv6 next header
        ulong etherType = Wire16(l2End);                        // compared in wire byte order
        ulong isIpv4Type = EqSmall(etherType, Swap16(0x0800));
        ulong b0 = (l2End >> 16) & 0xFF;
        ulong ihlBytes = (b0 & 0xF) << 2;
        ulong hasEtherType = Has(len, etherTypeAt, 2);
        header.L3 = l3;
        header.L4 = l3 + Select(isIpv4Type, ihlBytes, 40);
        header.Proto = Select(isIpv4Type, ipMid >> 24, ipMid) & 0xFF;
        header.Fragment = Be16(ipMid);
        header.V4 = isIpv4Type & hasEtherType & EqSmall(b0 >> 4, 4) & Le(20, ihlBytes) & Has(len, l3, ihlBytes);
        header.V6 = EqSmall(etherType, Swap16(0x86DD)) & hasEtherType & EqSmall(b0 >> 4, 6) & Has(len, l3, 40);
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
        ulong at = offset < last ? offset : last;
        ulong value = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref frame, (nint)at));
        return value >> (int)((offset - at) << 3);
    }

    /// <summary>The low two bytes of a window, as they are on the wire (compare with <see cref="Swap16"/> of a constant).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong Wire16(ulong window) => window & 0xFFFF;

    /// <summary>A 16-bit constant in wire byte order, as <see cref="Wire16"/> reads it (folded by the JIT).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong Swap16(ulong value) => BinaryPrimitives.ReverseEndianness((ushort)value);

    /// <summary>The big-endian 16-bit number in the low two bytes of a window.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong Be16(ulong window) => BinaryPrimitives.ReverseEndianness((ushort)window);

    /// <summary>The big-endian 32-bit number in the low four bytes of a window.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong Be32(ulong window) => BinaryPrimitives.ReverseEndianness((uint)window);
}
