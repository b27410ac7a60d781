using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Vmdq.Toolkit;

/// <summary>
/// Four frames at once: the same parse as <see cref="FrameParser.ParseRaw"/>, each 64-bit lane of an
/// AVX2 vector carrying one frame, each 8-byte window read with four scalar loads (one AVX2 gather was slower on Zen 4). The
/// scalar parser is throughput-bound (about 300 instructions, no branches), so four lanes per
/// instruction is where a batch gets its speed.
/// </summary>
public static partial class FrameParser
{
    private static readonly Vector256<byte> s_reverseLanes = Vector256.Create(
        (byte)7, 6, 5, 4, 3, 2, 1, 0, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 15, 14, 13, 12, 11, 10, 9, 8);

    /// <summary>True where <see cref="ParseRaw4"/> runs vectorized (AVX2); elsewhere it parses one frame at a time.</summary>
    public static bool IsParse4Vectorized => Avx2.IsSupported;

    /// <summary>
    /// Parses four frames that lie in <paramref name="buffer"/> into <paramref name="output"/>[0..3],
    /// exactly as <see cref="ParseRaw"/> would one by one. Used by generated batch classifiers.
    /// </summary>
    /// <param name="buffer">The bytes the frames lie in.</param>
    /// <param name="four">Exactly four frames.</param>
    /// <param name="vxlanPort">The UDP port that carries VXLAN.</param>
    /// <param name="output">Receives four parsed frames.</param>
    /// <exception cref="ArgumentException">A slice lies outside <paramref name="buffer"/>, or the spans are too short.</exception>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void ParseRaw4(ReadOnlySpan<byte> buffer, ReadOnlySpan<FrameSlice> four, int vxlanPort, Span<ParsedFrame> output) =>
        ParseRaw4<ParseVariants.Full>(buffer, four, vxlanPort, output);

    /// <summary>
    /// <see cref="ParseRaw4(ReadOnlySpan{byte}, ReadOnlySpan{FrameSlice}, int, Span{ParsedFrame})"/> reading only
    /// what <typeparamref name="TVariant"/> says, exactly as <see cref="ParseRaw{TVariant}"/> would one by one.
    /// </summary>
    /// <typeparam name="TVariant">One of <see cref="ParseVariants"/>.</typeparam>
    /// <param name="buffer">The bytes the frames lie in.</param>
    /// <param name="four">Exactly four frames.</param>
    /// <param name="vxlanPort">The UDP port that carries VXLAN.</param>
    /// <param name="output">Receives four parsed frames.</param>
    /// <exception cref="ArgumentException">A slice lies outside <paramref name="buffer"/>, or the spans are too short.</exception>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void ParseRaw4<TVariant>(ReadOnlySpan<byte> buffer, ReadOnlySpan<FrameSlice> four, int vxlanPort, Span<ParsedFrame> output)
        where TVariant : struct, IParseVariant
    {
        if (output.Length < 4)
        {
            throw new ArgumentException("ParseRaw4 needs room for four results.", nameof(output));
        }

        if (!TryParse4<TVariant>(buffer, four, vxlanPort, out var f))
        {
            for (int k = 0; k < 4; k++)
            {
                ParseRaw<TVariant>(buffer.Slice(four[k].Offset, four[k].Length), vxlanPort, out output[k]);
            }

            return;
        }

        ref ParsedFrame o = ref MemoryMarshal.GetReference(output);
        Store4(ref o, 0, f.Dst, f.HasDst, f.Svid, f.HasSvid);
        Store4(ref o, 4, f.Cvid, f.HasCvid, f.Pcp, f.HasPcp);
        Store4(ref o, 8, f.TunnelId, f.FlowId, f.IsVxlan, f.IsNvgre);
        Store4(ref o, 12, f.InnerDst, f.HasInnerDst, f.InnerVid, f.HasInnerVid);
    }
    /// <summary>
    /// Parses four frames that lie in <paramref name="buffer"/> into one vector per field. Returns false,
    /// leaving <paramref name="f"/> unset, when they must be parsed one by one instead (no AVX2, or a
    /// frame shorter than 14 bytes). Used by generated batch classifiers.
    /// </summary>
    /// <param name="buffer">The bytes the frames lie in.</param>
    /// <param name="four">Exactly four frames.</param>
    /// <param name="vxlanPort">The UDP port that carries VXLAN.</param>
    /// <param name="f">Receives the four parsed frames, lane k for frame k.</param>
    /// <exception cref="ArgumentException">A slice lies outside <paramref name="buffer"/>, or fewer than four are given.</exception>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static bool TryParse4(ReadOnlySpan<byte> buffer, ReadOnlySpan<FrameSlice> four, int vxlanPort, out ParsedFrame4 f) =>
        TryParse4<ParseVariants.Full>(buffer, four, vxlanPort, out f);

    /// <summary>
    /// <see cref="TryParse4(ReadOnlySpan{byte}, ReadOnlySpan{FrameSlice}, int, out ParsedFrame4)"/> reading only what
    /// <typeparamref name="TVariant"/> says (fields it does not read are absent): fewer window reads per frame.
    /// </summary>
    /// <typeparam name="TVariant">One of <see cref="ParseVariants"/>.</typeparam>
    /// <param name="buffer">The bytes the frames lie in.</param>
    /// <param name="four">Exactly four frames.</param>
    /// <param name="vxlanPort">The UDP port that carries VXLAN.</param>
    /// <param name="f">Receives the four parsed frames, lane k for frame k.</param>
    /// <exception cref="ArgumentException">A slice lies outside <paramref name="buffer"/>, or fewer than four are given.</exception>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static unsafe bool TryParse4<TVariant>(ReadOnlySpan<byte> buffer, ReadOnlySpan<FrameSlice> four, int vxlanPort, out ParsedFrame4 f)
        where TVariant : struct, IParseVariant
    {
        if (four.Length < 4)
        {
            throw new ArgumentException("TryParse4 takes four frames.", nameof(four));
        }

        ulong bufferLength = (ulong)(uint)buffer.Length;
        for (int k = 0; k < 4; k++)
        {
            var s = four[k];
            if (s.Offset < 0 || s.Length < 0 || (ulong)(uint)s.Offset + (uint)s.Length > bufferLength)
            {
                ThrowOutside(buffer.Length, s, k, nameof(four));
            }
        }

        return TryParse4Checked<TVariant>(buffer, four, vxlanPort, out f);
    }

    /// <summary>
    /// <see cref="TryParse4{TVariant}(ReadOnlySpan{byte}, ReadOnlySpan{FrameSlice}, int, out ParsedFrame4)"/> for four slices
    /// the caller has checked (each inside the buffer): the batch loops check a whole batch once, so a step does not check
    /// its four again.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static unsafe bool TryParse4Checked<TVariant>(ReadOnlySpan<byte> buffer, ReadOnlySpan<FrameSlice> four, int vxlanPort, out ParsedFrame4 f)
        where TVariant : struct, IParseVariant
    {
        int shortest = Math.Min(Math.Min(four[0].Length, four[1].Length), Math.Min(four[2].Length, four[3].Length));
        if (!Avx2.IsSupported || shortest < 14)
        {
            f = default;
            return false;
        }

        // The lane parse is a call of its own (see Parse4), as the eight-lane one is.
        var lanes = new Lanes4(
            (ulong)(uint)four[0].Offset, (ulong)(uint)four[1].Offset, (ulong)(uint)four[2].Offset, (ulong)(uint)four[3].Offset,
            (ulong)(uint)four[0].Length, (ulong)(uint)four[1].Length, (ulong)(uint)four[2].Length, (ulong)(uint)four[3].Length);
        fixed (byte* b = &MemoryMarshal.GetReference(buffer))
        {
            Parse4<TVariant>(b, in lanes, (ulong)(uint)vxlanPort, out f);
        }

        return true;
    }

    /// <summary>
    /// <see cref="TryParse4(ReadOnlySpan{byte}, ReadOnlySpan{FrameSlice}, int, out ParsedFrame4)"/> for
    /// four frames in arrays of their own. Returns false when they must be parsed one by one (no AVX2,
    /// or a frame that is null or shorter than 14 bytes).
    /// </summary>
    /// <param name="four">Exactly four frames.</param>
    /// <param name="vxlanPort">The UDP port that carries VXLAN.</param>
    /// <param name="f">Receives the four parsed frames, lane k for frame k.</param>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static bool TryParse4(ReadOnlySpan<byte[]> four, int vxlanPort, out ParsedFrame4 f) =>
        TryParse4<ParseVariants.Full>(four, vxlanPort, out f);

    /// <summary>
    /// <see cref="TryParse4(ReadOnlySpan{byte[]}, int, out ParsedFrame4)"/> reading only what
    /// <typeparamref name="TVariant"/> says (fields it does not read are absent).
    /// </summary>
    /// <typeparam name="TVariant">One of <see cref="ParseVariants"/>.</typeparam>
    /// <param name="four">Exactly four frames.</param>
    /// <param name="vxlanPort">The UDP port that carries VXLAN.</param>
    /// <param name="f">Receives the four parsed frames, lane k for frame k.</param>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static unsafe bool TryParse4<TVariant>(ReadOnlySpan<byte[]> four, int vxlanPort, out ParsedFrame4 f)
        where TVariant : struct, IParseVariant
    {
        if (four.Length < 4)
        {
            throw new ArgumentException("TryParse4 takes four frames.", nameof(four));
        }

        byte[] a = four[0], b = four[1], c = four[2], d = four[3];
        if (!Avx2.IsSupported || a is null || b is null || c is null || d is null
            || Math.Min(Math.Min(a.Length, b.Length), Math.Min(c.Length, d.Length)) < 14)
        {
            f = default;
            return false;
        }

        fixed (byte* pa = &a[0], pb = &b[0], pc = &c[0], pd = &d[0])
        {
            // Absolute addresses: the window reads' base is 0 and each lane's start is its own array.
            var lanes = new Lanes4((ulong)pa, (ulong)pb, (ulong)pc, (ulong)pd, (ulong)a.Length, (ulong)b.Length, (ulong)c.Length, (ulong)d.Length);
            Parse4<TVariant>(null, in lanes, (ulong)(uint)vxlanPort, out f);
        }

        return true;
    }

    /// <summary>Where four frames start and how long they are, as scalars (see <see cref="Parse4{TVariant}"/>).</summary>
    private readonly struct Lanes4(ulong s0, ulong s1, ulong s2, ulong s3, ulong l0, ulong l1, ulong l2, ulong l3)
    {
        public readonly ulong S0 = s0, S1 = s1, S2 = s2, S3 = s3, L0 = l0, L1 = l1, L2 = l2, L3 = l3;
    }

    /// <summary>The four-lane parse: lane k's frame is Lk bytes at <paramref name="b"/> + Sk of <paramref name="lanes"/>.</summary>
    /// <remarks>
    /// Compiled on its own, as the eight-lane <c>Parse8</c> is: inlined into a batch loop together with the four-lane decide
    /// kernel it used up the JIT's inlining budget, and the loop called the kernel's probes out of line (1.15x the batch's time).
    /// The starts and lengths come in as scalars and become vectors here: <c>Vector256</c> arguments would go through stack
    /// slots stored just before the call, a round trip that at some stack alignments cost the four-lane batch about 25%.
    /// </remarks>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static unsafe void Parse4<TVariant>(byte* b, in Lanes4 lanes, ulong port, out ParsedFrame4 f)
        where TVariant : struct, IParseVariant
    {
        var start = Vector256.Create(lanes.S0, lanes.S1, lanes.S2, lanes.S3);
        var len = Vector256.Create(lanes.L0, lanes.L1, lanes.L2, lanes.L3);

        // As in ParseRaw<TVariant>: a variant that stops early leaves the rest absent.
        Unsafe.SkipInit(out f);
        if (!TVariant.ReadsInner)
        {
            f = default;
        }

        var last = len - Vector256.Create(8UL);

        // L2 (see ParseRaw for the spec rules each line implements).
        f.Dst = VRev(VLoad(b, start, last, Vector256<ulong>.Zero)) >> 16;
        f.HasDst = Vector256<ulong>.AllBitsSet;
        if (!TVariant.ReadsTags)
        {
            return;
        }

        var tags = VLoad(b, start, last, C(12));
        var isS = Vector256.Equals(tags & C(0xFFFF), C(0xA888)) & VHas(len, C(14), 2);
        var tciS = VBe16(tags >> 16);
        var sBytes = isS & C(4);
        var afterS = Avx2.ShiftRightLogicalVariable(tags, sBytes << 3);
        var isC = Vector256.Equals(afterS & C(0xFFFF), C(0x0081)) & VHas(len, C(14) + sBytes, 2);
        var tciC = VBe16(afterS >> 16);
        var off2 = C(12) + sBytes + (isC & C(4));
        var tagged = isS | isC;
        var pcp = Vector256.ConditionalSelect(isS, tciS, tciC) >> 13;
        f.Svid = tciS & C(0xFFF);
        f.HasSvid = isS;
        f.Cvid = tciC & C(0xFFF);
        f.HasCvid = isC;
        f.Pcp = pcp & C(7);
        f.HasPcp = tagged;
        if (!TVariant.ReadsTunnels)
        {
            return;
        }

        // L3.
        ReadIpHeader4(b, start, last, len, off2, out var header);
        var l4 = header.L4;
        var proto = header.Proto;
        var ip = header.CarriesTunnel;

        // L4, VXLAN, NVGRE.
        var at0 = VLoad(b, start, last, l4);
        var at8 = VLoad(b, start, last, l4 + C(8));
        ulong wirePort = port <= 0xFFFF ? ((port & 0xFF) << 8) | (port >> 8) : ulong.MaxValue;
        var vxlan = ip & Vector256.Equals(proto, C(17)) & Vector256.Equals((at0 >> 16) & C(0xFFFF), C(wirePort)) & VHas(len, l4 + C(8), 8)
                    & ~Vector256.Equals(at8 & C(0x08), Vector256<ulong>.Zero);
        var vni = VRev(at8) >> 8 & C(0xFFFFFF);
        var greFlags = VBe16(at0);
        var nvgre = ip & Vector256.Equals(proto, C(47)) & VHas(len, l4, 8) & ~Vector256.Equals(greFlags & C(0x2000), Vector256<ulong>.Zero)
                    & Vector256.Equals(greFlags & C(0x9007), Vector256<ulong>.Zero) & Vector256.Equals((at0 >> 16) & C(0xFFFF), C(0x5865));
        var key = VRev(at0) & C(0xFFFFFFFF);
        f.TunnelId = Vector256.ConditionalSelect(vxlan, vni, key >> 8) & C(0xFFFFFF);
        f.FlowId = key & C(0xFF);
        f.IsVxlan = vxlan;
        f.IsNvgre = nvgre;
        if (!TVariant.ReadsInner)
        {
            return;
        }

        // Inner Ethernet.
        var at16 = VLoad(b, start, last, l4 + C(16));
        var at24 = VLoad(b, start, last, l4 + C(24));
        var tunnel = vxlan | nvgre;
        var inner = Vector256.ConditionalSelect(vxlan, l4 + C(16), l4 + C(8));
        var innerHead = Vector256.ConditionalSelect(vxlan, at16, at8);
        var innerTag = Vector256.ConditionalSelect(vxlan, at24, at16) >> 32;
        var hasInner = tunnel & VHas(len, inner, 6);
        var innerTagged = tunnel & Vector256.Equals(innerTag & C(0xFFFF), C(0x0081)) & VHas(len, inner + C(14), 2);
        f.InnerDst = VRev(innerHead) >> 16;
        f.HasInnerDst = hasInner;
        f.InnerVid = VBe16(innerTag >> 16) & C(0xFFF);
        f.HasInnerVid = innerTagged;
    }

    /// <summary><see cref="ReadIpHeader"/> for four frames (two four-lane windows).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static unsafe void ReadIpHeader4(byte* b, Vector256<ulong> start, Vector256<ulong> last, Vector256<ulong> len, Vector256<ulong> etherTypeAt, out IpHeader4 header)
    {
        var l2End = VLoad(b, start, last, etherTypeAt);
        var l3 = etherTypeAt + C(2);
        var ipMid = VLoad(b, start, last, l3 + C(6));
        var etherType = l2End & C(0xFFFF);
        var isIpv4Type = Vector256.Equals(etherType, C(0x0008));
        var b0 = (l2End >> 16) & C(0xFF);
        var ihlBytes = (b0 & C(0xF)) << 2;
        var hasEtherType = VHas(len, etherTypeAt, 2);
        header.L3 = l3;
        header.L4 = l3 + Vector256.ConditionalSelect(isIpv4Type, ihlBytes, C(40));
        header.Proto = Vector256.ConditionalSelect(isIpv4Type, ipMid >> 24, ipMid) & C(0xFF);
        header.Fragment = VBe16(ipMid);
        header.V4 = isIpv4Type & hasEtherType & Vector256.Equals(b0 >> 4, C(4)) & VLe(C(20), ihlBytes) & VLe(l3 + ihlBytes, len);
        header.V6 = Vector256.Equals(etherType, C(0xDD86)) & hasEtherType & Vector256.Equals(b0 >> 4, C(6)) & VHas(len, l3, 40);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<ulong> C(ulong value) => Vector256.Create(value);

    /// <summary>
    /// Each lane's 8-byte window at its offset, clamped to the frame's last 8 bytes and shifted down (as <see cref="Load"/>): four
    /// scalar loads, faster than one AVX2 gather on Zen 4.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static unsafe Vector256<ulong> VLoad(byte* b, Vector256<ulong> start, Vector256<ulong> last, Vector256<ulong> offset)
    {
        var at = Vector256.ConditionalSelect(VLe(offset, last), offset, last);
        var o = start + at;
        Vector128<ulong> o0 = o.GetLower(), o1 = o.GetUpper();
        var window = Vector256.Create(*(ulong*)(b + o0.ToScalar()), *(ulong*)(b + o0.GetElement(1)), *(ulong*)(b + o1.ToScalar()), *(ulong*)(b + o1.GetElement(1)));
        return Avx2.ShiftRightLogicalVariable(window, (offset - at) << 3);
    }

    /// <summary>All ones where a &lt;= b (both below 2^63).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<ulong> VLe(Vector256<ulong> a, Vector256<ulong> b) => Vector256.LessThanOrEqual(a.AsInt64(), b.AsInt64()).AsUInt64();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<ulong> VHas(Vector256<ulong> length, Vector256<ulong> offset, ulong width) => VLe(offset + C(width), length);

    /// <summary>Each lane's bytes reversed: a window's bytes read big-endian.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<ulong> VRev(Vector256<ulong> x) => Avx2.Shuffle(x.AsByte(), s_reverseLanes).AsUInt64();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<ulong> VBe16(Vector256<ulong> x) => ((x & C(0xFF)) << 8) | ((x >> 8) & C(0xFF));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store4(ref ParsedFrame frames, int field, Vector256<ulong> a, Vector256<ulong> b, Vector256<ulong> c, Vector256<ulong> d)
    {
        var ab0 = Avx2.UnpackLow(a, b);   // a0 b0 a2 b2
        var ab1 = Avx2.UnpackHigh(a, b);  // a1 b1 a3 b3
        var cd0 = Avx2.UnpackLow(c, d);
        var cd1 = Avx2.UnpackHigh(c, d);
        Write(ref frames, 0, field, Avx2.Permute2x128(ab0, cd0, 0x20));
        Write(ref frames, 1, field, Avx2.Permute2x128(ab1, cd1, 0x20));
        Write(ref frames, 2, field, Avx2.Permute2x128(ab0, cd0, 0x31));
        Write(ref frames, 3, field, Avx2.Permute2x128(ab1, cd1, 0x31));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Write(ref ParsedFrame frames, int frame, int field, Vector256<ulong> values) =>
        Unsafe.WriteUnaligned(ref Unsafe.As<ulong, byte>(ref Unsafe.Add(ref Unsafe.Add(ref frames, frame).Dst, field)), values);
}
