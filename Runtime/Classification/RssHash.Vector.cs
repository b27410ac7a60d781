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
        ReadIpHeader4(b, start, last, len, etherTypeAt, out var outer);

        // VXLAN and NVGRE exactly as the frame parser finds them.
        var l4 = outer.L4;
        var at0 = VLoad(b, start, last, l4);
        var at8 = VLoad(b, start, last, l4 + C(8));
        ulong port = (ulong)(uint)vxlanPort;

        // The dispatcher's port, the same for every frame (as in FrameParser.Parse4): one above 0xFFFF matches no frame.
        ulong wirePort = port <= 0xFFFF ? ((port & 0xFF) << 8) | (port >> 8) : ulong.MaxValue;
        var tunnelOk = outer.CarriesTunnel;
        var vxlan = tunnelOk & Vector256.Equals(outer.Proto, C(17)) & Vector256.Equals((at0 >> 16) & C(0xFFFF), C(wirePort)) & VHas(len, l4 + C(8), 8)
                    & ~Vector256.Equals(at8 & C(0x08), Vector256<ulong>.Zero);
        var greFlags = VBe16(at0);
        var nvgre = tunnelOk & Vector256.Equals(outer.Proto, C(47)) & VHas(len, l4, 8) & ~Vector256.Equals(greFlags & C(0x2000), Vector256<ulong>.Zero)
                    & Vector256.Equals(greFlags & C(0x9007), Vector256<ulong>.Zero) & Vector256.Equals((at0 >> 16) & C(0xFFFF), C(0x5865));

        // The inner Ethernet header, its C-tag (TPID 0x8100 right after the MACs, TCI complete), its IP header.
        var inner = Vector256.ConditionalSelect(vxlan, l4 + C(16), l4 + C(8));
        var innerTag = VLoad(b, start, last, inner + C(12));
        var innerTagged = Vector256.Equals(innerTag & C(0xFFFF), C(0x0081)) & VHas(len, inner + C(14), 2);
        ReadIpHeader4(b, start, last, len, inner + C(12) + (innerTagged & C(4)), out var innerIp);

        // The header that is hashed, then its addresses and ports, read once.
        var useInner = (vxlan | nvgre) & (innerIp.V4 | innerIp.V6);
        Tuple4(
            b,
            start,
            last,
            Vector256.ConditionalSelect(useInner, innerIp.L3, outer.L3),
            Vector256.ConditionalSelect(useInner, innerIp.L4, outer.L4),
            Vector256.ConditionalSelect(useInner, innerIp.V4, outer.V4),
            Vector256.ConditionalSelect(useInner, innerIp.V6, outer.V6),
            Vector256.ConditionalSelect(useInner, innerIp.HasPorts(len), outer.HasPorts(len)),
            out input);
    }

    /// <summary><see cref="Tuple"/> for four frames.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Tuple4(
        byte* b, Vector256<ulong> start, Vector256<ulong> last, Vector256<ulong> l3, Vector256<ulong> l4, Vector256<ulong> v4, Vector256<ulong> v6,
        Vector256<ulong> hasPorts, out Input4 input)
    {
        var ports = VLoad(b, start, last, l4) & C(0xFFFF_FFFF) & hasPorts;

        // IPv4 addresses are header bytes 12..19, IPv6 ones bytes 8..39: four windows from byte 8 serve both.
        var a0 = VLoad(b, start, last, l3 + C(8));
        var a1 = VLoad(b, start, last, l3 + C(16));
        var a2 = VLoad(b, start, last, l3 + C(24));
        var a3 = VLoad(b, start, last, l3 + C(32));
        var v4Addresses = (a0 >> 32) | (a1 << 32);
        var ip = v4 | v6;
        input.W0 = Vector256.ConditionalSelect(v6, a0, v4Addresses) & ip;
        input.W1 = Vector256.ConditionalSelect(v6, a1, ports) & ip;
        input.W2 = a2 & v6;
        input.W3 = a3 & v6;
        input.W4 = ports & v6;
        input.Valid = ip;
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
