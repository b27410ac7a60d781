using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using static Vmdq.Toolkit.FrameParser;

namespace Vmdq.Toolkit.Classification;

// Four frames at once: the same input parse as Read, one AVX2 lane per frame, each 8-byte window one gather for all
// four (FrameParser.VLoad: clamped inside each frame as Load is), then the four hashes (Toeplitz.Hash4).
public static partial class RssHash
{
    /// <summary>
    /// The RSS hashes of four frames, lane k for frame k (its low 32 bits): lane k's frame is <paramref name="len"/>[k]
    /// bytes at <paramref name="b"/> + <paramref name="start"/>[k] (<paramref name="b"/> null: absolute addresses), each at
    /// least 14 bytes (shorter ones hash one at a time: see <see cref="Read"/>). The same hashes as <see cref="Of(System.ReadOnlySpan{byte}, int, Toeplitz)"/>
    /// one by one. Requires AVX2; reads nothing outside the frames.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static unsafe Vector256<ulong> Of4(byte* b, Vector256<ulong> start, Vector256<ulong> len, int vxlanPort, Toeplitz toeplitz, ToeplitzPath path)
    {
        Read4(b, start, len, vxlanPort, out var input);
        return toeplitz.Hash4(in input, path);
    }

    /// <summary><see cref="Read"/> for four frames of at least 14 bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static unsafe void Read4(byte* b, Vector256<ulong> start, Vector256<ulong> len, int vxlanPort, out Input4 input)
    {
        var last = len - C(8);

        // Outer tags as the frame parser reads them: at most one S-tag, then at most one C-tag.
        var tags = VLoad(b, start, last, C(12));
        var isS = Vector256.Equals(tags & C(0xFFFF), C(0xA888)) & VHas(len, C(14), 2);
        var sBytes = isS & C(4);
        var afterS = System.Runtime.Intrinsics.X86.Avx2.ShiftRightLogicalVariable(tags, sBytes << 3);
        var isC = Vector256.Equals(afterS & C(0xFFFF), C(0x0081)) & VHas(len, C(14) + sBytes, 2);
        var etherTypeAt = C(12) + sBytes + (isC & C(4));
        Header4(b, start, last, len, etherTypeAt, out var outer);

        // VXLAN and NVGRE exactly as the frame parser finds them.
        var l4 = outer.L4;
        var at0 = VLoad(b, start, last, l4);
        var at8 = VLoad(b, start, last, l4 + C(8));
        ulong port = (ulong)(uint)vxlanPort;

        // The dispatcher's port, the same for every frame (as in FrameParser.Parse4): one above 0xFFFF matches no frame.
        ulong wirePort = port <= 0xFFFF ? ((port & 0xFF) << 8) | (port >> 8) : ulong.MaxValue;
        var vxlan = outer.TunnelOk & Vector256.Equals(outer.Proto, C(17)) & Vector256.Equals((at0 >> 16) & C(0xFFFF), C(wirePort)) & VHas(len, l4 + C(8), 8)
                    & ~Vector256.Equals(at8 & C(0x08), Vector256<ulong>.Zero);
        var greFlags = VBe16(at0);
        var nvgre = outer.TunnelOk & Vector256.Equals(outer.Proto, C(47)) & VHas(len, l4, 8) & ~Vector256.Equals(greFlags & C(0x2000), Vector256<ulong>.Zero)
                    & Vector256.Equals(greFlags & C(0x9007), Vector256<ulong>.Zero) & Vector256.Equals((at0 >> 16) & C(0xFFFF), C(0x5865));

        // The inner Ethernet header, its C-tag (TPID 0x8100 right after the MACs, TCI complete), its IP header.
        var inner = Vector256.ConditionalSelect(vxlan, l4 + C(16), l4 + C(8));
        var innerTag = VLoad(b, start, last, inner + C(12));
        var innerTagged = Vector256.Equals(innerTag & C(0xFFFF), C(0x0081)) & VHas(len, inner + C(14), 2);
        Header4(b, start, last, len, inner + C(12) + (innerTagged & C(4)), out var innerIp);

        // The header that is hashed, then its addresses and ports, read once.
        var useInner = (vxlan | nvgre) & (innerIp.V4 | innerIp.V6);
        var hashed = new IpHeader4
        {
            L3 = Vector256.ConditionalSelect(useInner, innerIp.L3, outer.L3),
            L4 = Vector256.ConditionalSelect(useInner, innerIp.L4, outer.L4),
            V4 = Vector256.ConditionalSelect(useInner, innerIp.V4, outer.V4),
            V6 = Vector256.ConditionalSelect(useInner, innerIp.V6, outer.V6),
            HasPorts = Vector256.ConditionalSelect(useInner, innerIp.HasPorts, outer.HasPorts),
        };
        Tuple4(b, start, last, in hashed, out input);
    }

    /// <summary><see cref="Header"/> for four frames.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Header4(byte* b, Vector256<ulong> start, Vector256<ulong> last, Vector256<ulong> len, Vector256<ulong> etherTypeAt, out IpHeader4 header)
    {
        var l2End = VLoad(b, start, last, etherTypeAt);
        var l3 = etherTypeAt + C(2);
        var ipMid = VLoad(b, start, last, l3 + C(6));
        var etherType = l2End & C(0xFFFF);
        var isIpv4Type = Vector256.Equals(etherType, C(0x0008));
        var b0 = (l2End >> 16) & C(0xFF);
        var ihlBytes = (b0 & C(0xF)) << 2;
        var l4 = l3 + Vector256.ConditionalSelect(isIpv4Type, ihlBytes, C(40));
        var hasEtherType = VHas(len, etherTypeAt, 2);
        var v4 = isIpv4Type & hasEtherType & Vector256.Equals(b0 >> 4, C(4)) & VLe(C(20), ihlBytes) & VLe(l3 + ihlBytes, len);
        var v6 = Vector256.Equals(etherType, C(0xDD86)) & hasEtherType & Vector256.Equals(b0 >> 4, C(6)) & VHas(len, l3, 40);
        var fragment = VBe16(ipMid);
        var proto = Vector256.ConditionalSelect(isIpv4Type, ipMid >> 24, ipMid) & C(0xFF);

        // Ports: TCP or UDP, not a fragment, their four bytes present.
        var whole = (v4 & Vector256.Equals(fragment & C(0x3FFF), Vector256<ulong>.Zero)) | v6;
        header.L3 = l3;
        header.L4 = l4;
        header.Proto = proto;
        header.V4 = v4;
        header.V6 = v6;
        header.TunnelOk = (v4 & Vector256.Equals(fragment & C(0x1FFF), Vector256<ulong>.Zero)) | v6;
        header.HasPorts = whole & (Vector256.Equals(proto, C(6)) | Vector256.Equals(proto, C(17))) & VHas(len, l4, 4);
    }

    /// <summary><see cref="Tuple"/> for four frames.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Tuple4(byte* b, Vector256<ulong> start, Vector256<ulong> last, in IpHeader4 header, out Input4 input)
    {
        var ports = VLoad(b, start, last, header.L4) & C(0xFFFF_FFFF) & header.HasPorts;

        // IPv4 addresses are header bytes 12..19, IPv6 ones bytes 8..39: four windows from byte 8 serve both.
        var l3 = header.L3;
        var a0 = VLoad(b, start, last, l3 + C(8));
        var a1 = VLoad(b, start, last, l3 + C(16));
        var a2 = VLoad(b, start, last, l3 + C(24));
        var a3 = VLoad(b, start, last, l3 + C(32));
        var v4Addresses = (a0 >> 32) | (a1 << 32);
        var v6 = header.V6;
        var ip = header.V4 | v6;
        input.W0 = Vector256.ConditionalSelect(v6, a0, v4Addresses) & ip;
        input.W1 = Vector256.ConditionalSelect(v6, a1, ports) & ip;
        input.W2 = a2 & v6;
        input.W3 = a3 & v6;
        input.W4 = ports & v6;
        input.Valid = ip;
    }

    /// <summary>Four frames' <see cref="IpHeader"/>s, lane k for frame k.</summary>
    private struct IpHeader4
    {
        /// <summary>The IP headers' offsets.</summary>
        public Vector256<ulong> L3;

        /// <summary>The offsets after them.</summary>
        public Vector256<ulong> L4;

        /// <summary>The IPv4 protocols or IPv6 next headers.</summary>
        public Vector256<ulong> Proto;

        /// <summary>Valid IPv4 headers.</summary>
        public Vector256<ulong> V4;

        /// <summary>Valid IPv6 fixed headers.</summary>
        public Vector256<ulong> V6;

        /// <summary>Valid, and not non-first IPv4 fragments.</summary>
        public Vector256<ulong> TunnelOk;

        /// <summary>Unfragmented TCP or UDP with the four port bytes present.</summary>
        public Vector256<ulong> HasPorts;
    }

    /// <summary>Four frames' hash inputs, lane k for frame k (the fields of <see cref="Input"/>).</summary>
    internal struct Input4
    {
        /// <summary>Input bytes 0..7.</summary>
        public Vector256<ulong> W0;

        /// <summary>Input bytes 8..15.</summary>
        public Vector256<ulong> W1;

        /// <summary>Input bytes 16..23.</summary>
        public Vector256<ulong> W2;

        /// <summary>Input bytes 24..31.</summary>
        public Vector256<ulong> W3;

        /// <summary>Input bytes 32..35.</summary>
        public Vector256<ulong> W4;

        /// <summary>All ones where the input comes from a valid IP header.</summary>
        public Vector256<ulong> Valid;

        /// <summary>Lane <paramref name="k"/>'s input.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public readonly Input Lane(int k) => new()
        {
            W0 = W0.GetElement(k),
            W1 = W1.GetElement(k),
            W2 = W2.GetElement(k),
            W3 = W3.GetElement(k),
            W4 = W4.GetElement(k),
            Valid = Valid.GetElement(k),
        };
    }
}
