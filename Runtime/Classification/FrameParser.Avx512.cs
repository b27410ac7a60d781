using System;
using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Vmdq.Toolkit;

/// <summary>How an eight-frame parse runs (see <see cref="FrameParser.Batch8Path"/>).</summary>
internal enum BatchPath
{
    /// <summary>The AVX-512 kernel: eight frames per step, no gathers (needs AVX-512 F, BW and VBMI to run at speed).</summary>
    Avx512,

    /// <summary>The four-lane AVX2 parse twice (<see cref="FrameParser.TryParse4{TVariant}(ReadOnlySpan{byte}, ReadOnlySpan{FrameSlice}, int, out ParsedFrame4)"/>).</summary>
    Avx2,

    /// <summary><see cref="FrameParser.ParseRaw{TVariant}"/> eight times.</summary>
    Scalar,
}

/// <summary>
/// Eight frames at once with AVX-512: the same parse as <see cref="FrameParser.ParseRaw{TVariant}"/>, lane k of
/// each <see cref="Vector512{T}"/> carrying frame k, with no gathers and no data-dependent branch.
/// </summary>
/// <remarks>
/// <para>Every byte the parse reads lies in a frame's first 114 bytes: tags and the IP header start by
/// byte 22, the L4 header at most at 22 + 60 (IPv4 with IHL 15), and the four 8-byte windows after it end
/// by byte 114. So each frame is read as two 64-byte vectors (bytes 0..127) and nothing else:</para>
/// <list type="bullet">
/// <item>bytes 0..31 of the eight frames are transposed (12 two-source qword permutes) into four vectors,
/// one per 8-byte word, lane k for frame k; the tags, EtherType and IP header (at offsets 12, 16 or 20,
/// chosen by the tags) are shifts and selects of those words;</item>
/// <item>the 32 bytes at each frame's L4 header are picked out of its 128 bytes with one two-table byte
/// permute (<c>vpermi2b</c>) indexed by the lane's L4 offset, then transposed like the first 32.</item>
/// </list>
/// <para>Two ways to load: the padded entry (<see cref="ParseRaw8Padded{TVariant}(ReadOnlySpan{byte}, ReadOnlySpan{FrameSlice}, int, out ParsedFrame8)"/>) does plain loads and
/// needs <see cref="PaddedFrameBytes"/> readable bytes after each frame start; the span entries load with
/// byte masks (<c>vmovdqu8 {k}{z}</c>, which do not fault on masked-off bytes) of each frame's length, so
/// they never read outside a frame whatever its length. Either way a field counts as present only when
/// its bytes are inside the frame's length, exactly as in <see cref="ParseRaw{TVariant}"/>; the values of
/// absent fields are garbage (in the same ranges: a VLAN ID is still 12 bits).</para>
/// <para>Where the CPU lacks AVX-512 VBMI the same entry points run the four-lane AVX2 parse twice, or
/// <see cref="ParseRaw{TVariant}"/> eight times (<see cref="Batch8Path"/>). The few AVX-512-only
/// instructions (two-source permutes, masked loads) sit behind helpers with a portable equivalent, so the
/// kernel can also run, slowly, where they are missing: tests use that to check it on any machine.</para>
/// </remarks>
public static partial class FrameParser
{
    /// <summary>
    /// Readable bytes the padded entry point (<see cref="ParseRaw8Padded{TVariant}(ReadOnlySpan{byte}, ReadOnlySpan{FrameSlice}, int, out ParsedFrame8)"/>) needs from each frame's
    /// first byte, whatever the frame's length: 128. NIC receive buffers (2 KB) give this for free.
    /// </summary>
    public const int PaddedFrameBytes = 128;

    /// <summary>True where the eight-frame parse runs its AVX-512 kernel (AVX-512 F, BW and VBMI).</summary>
    public static bool IsParse8Avx512 => Avx512Vbmi.IsSupported && Avx512BW.IsSupported;

    /// <summary>The fastest eight-frame path this CPU has.</summary>
    internal static BatchPath BestBatch8Path => IsParse8Avx512 ? BatchPath.Avx512 : Avx2.IsSupported ? BatchPath.Avx2 : BatchPath.Scalar;

    /// <summary>
    /// The path the public eight-frame entry points take; <see cref="BestBatch8Path"/> unless a test sets
    /// it (process-wide: every path gives the same fields, so this changes speed, not results).
    /// <see cref="BatchPath.Avx512"/> runs the kernel even without AVX-512, through portable equivalents.
    /// </summary>
    internal static BatchPath Batch8Path { get; set; } = BestBatch8Path;

    /// <summary>
    /// Parses eight frames that lie in <paramref name="buffer"/>, each with at least <see cref="PaddedFrameBytes"/>
    /// bytes of <paramref name="buffer"/> from its first byte, exactly as <see cref="ParseRaw"/> would one by one.
    /// Used by generated batch classifiers.
    /// </summary>
    /// <param name="buffer">The bytes the frames lie in.</param>
    /// <param name="eight">Exactly eight frames (more are ignored).</param>
    /// <param name="vxlanPort">The UDP port that carries VXLAN.</param>
    /// <param name="f">Receives the eight parsed frames, lane k for frame k.</param>
    /// <exception cref="ArgumentException">Fewer than eight frames, or one lies outside <paramref name="buffer"/> or has fewer than <see cref="PaddedFrameBytes"/> bytes of it from its start.</exception>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void ParseRaw8Padded(ReadOnlySpan<byte> buffer, ReadOnlySpan<FrameSlice> eight, int vxlanPort, out ParsedFrame8 f) =>
        ParseRaw8Padded<ParseVariants.Full>(buffer, eight, vxlanPort, Batch8Path, out f);

    /// <summary>
    /// <see cref="ParseRaw8Padded(ReadOnlySpan{byte}, ReadOnlySpan{FrameSlice}, int, out ParsedFrame8)"/> reading only what
    /// <typeparamref name="TVariant"/> says, exactly as <see cref="ParseRaw{TVariant}"/> would one by one.
    /// </summary>
    /// <typeparam name="TVariant">One of <see cref="ParseVariants"/>.</typeparam>
    /// <param name="buffer">The bytes the frames lie in.</param>
    /// <param name="eight">Exactly eight frames (more are ignored).</param>
    /// <param name="vxlanPort">The UDP port that carries VXLAN.</param>
    /// <param name="f">Receives the eight parsed frames, lane k for frame k.</param>
    /// <exception cref="ArgumentException">Fewer than eight frames, or one lies outside <paramref name="buffer"/> or has fewer than <see cref="PaddedFrameBytes"/> bytes of it from its start.</exception>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void ParseRaw8Padded<TVariant>(ReadOnlySpan<byte> buffer, ReadOnlySpan<FrameSlice> eight, int vxlanPort, out ParsedFrame8 f)
        where TVariant : struct, IParseVariant =>
        ParseRaw8Padded<TVariant>(buffer, eight, vxlanPort, Batch8Path, out f);

    /// <summary>
    /// Parses eight frames that lie in <paramref name="buffer"/>, of any lengths, exactly as <see cref="ParseRaw"/>
    /// would one by one; reads nothing outside the frames. Used by generated batch classifiers.
    /// </summary>
    /// <param name="buffer">The bytes the frames lie in.</param>
    /// <param name="eight">Exactly eight frames (more are ignored).</param>
    /// <param name="vxlanPort">The UDP port that carries VXLAN.</param>
    /// <param name="f">Receives the eight parsed frames, lane k for frame k.</param>
    /// <exception cref="ArgumentException">Fewer than eight frames, or one lies outside <paramref name="buffer"/>.</exception>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void ParseRaw8(ReadOnlySpan<byte> buffer, ReadOnlySpan<FrameSlice> eight, int vxlanPort, out ParsedFrame8 f) =>
        ParseRaw8<ParseVariants.Full>(buffer, eight, vxlanPort, Batch8Path, out f);

    /// <summary>
    /// <see cref="ParseRaw8(ReadOnlySpan{byte}, ReadOnlySpan{FrameSlice}, int, out ParsedFrame8)"/> reading only what
    /// <typeparamref name="TVariant"/> says, exactly as <see cref="ParseRaw{TVariant}"/> would one by one.
    /// </summary>
    /// <typeparam name="TVariant">One of <see cref="ParseVariants"/>.</typeparam>
    /// <param name="buffer">The bytes the frames lie in.</param>
    /// <param name="eight">Exactly eight frames (more are ignored).</param>
    /// <param name="vxlanPort">The UDP port that carries VXLAN.</param>
    /// <param name="f">Receives the eight parsed frames, lane k for frame k.</param>
    /// <exception cref="ArgumentException">Fewer than eight frames, or one lies outside <paramref name="buffer"/>.</exception>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void ParseRaw8<TVariant>(ReadOnlySpan<byte> buffer, ReadOnlySpan<FrameSlice> eight, int vxlanPort, out ParsedFrame8 f)
        where TVariant : struct, IParseVariant =>
        ParseRaw8<TVariant>(buffer, eight, vxlanPort, Batch8Path, out f);

    /// <summary>
    /// Parses eight frames in arrays of their own (a null array is an empty frame), exactly as
    /// <see cref="ParseRaw"/> would one by one; reads nothing outside the arrays. Used by generated batch classifiers.
    /// </summary>
    /// <param name="eight">Exactly eight frames (more are ignored).</param>
    /// <param name="vxlanPort">The UDP port that carries VXLAN.</param>
    /// <param name="f">Receives the eight parsed frames, lane k for frame k.</param>
    /// <exception cref="ArgumentException">Fewer than eight frames.</exception>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void ParseRaw8(ReadOnlySpan<byte[]> eight, int vxlanPort, out ParsedFrame8 f) =>
        ParseRaw8<ParseVariants.Full>(eight, vxlanPort, Batch8Path, out f);

    /// <summary>
    /// <see cref="ParseRaw8(ReadOnlySpan{byte[]}, int, out ParsedFrame8)"/> reading only what
    /// <typeparamref name="TVariant"/> says, exactly as <see cref="ParseRaw{TVariant}"/> would one by one.
    /// </summary>
    /// <typeparam name="TVariant">One of <see cref="ParseVariants"/>.</typeparam>
    /// <param name="eight">Exactly eight frames (more are ignored).</param>
    /// <param name="vxlanPort">The UDP port that carries VXLAN.</param>
    /// <param name="f">Receives the eight parsed frames, lane k for frame k.</param>
    /// <exception cref="ArgumentException">Fewer than eight frames.</exception>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void ParseRaw8<TVariant>(ReadOnlySpan<byte[]> eight, int vxlanPort, out ParsedFrame8 f)
        where TVariant : struct, IParseVariant =>
        ParseRaw8<TVariant>(eight, vxlanPort, Batch8Path, out f);

    /// <summary>The padded entry on a given path; returns the path that ran.</summary>
    internal static unsafe BatchPath ParseRaw8Padded<TVariant>(ReadOnlySpan<byte> buffer, ReadOnlySpan<FrameSlice> eight, int vxlanPort, BatchPath path, out ParsedFrame8 f)
        where TVariant : struct, IParseVariant
    {
        CheckSlices(buffer.Length, eight, PaddedFrameBytes);
        if (path != BatchPath.Avx512)
        {
            return Parse8Fallback<TVariant>(buffer, eight, vxlanPort, path, out f);
        }

        ParseRaw8PaddedChecked<TVariant>(buffer, eight, vxlanPort, out f);
        return BatchPath.Avx512;
    }

    /// <summary>
    /// The padded entry's AVX-512 parse of eight slices the caller has checked (inside the buffer, each with
    /// <see cref="PaddedFrameBytes"/> of it from its start): the batch loops check a whole batch once, so a step does not
    /// check its eight again. Requires AVX-512 VBMI and BW (or the tests' portable equivalents).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static unsafe void ParseRaw8PaddedChecked<TVariant>(ReadOnlySpan<byte> buffer, ReadOnlySpan<FrameSlice> eight, int vxlanPort, out ParsedFrame8 f)
        where TVariant : struct, IParseVariant
    {
        fixed (byte* b = &MemoryMarshal.GetReference(buffer))
        {
            var p = new Starts8(b, eight);
            Parse8<TVariant, PlainLoads>(p, (ulong)(uint)vxlanPort, out f);
        }
    }

    /// <summary>The span entry on a given path; returns the path that ran.</summary>
    internal static unsafe BatchPath ParseRaw8<TVariant>(ReadOnlySpan<byte> buffer, ReadOnlySpan<FrameSlice> eight, int vxlanPort, BatchPath path, out ParsedFrame8 f)
        where TVariant : struct, IParseVariant
    {
        CheckSlices(buffer.Length, eight, 0);
        if (path != BatchPath.Avx512)
        {
            return Parse8Fallback<TVariant>(buffer, eight, vxlanPort, path, out f);
        }

        ParseRaw8Checked<TVariant>(buffer, eight, vxlanPort, out f);
        return BatchPath.Avx512;
    }

    /// <summary>
    /// The span entry's AVX-512 parse of eight slices the caller has checked (each inside the buffer; the masked loads
    /// stay inside each frame): the batch loops check a whole batch once, so a step does not check its eight again.
    /// Requires AVX-512 VBMI and BW (or the tests' portable equivalents).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static unsafe void ParseRaw8Checked<TVariant>(ReadOnlySpan<byte> buffer, ReadOnlySpan<FrameSlice> eight, int vxlanPort, out ParsedFrame8 f)
        where TVariant : struct, IParseVariant
    {
        fixed (byte* b = &MemoryMarshal.GetReference(buffer))
        {
            var p = new Starts8(b, eight);
            Parse8<TVariant, MaskedLoads>(p, (ulong)(uint)vxlanPort, out f);
        }
    }

    /// <summary>The arrays entry on a given path; returns the path that ran.</summary>
    internal static unsafe BatchPath ParseRaw8<TVariant>(ReadOnlySpan<byte[]> eight, int vxlanPort, BatchPath path, out ParsedFrame8 f)
        where TVariant : struct, IParseVariant
    {
        if (eight.Length < 8)
        {
            throw new ArgumentException("ParseRaw8 takes eight frames.", nameof(eight));
        }

        if (path == BatchPath.Avx2 && Avx2.IsSupported)
        {
            Unsafe.SkipInit(out ParsedFrame4 low);
            Unsafe.SkipInit(out ParsedFrame4 high);
            if (!TryParse4<TVariant>(eight.Slice(0, 4), vxlanPort, out low))
            {
                Scalar4<TVariant>(eight.Slice(0, 4), vxlanPort, ref low);
            }

            if (!TryParse4<TVariant>(eight.Slice(4, 4), vxlanPort, out high))
            {
                Scalar4<TVariant>(eight.Slice(4, 4), vxlanPort, ref high);
            }

            ParsedFrame8.Join(low, high, out f);
            return BatchPath.Avx2;
        }

        if (path != BatchPath.Avx512)
        {
            f = default;
            for (int k = 0; k < 8; k++)
            {
                ParseRaw<TVariant>(eight[k], vxlanPort, out var one);
                f.SetLane(k, one);
            }

            return BatchPath.Scalar;
        }

        // A null array is an empty frame: its lane loads nothing (mask 0) from an empty array.
        byte[] a0 = eight[0] ?? [], a1 = eight[1] ?? [], a2 = eight[2] ?? [], a3 = eight[3] ?? [];
        byte[] a4 = eight[4] ?? [], a5 = eight[5] ?? [], a6 = eight[6] ?? [], a7 = eight[7] ?? [];
        fixed (byte* p0 = &MemoryMarshal.GetArrayDataReference(a0), p1 = &MemoryMarshal.GetArrayDataReference(a1),
               p2 = &MemoryMarshal.GetArrayDataReference(a2), p3 = &MemoryMarshal.GetArrayDataReference(a3),
               p4 = &MemoryMarshal.GetArrayDataReference(a4), p5 = &MemoryMarshal.GetArrayDataReference(a5),
               p6 = &MemoryMarshal.GetArrayDataReference(a6), p7 = &MemoryMarshal.GetArrayDataReference(a7))
        {
            Starts8 p = default;
            p.P0 = (nint)p0;
            p.P1 = (nint)p1;
            p.P2 = (nint)p2;
            p.P3 = (nint)p3;
            p.P4 = (nint)p4;
            p.P5 = (nint)p5;
            p.P6 = (nint)p6;
            p.P7 = (nint)p7;
            p.L0 = (ulong)a0.Length;
            p.L1 = (ulong)a1.Length;
            p.L2 = (ulong)a2.Length;
            p.L3 = (ulong)a3.Length;
            p.L4 = (ulong)a4.Length;
            p.L5 = (ulong)a5.Length;
            p.L6 = (ulong)a6.Length;
            p.L7 = (ulong)a7.Length;
            Parse8<TVariant, MaskedLoads>(p, (ulong)(uint)vxlanPort, out f);
        }

        return BatchPath.Avx512;
    }

    /// <summary>Throws unless there are eight slices inside a buffer of <paramref name="bufferLength"/> bytes, each with <paramref name="readable"/> bytes from its start.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CheckSlices(int bufferLength, ReadOnlySpan<FrameSlice> eight, int readable)
    {
        if (eight.Length < 8)
        {
            throw new ArgumentException("ParseRaw8 takes eight frames.", nameof(eight));
        }

        // One test for all eight (the common case), the loop that names the frame only when it fails.
        ulong size = (ulong)(uint)bufferLength;
        ulong bad = 0;
        for (int k = 0; k < 8; k++)
        {
            var s = eight[k];
            ulong end = (ulong)(uint)s.Offset + (uint)s.Length;
            ulong padEnd = (ulong)(uint)s.Offset + (uint)readable;
            bad |= (ulong)(uint)(s.Offset | s.Length) >> 31 | (size - end) >> 63 | (size - padEnd) >> 63;
        }

        if (bad != 0)
        {
            ThrowBadSlice(bufferLength, eight, readable);
        }
    }

    /// <summary>Throws for a slice that lies outside its buffer (out of line: an interpolated string inlined into a loop costs a zeroed handler per frame).</summary>
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static void ThrowOutside(int bufferLength, FrameSlice slice, int index, string parameter) =>
        throw new ArgumentException($"Frame {index} ({slice}) lies outside the {bufferLength}-byte buffer.", parameter);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowBadSlice(int bufferLength, ReadOnlySpan<FrameSlice> eight, int readable)
    {
        for (int k = 0; k < 8; k++)
        {
            var s = eight[k];
            if (s.Offset < 0 || s.Length < 0 || (long)s.Offset + s.Length > bufferLength)
            {
                ThrowOutside(bufferLength, s, k, nameof(eight));
            }

            if ((long)s.Offset + readable > bufferLength)
            {
                throw new ArgumentException(
                    $"Frame {k} ({s}) has fewer than the {readable} bytes the padded parse reads after its start in the {bufferLength}-byte buffer.", nameof(eight));
            }
        }
    }

    /// <summary>The AVX2 (four lanes twice) and scalar paths over a buffer (slices already checked).</summary>
    private static BatchPath Parse8Fallback<TVariant>(ReadOnlySpan<byte> buffer, ReadOnlySpan<FrameSlice> eight, int vxlanPort, BatchPath path, out ParsedFrame8 f)
        where TVariant : struct, IParseVariant
    {
        if (path == BatchPath.Avx2 && Avx2.IsSupported)
        {
            Unsafe.SkipInit(out ParsedFrame4 low);
            Unsafe.SkipInit(out ParsedFrame4 high);
            if (!TryParse4<TVariant>(buffer, eight.Slice(0, 4), vxlanPort, out low))
            {
                Scalar4<TVariant>(buffer, eight.Slice(0, 4), vxlanPort, ref low);
            }

            if (!TryParse4<TVariant>(buffer, eight.Slice(4, 4), vxlanPort, out high))
            {
                Scalar4<TVariant>(buffer, eight.Slice(4, 4), vxlanPort, ref high);
            }

            ParsedFrame8.Join(low, high, out f);
            return BatchPath.Avx2;
        }

        f = default;
        for (int k = 0; k < 8; k++)
        {
            ParseRaw<TVariant>(buffer.Slice(eight[k].Offset, eight[k].Length), vxlanPort, out var one);
            f.SetLane(k, one);
        }

        return BatchPath.Scalar;
    }

    /// <summary>Four frames one by one into the lanes of <paramref name="f"/> (what TryParse4 leaves to its caller).</summary>
    private static void Scalar4<TVariant>(ReadOnlySpan<byte> buffer, ReadOnlySpan<FrameSlice> four, int vxlanPort, ref ParsedFrame4 f)
        where TVariant : struct, IParseVariant
    {
        Span<ParsedFrame> one = stackalloc ParsedFrame[4];
        for (int k = 0; k < 4; k++)
        {
            ParseRaw<TVariant>(buffer.Slice(four[k].Offset, four[k].Length), vxlanPort, out one[k]);
        }

        Gather4(one, ref f);
    }

    private static void Scalar4<TVariant>(ReadOnlySpan<byte[]> four, int vxlanPort, ref ParsedFrame4 f)
        where TVariant : struct, IParseVariant
    {
        Span<ParsedFrame> one = stackalloc ParsedFrame[4];
        for (int k = 0; k < 4; k++)
        {
            ParseRaw<TVariant>(four[k], vxlanPort, out one[k]);
        }

        Gather4(one, ref f);
    }

    /// <summary>Four parsed frames as the lanes of a <see cref="ParsedFrame4"/> (field j lane k is the k-th ulong of the j-th vector).</summary>
    private static void Gather4(ReadOnlySpan<ParsedFrame> one, ref ParsedFrame4 f)
    {
        ref ulong to = ref Unsafe.As<Vector256<ulong>, ulong>(ref f.Dst);
        for (int k = 0; k < 4; k++)
        {
            ref ulong from = ref Unsafe.AsRef(in one[k].Dst);
            for (int field = 0; field < ParsedFrame8.FieldCount; field++)
            {
                Unsafe.Add(ref to, (field * 4) + k) = Unsafe.Add(ref from, field);
            }
        }
    }

    /// <summary>The eight frames' first bytes and their lengths (named fields, not an inline array: its indexer is a call where it is not inlined).</summary>
    private unsafe struct Starts8
    {
        public nint P0, P1, P2, P3, P4, P5, P6, P7;

        // Their lengths, as scalars: a Vector512 argument goes through the stack, where a store the call's first load waits
        // on is slower at some stack alignments than others (one build ran at two speeds by where its stack started).
        public ulong L0, L1, L2, L3, L4, L5, L6, L7;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Starts8(byte* b, ReadOnlySpan<FrameSlice> eight)
        {
            P0 = (nint)(b + eight[0].Offset);
            P1 = (nint)(b + eight[1].Offset);
            P2 = (nint)(b + eight[2].Offset);
            P3 = (nint)(b + eight[3].Offset);
            P4 = (nint)(b + eight[4].Offset);
            P5 = (nint)(b + eight[5].Offset);
            P6 = (nint)(b + eight[6].Offset);
            P7 = (nint)(b + eight[7].Offset);
            L0 = (ulong)(uint)eight[0].Length;
            L1 = (ulong)(uint)eight[1].Length;
            L2 = (ulong)(uint)eight[2].Length;
            L3 = (ulong)(uint)eight[3].Length;
            L4 = (ulong)(uint)eight[4].Length;
            L5 = (ulong)(uint)eight[5].Length;
            L6 = (ulong)(uint)eight[6].Length;
            L7 = (ulong)(uint)eight[7].Length;
        }
    }

    /// <summary>How the kernel reads a frame's 128 bytes.</summary>
    private interface IFrameLoads
    {
        /// <summary>True: byte-masked loads of the frame's length (never reads outside it); false: plain loads (128 readable bytes).</summary>
        static abstract bool Masked { get; }
    }

    private readonly struct PlainLoads : IFrameLoads
    {
        public static bool Masked => false;
    }

    private readonly struct MaskedLoads : IFrameLoads
    {
        public static bool Masked => true;
    }

    /// <summary>
    /// The eight-lane parse: lane k's frame is Lk bytes at Pk of <paramref name="p"/>. Each line
    /// implements the spec rule of the same line in <see cref="ParseRaw{TVariant}"/> (and Parse4), on windows taken
    /// from the transposed words instead of clamped loads.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Parse8<TVariant, TLoads>(in Starts8 p, ulong port, out ParsedFrame8 f)
        where TVariant : struct, IParseVariant
        where TLoads : struct, IFrameLoads
    {
        var len = Vector512.Create(p.L0, p.L1, p.L2, p.L3, p.L4, p.L5, p.L6, p.L7);
        // As in ParseRaw<TVariant>: a variant that stops early leaves the rest absent (zeroed field by field
        // where it stops: no call to a zeroing helper).
        Unsafe.SkipInit(out f);

        // Bytes each frame has within its first 128 (0..128: a byte), for the masked loads.
        var readable = Vector512.Min(len, Vector512.Create((ulong)PaddedFrameBytes)).AsByte();
        var lo0 = LoadLow<TLoads>(p.P0, readable, 0);
        var lo1 = LoadLow<TLoads>(p.P1, readable, 1);
        var lo2 = LoadLow<TLoads>(p.P2, readable, 2);
        var lo3 = LoadLow<TLoads>(p.P3, readable, 3);
        var lo4 = LoadLow<TLoads>(p.P4, readable, 4);
        var lo5 = LoadLow<TLoads>(p.P5, readable, 5);
        var lo6 = LoadLow<TLoads>(p.P6, readable, 6);
        var lo7 = LoadLow<TLoads>(p.P7, readable, 7);

        // h0..h3: bytes 0..7, 8..15, 16..23, 24..31 of each frame, lane k for frame k.
        Transpose(lo0.AsUInt64(), lo1.AsUInt64(), lo2.AsUInt64(), lo3.AsUInt64(), lo4.AsUInt64(), lo5.AsUInt64(), lo6.AsUInt64(), lo7.AsUInt64(),
            out var h0, out var h1, out var h2, out var h3);

        // L2: destination; a frame shorter than 14 bytes (ParseRunt) has it from 6 bytes on, and nothing else.
        f.Dst = ByteSwap(h0) >> 16;
        f.HasDst = Le8(Q(6), len);
        if (!TVariant.ReadsTags)
        {
            ClearTags(ref f);
            ClearTunnels(ref f);
            ClearInner(ref f);
            return;
        }

        var tags = (h1 >> 32) | (h2 << 32);                                  // bytes 12..19
        var isS = Vector512.Equals(tags & Q(0xFFFF), Q(0xA888)) & Le8(Q(16), len);
        var tciS = Be16x8(tags >> 16);
        var sBytes = isS & Q(4);
        var afterS = Vector512.ConditionalSelect(isS, tags >> 32, tags);
        var isC = Vector512.Equals(afterS & Q(0xFFFF), Q(0x0081)) & Le8(Q(16) + sBytes, len);
        var tciC = Be16x8(afterS >> 16);
        var off2 = Q(12) + sBytes + (isC & Q(4));
        var tagged = isS | isC;
        var pcp = Vector512.ConditionalSelect(isS, tciS, tciC) >> 13;
        f.Svid = tciS & Q(0xFFF);
        f.HasSvid = isS;
        f.Cvid = tciC & Q(0xFFF);
        f.HasCvid = isC;
        f.Pcp = pcp & Q(7);
        f.HasPcp = tagged;
        if (!TVariant.ReadsTunnels)
        {
            ClearTunnels(ref f);
            ClearInner(ref f);
            return;
        }

        // L3: the windows at off2 (12, 16 or 20) and off2 + 8 are words of bytes 0..31, shifted and selected
        // (the second needs only its first 4 bytes: the fragment field and the protocol end by byte 31).
        var at20 = (h2 >> 32) | (h3 << 32);
        var at28 = h3 >> 32;
        var both = isS & isC;
        var one = isS ^ isC;
        var l2End = Vector512.ConditionalSelect(both, at20, Vector512.ConditionalSelect(one, h2, tags));
        var ipMid = Vector512.ConditionalSelect(both, at28, Vector512.ConditionalSelect(one, h3, at20));
        var l3 = off2 + Q(2);
        var etherType = l2End & Q(0xFFFF);
        var isIpv4Type = Vector512.Equals(etherType, Q(0x0008));
        var b0 = (l2End >> 16) & Q(0xFF);
        var ihlBytes = (b0 & Q(0xF)) << 2;
        var l4 = l3 + Vector512.ConditionalSelect(isIpv4Type, ihlBytes, Q(40));  // at most 22 + 60
        var hasEtherType = Le8(off2 + Q(2), len);
        var v4 = isIpv4Type & hasEtherType & Vector512.Equals(b0 >> 4, Q(4)) & Le8(Q(20), ihlBytes) & Le8(l3 + ihlBytes, len)
                 & Vector512.Equals(Be16x8(ipMid) & Q(0x1FFF), Vector512<ulong>.Zero);
        var v6 = Vector512.Equals(etherType, Q(0xDD86)) & hasEtherType & Vector512.Equals(b0 >> 4, Q(6)) & Le8(l3 + Q(40), len);
        var proto = Vector512.ConditionalSelect(isIpv4Type, ipMid >> 24, ipMid) & Q(0xFF);
        var ip = v4 | v6;

        // L4: each frame's 32 bytes from its L4 offset, picked from its 128 bytes by one byte permute, then
        // transposed into the windows at l4, l4 + 8, l4 + 16 and l4 + 24 (as ParseRaw's at0..at24).
        var l4Bytes = l4.AsByte();
        var w0 = AtL4<TLoads>(p.P0, readable, l4Bytes, lo0, 0);
        var w1 = AtL4<TLoads>(p.P1, readable, l4Bytes, lo1, 1);
        var w2 = AtL4<TLoads>(p.P2, readable, l4Bytes, lo2, 2);
        var w3 = AtL4<TLoads>(p.P3, readable, l4Bytes, lo3, 3);
        var w4 = AtL4<TLoads>(p.P4, readable, l4Bytes, lo4, 4);
        var w5 = AtL4<TLoads>(p.P5, readable, l4Bytes, lo5, 5);
        var w6 = AtL4<TLoads>(p.P6, readable, l4Bytes, lo6, 6);
        var w7 = AtL4<TLoads>(p.P7, readable, l4Bytes, lo7, 7);
        Transpose(w0, w1, w2, w3, w4, w5, w6, w7, out var at0, out var at8, out var at16, out var at24);

        // VXLAN and NVGRE. A port outside 0..65535 matches no UDP port (all ones, without a branch).
        ulong wirePort = (((port & 0xFF) << 8) | ((port >> 8) & 0xFF)) | (ulong)((long)(0xFFFF - port) >> 63);
        var vxlan = ip & Vector512.Equals(proto, Q(17)) & Vector512.Equals((at0 >> 16) & Q(0xFFFF), Q(wirePort)) & Le8(l4 + Q(16), len)
                    & ~Vector512.Equals(at8 & Q(0x08), Vector512<ulong>.Zero);
        var vni = (ByteSwap(at8) >> 8) & Q(0xFFFFFF);
        var greFlags = Be16x8(at0);
        var nvgre = ip & Vector512.Equals(proto, Q(47)) & Le8(l4 + Q(8), len) & ~Vector512.Equals(greFlags & Q(0x2000), Vector512<ulong>.Zero)
                    & Vector512.Equals(greFlags & Q(0x9007), Vector512<ulong>.Zero) & Vector512.Equals((at0 >> 16) & Q(0xFFFF), Q(0x5865));
        var key = ByteSwap(at0) & Q(0xFFFFFFFF);
        f.TunnelId = Vector512.ConditionalSelect(vxlan, vni, key >> 8) & Q(0xFFFFFF);
        f.FlowId = key & Q(0xFF);
        f.IsVxlan = vxlan;
        f.IsNvgre = nvgre;
        if (!TVariant.ReadsInner)
        {
            ClearInner(ref f);
            return;
        }

        // Inner Ethernet.
        var tunnel = vxlan | nvgre;
        var inner = Vector512.ConditionalSelect(vxlan, l4 + Q(16), l4 + Q(8));
        var innerHead = Vector512.ConditionalSelect(vxlan, at16, at8);
        var innerTag = Vector512.ConditionalSelect(vxlan, at24, at16) >> 32;
        var hasInner = tunnel & Le8(inner + Q(6), len);
        var innerTagged = tunnel & Vector512.Equals(innerTag & Q(0xFFFF), Q(0x0081)) & Le8(inner + Q(16), len);
        f.InnerDst = ByteSwap(innerHead) >> 16;
        f.HasInnerDst = hasInner;
        f.InnerVid = Be16x8(innerTag >> 16) & Q(0xFFF);
        f.HasInnerVid = innerTagged;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ClearTags(ref ParsedFrame8 f)
    {
        f.Svid = f.HasSvid = f.Cvid = f.HasCvid = f.Pcp = f.HasPcp = Vector512<ulong>.Zero;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ClearTunnels(ref ParsedFrame8 f)
    {
        f.TunnelId = f.FlowId = f.IsVxlan = f.IsNvgre = Vector512<ulong>.Zero;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ClearInner(ref ParsedFrame8 f)
    {
        f.InnerDst = f.HasInnerDst = f.InnerVid = f.HasInnerVid = Vector512<ulong>.Zero;
    }

    /// <summary>Bytes 0..63 of the frame at <paramref name="p"/>: a plain load, or masked to the frame's readable bytes (lane <paramref name="k"/> of <paramref name="readable"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe Vector512<byte> LoadLow<TLoads>(nint p, Vector512<byte> readable, byte k)
        where TLoads : struct, IFrameLoads
    {
        if (!TLoads.Masked)
        {
            return Vector512.Load((byte*)p);
        }

        var n = BroadcastLane(readable, k);
        return MaskedLoad((byte*)p, Vector512.LessThan(Vector512<byte>.Indices, n));
    }

    /// <summary>Bytes 64..127 of the frame at <paramref name="p"/>, loaded as <see cref="LoadLow{TLoads}"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe Vector512<byte> LoadHigh<TLoads>(nint p, Vector512<byte> readable, byte k)
        where TLoads : struct, IFrameLoads
    {
        if (!TLoads.Masked)
        {
            return Vector512.Load((byte*)p + 64);
        }

        var n = BroadcastLane(readable, k);
        return MaskedLoad((byte*)p + 64, Vector512.LessThan(Vector512<byte>.Indices + Vector512.Create((byte)64), n));
    }

    /// <summary>
    /// Frame <paramref name="k"/>'s bytes from its L4 offset (lane k of <paramref name="l4"/>, at most 82) on, in
    /// its first 32 bytes (as 4 words): one two-table byte permute of its bytes 0..127.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<ulong> AtL4<TLoads>(nint p, Vector512<byte> readable, Vector512<byte> l4, Vector512<byte> low, byte k)
        where TLoads : struct, IFrameLoads
    {
        var high = LoadHigh<TLoads>(p, readable, k);
        var index = BroadcastLane(l4, k) + Vector512<byte>.Indices;
        return PermuteBytes(low, index, high).AsUInt64();
    }

    /// <summary>
    /// The first four words of eight vectors transposed: <paramref name="q0"/> lane k = word 0 of <paramref name="a0"/>..<paramref name="a7"/>[k],
    /// and so on (12 two-source qword permutes).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose(
        Vector512<ulong> a0, Vector512<ulong> a1, Vector512<ulong> a2, Vector512<ulong> a3,
        Vector512<ulong> a4, Vector512<ulong> a5, Vector512<ulong> a6, Vector512<ulong> a7,
        out Vector512<ulong> q0, out Vector512<ulong> q1, out Vector512<ulong> q2, out Vector512<ulong> q3)
    {
        // [x0 x1 x2 x3 y0 y1 y2 y3] for each pair of frames.
        var pairs = Vector512.Create(0UL, 1, 2, 3, 8, 9, 10, 11);
        var z01 = PermuteWords(a0, pairs, a1);
        var z23 = PermuteWords(a2, pairs, a3);
        var z45 = PermuteWords(a4, pairs, a5);
        var z67 = PermuteWords(a6, pairs, a7);

        // Words 0 and 1 (and 2 and 3) of four frames: [f0w0 f1w0 f2w0 f3w0 f0w1 f1w1 f2w1 f3w1].
        var even = Vector512.Create(0UL, 4, 8, 12, 1, 5, 9, 13);
        var odd = Vector512.Create(2UL, 6, 10, 14, 3, 7, 11, 15);
        var w01Low = PermuteWords(z01, even, z23);
        var w23Low = PermuteWords(z01, odd, z23);
        var w01High = PermuteWords(z45, even, z67);
        var w23High = PermuteWords(z45, odd, z67);

        var first = Vector512.Create(0UL, 1, 2, 3, 8, 9, 10, 11);
        var second = Vector512.Create(4UL, 5, 6, 7, 12, 13, 14, 15);
        q0 = PermuteWords(w01Low, first, w01High);
        q1 = PermuteWords(w01Low, second, w01High);
        q2 = PermuteWords(w23Low, first, w23High);
        q3 = PermuteWords(w23Low, second, w23High);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<ulong> Q(ulong value) => Vector512.Create(value);

    /// <summary>All ones where a &lt;= b (both below 2^63).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<ulong> Le8(Vector512<ulong> a, Vector512<ulong> b) => Vector512.LessThanOrEqual(a.AsInt64(), b.AsInt64()).AsUInt64();

    /// <summary>Each lane's bytes reversed: a window's bytes read big-endian.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<ulong> ByteSwap(Vector512<ulong> x) => Vector512.Shuffle(x.AsByte(), Vector512.Create(
        (byte)7, 6, 5, 4, 3, 2, 1, 0, 15, 14, 13, 12, 11, 10, 9, 8, 23, 22, 21, 20, 19, 18, 17, 16, 31, 30, 29, 28, 27, 26, 25, 24,
        39, 38, 37, 36, 35, 34, 33, 32, 47, 46, 45, 44, 43, 42, 41, 40, 55, 54, 53, 52, 51, 50, 49, 48, 63, 62, 61, 60, 59, 58, 57, 56)).AsUInt64();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<ulong> Be16x8(Vector512<ulong> x) => ((x & Q(0xFF)) << 8) | ((x >> 8) & Q(0xFF));

    // The AVX-512-only instructions, each with a portable equivalent of the same result for the inputs the
    // kernel gives it. IsSupported is a JIT-time constant: on AVX-512 hardware only the instruction remains.

    /// <summary>The low byte of lane <paramref name="k"/> (a ulong lane) in every byte (<c>vpermb</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<byte> BroadcastLane(Vector512<byte> x, byte k)
    {
        var index = Vector512.Create((byte)(k * 8));
        return Avx512Vbmi.IsSupported ? Avx512Vbmi.PermuteVar64x8(x, index) : Vector512.Shuffle(x, index);
    }

    /// <summary>Byte i = <paramref name="index"/>[i] &lt; 64 ? <paramref name="low"/>[index] : <paramref name="high"/>[index - 64], index taken mod 128 (<c>vpermi2b</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<byte> PermuteBytes(Vector512<byte> low, Vector512<byte> index, Vector512<byte> high)
    {
        if (Avx512Vbmi.IsSupported)
        {
            return Avx512Vbmi.PermuteVar64x8x2(low, index, high);
        }

        var i = index & Vector512.Create((byte)63);
        var fromHigh = Vector512.Equals(index & Vector512.Create((byte)64), Vector512.Create((byte)64));
        return Vector512.ConditionalSelect(fromHigh, Vector512.Shuffle(high, i), Vector512.Shuffle(low, i));
    }

    /// <summary>Word i = <paramref name="index"/>[i] &lt; 8 ? <paramref name="low"/>[index] : <paramref name="high"/>[index - 8], index taken mod 16 (<c>vpermt2q</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<ulong> PermuteWords(Vector512<ulong> low, Vector512<ulong> index, Vector512<ulong> high)
    {
        if (Avx512F.IsSupported)
        {
            return Avx512F.PermuteVar8x64x2(low, index, high);
        }

        var i = index & Vector512.Create(7UL);
        var fromHigh = Vector512.Equals(index & Vector512.Create(8UL), Vector512.Create(8UL));
        return Vector512.ConditionalSelect(fromHigh, Vector512.Shuffle(high, i), Vector512.Shuffle(low, i));
    }

    /// <summary>The 64 bytes at <paramref name="p"/> where <paramref name="mask"/> is set, 0 elsewhere; masked-off bytes are not read (<c>vmovdqu8 {k}{z}</c>, which does not fault on them).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe Vector512<byte> MaskedLoad(byte* p, Vector512<byte> mask)
    {
        if (Avx512BW.IsSupported)
        {
            return Avx512BW.MaskLoad(p, mask, Vector512<byte>.Zero);
        }

        // Portable: the set bytes of the mask are a prefix (the kernel's masks are i < n), copied one by one.
        Vector512<byte> v = default;
        ref byte to = ref Unsafe.As<Vector512<byte>, byte>(ref v);
        for (int i = 0; i < 64 && mask.GetElement(i) != 0; i++)
        {
            Unsafe.Add(ref to, i) = p[i];
        }

        return v;
    }
}
