using System;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using static Vmdq.Toolkit.Classification.BranchFree;
using static Vmdq.Toolkit.FrameParser;

namespace Vmdq.Toolkit.Classification;

/// <summary>
/// The RSS hash of a frame, as an <c>rss</c> pool spreads its frames (docs/rules-language.md, "RSS within a
/// pool"): the <see cref="Toeplitz"/> hash of the IP source and destination addresses and, for an unfragmented
/// TCP or UDP packet, the source and destination ports, in that order and in network byte order (Microsoft's
/// "RSS hashing types": the 4-tuple of NDIS_HASH_TCP_IPV4/UDP_IPV4 and the IPv6 ones, else the 2-tuple).
/// </summary>
/// <remarks>
/// <para>Which headers: a VXLAN or NVGRE frame (as the frame parser finds them) whose inner Ethernet header
/// (after at most one inner C-tag) carries a valid IPv4 or IPv6 header hashes that inner packet, so the flows
/// inside one tunnel spread; any other frame, a tunnel whose inner packet is missing or cut too, hashes its
/// outer IP header. A frame with no valid IP header (ARP, a runt, a cut header) hashes as 0 and so goes to
/// redirection-table entry 0.</para>
/// <para>Validity as the spec's frame parsing has it: IPv4 version 4, IHL &gt;= 5, every header byte present
/// (a fragment is valid, but hashes its addresses only: the ports are read only when the fragment offset and
/// MF are 0); IPv6 version 6, the 40-byte fixed header present, the next header 6 or 17 for the ports
/// (extension headers are not followed). The ports' four bytes must be in the frame; length fields and
/// checksums are never read.</para>
/// <para>Branch-free in the frame parser's way: 8-byte loads clamped inside the frame, fields masked by
/// presence, header choices as selects. The input is always laid out as 36 bytes (an IPv4 tuple is 12 bytes
/// followed by zeros, which add nothing to a Toeplitz hash), so every frame costs the same: nine carry-less multiplies where the CPU has them, else 36 table loads (<see cref="ToeplitzPath"/>). A batch reads and hashes four frames at a time (<see cref="Of4"/>).
/// The one branch is for frames shorter than 14 bytes (hash 0).</para>
/// </remarks>
public static partial class RssHash
{
    /// <summary>Bytes of the hash input: an IPv6 source and destination address and two ports.</summary>
    public const int InputBytes = Toeplitz.MaxInputBytes;

    /// <summary>The RSS hash of <paramref name="frame"/>. Never throws, never reads outside the frame.</summary>
    /// <param name="frame">An Ethernet frame from its first byte; any length.</param>
    /// <param name="vxlanPort">The UDP destination port that carries VXLAN (the rules file's <c>vxlan-port</c>).</param>
    /// <param name="toeplitz">The key's tables, e.g. <see cref="Toeplitz.Default"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="toeplitz"/> is null.</exception>
    public static uint Compute(ReadOnlySpan<byte> frame, int vxlanPort, Toeplitz toeplitz)
    {
        ArgumentNullException.ThrowIfNull(toeplitz);
        return Of(frame, vxlanPort, toeplitz);
    }

    /// <summary>
    /// Writes the hash input of <paramref name="frame"/> (what <see cref="Compute"/> hashes) to the first
    /// <see cref="InputBytes"/> bytes of <paramref name="destination"/>: source address, destination address,
    /// then the ports (zeros where absent), an IPv4 tuple in bytes 0..11 and zeros after it; all zeros for a
    /// frame with no IP header.
    /// </summary>
    /// <param name="frame">An Ethernet frame from its first byte; any length.</param>
    /// <param name="vxlanPort">The UDP destination port that carries VXLAN.</param>
    /// <param name="destination">At least <see cref="InputBytes"/> bytes.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <see cref="InputBytes"/>.</exception>
    public static void WriteInput(ReadOnlySpan<byte> frame, int vxlanPort, Span<byte> destination)
    {
        if (destination.Length < InputBytes)
        {
            throw new ArgumentException($"The hash input is {InputBytes} bytes; the destination has {destination.Length}.", nameof(destination));
        }

        Read(frame, vxlanPort, out var input);
        BinaryPrimitives.WriteUInt64LittleEndian(destination, input.W0);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[8..], input.W1);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[16..], input.W2);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[24..], input.W3);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[32..], (uint)input.W4);
    }

    /// <summary>The hash, without the argument check (the per-frame path: the dispatcher's tables hold a key).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static uint Of(ReadOnlySpan<byte> frame, int vxlanPort, Toeplitz toeplitz)
    {
        Read(frame, vxlanPort, out var input);
        return toeplitz.Hash(in input, Toeplitz.BestPath);
    }

    /// <summary>The hash on a given <see cref="ToeplitzPath"/> (tests force each).</summary>
    internal static uint Of(ReadOnlySpan<byte> frame, int vxlanPort, Toeplitz toeplitz, ToeplitzPath path)
    {
        Read(frame, vxlanPort, out var input);
        return toeplitz.Hash(in input, path);
    }

    /// <summary>Reads the hash input as five little-endian windows (input bytes 0..7, 8..15, 16..23, 24..31, 32..35).</summary>
    internal static void Read(ReadOnlySpan<byte> frame, int vxlanPort, out Input input)
    {
        if (frame.Length < 14)
        {
            input = default;
            return;
        }

        ref byte p = ref MemoryMarshal.GetReference(frame);
        ulong len = (ulong)frame.Length;
        ulong last = len - 8;

        // Outer tags as the frame parser reads them: at most one S-tag, then at most one C-tag.
        ulong tags = Load(ref p, last, 12);
        ulong isS = EqSmall(Wire16(tags), Swap16(0x88A8)) & Has(len, 14, 2);
        ulong sBytes = isS & 4;
        ulong afterS = tags >> (int)(sBytes << 3);
        ulong isC = EqSmall(Wire16(afterS), Swap16(0x8100)) & Has(len, 14 + sBytes, 2);
        ulong etherTypeAt = 12 + sBytes + (isC & 4);
        ReadIpHeader(ref p, last, len, etherTypeAt, out var outer);

        // VXLAN and NVGRE exactly as the frame parser finds them (FrameParser.ParseRaw).
        ulong l4 = outer.L4;
        ulong at0 = Load(ref p, last, l4);
        ulong at8 = Load(ref p, last, l4 + 8);
        ulong port = (ulong)(uint)vxlanPort;
        ulong vxlan = outer.CarriesTunnel & EqSmall(outer.Proto, 17) & EqSmall(Wire16(at0 >> 16), Swap16(port)) & Le(port, 0xFFFF) & Has(len, l4 + 8, 8)
                      & NonZeroSmall(at8 & 0x08);
        ulong greFlags = Be16(at0);
        ulong nvgre = outer.CarriesTunnel & EqSmall(outer.Proto, 47) & Has(len, l4, 8) & NonZeroSmall(greFlags & 0x2000) & EqSmall(greFlags & 0x9007, 0)
                      & EqSmall(Wire16(at0 >> 16), Swap16(0x6558));

        // The inner Ethernet header, its C-tag (TPID 0x8100 right after the MACs, TCI complete), its IP header.
        ulong inner = Select(vxlan, l4 + 16, l4 + 8);
        ulong innerTag = Load(ref p, last, inner + 12);
        ulong innerTagged = EqSmall(Wire16(innerTag), Swap16(0x8100)) & Has(len, inner + 14, 2);
        ReadIpHeader(ref p, last, len, inner + 12 + (innerTagged & 4), out var innerIp);

        // The header that is hashed, then its addresses and ports, read once.
        ulong useInner = (vxlan | nvgre) & (innerIp.V4 | innerIp.V6);
        Tuple(
            ref p,
            last,
            Select(useInner, innerIp.L3, outer.L3),
            Select(useInner, innerIp.L4, outer.L4),
            Select(useInner, innerIp.V4, outer.V4),
            Select(useInner, innerIp.V6, outer.V6),
            Select(useInner, innerIp.HasPorts(len), outer.HasPorts(len)),
            out input);
    }

    /// <summary>
    /// The hash input of the IP header at <paramref name="l3"/> (<paramref name="v4"/>, <paramref name="v6"/>: which kind,
    /// if valid): its addresses and, where <paramref name="hasPorts"/>, the ports at <paramref name="l4"/>; all zeros when
    /// it is not a valid IP header. Five loads.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tuple(ref byte p, ulong last, ulong l3, ulong l4, ulong v4, ulong v6, ulong hasPorts, out Input input)
    {
        ulong ports = Load(ref p, last, l4) & 0xFFFF_FFFFUL & hasPorts;

        // IPv4 addresses are header bytes 12..19, IPv6 ones bytes 8..39: four windows from byte 8 serve both.
        ulong a0 = Load(ref p, last, l3 + 8);
        ulong a1 = Load(ref p, last, l3 + 16);
        ulong a2 = Load(ref p, last, l3 + 24);
        ulong a3 = Load(ref p, last, l3 + 32);
        ulong v4Addresses = (a0 >> 32) | (a1 << 32);
        ulong ip = v4 | v6;
        input.W0 = Select(v6, a0, v4Addresses) & ip;
        input.W1 = Select(v6, a1, ports) & ip;
        input.W2 = a2 & v6;
        input.W3 = a3 & v6;
        input.W4 = ports & v6;
        input.Valid = ip;
    }

    /// <summary>The hash input as five little-endian windows, and whether it comes from a valid IP header (all ones) or is all zeros (0).</summary>
    internal struct Input
    {
        /// <summary>Input bytes 0..7.</summary>
        public ulong W0;

        /// <summary>Input bytes 8..15.</summary>
        public ulong W1;

        /// <summary>Input bytes 16..23.</summary>
        public ulong W2;

        /// <summary>Input bytes 24..31.</summary>
        public ulong W3;

        /// <summary>Input bytes 32..35 (the high half is 0).</summary>
        public ulong W4;

        /// <summary>All ones when the input comes from a valid IP header.</summary>
        public ulong Valid;
    }
}
