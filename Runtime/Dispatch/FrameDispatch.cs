using System;
using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Vmdq.Toolkit.Classification;

namespace Vmdq.Toolkit;

/// <summary>
/// The classify loops every dispatcher shares: parse, then the dispatch kernel
/// (<see cref="DispatchKernel"/>) on the dispatcher's tables, one frame or a batch (four at a time where
/// AVX2 is there). <c>TKinds</c> (an <see cref="IRuleKinds"/>) names the tables the rules fill and
/// <c>TVariant</c> (an <see cref="IParseVariant"/>) how much of a frame they need parsed: a generated
/// dispatcher picks both from the kinds of its rules at build time, and an engine that builds tables at
/// run time picks them the same way, so both run the same code. Used by generated code; not meant for direct use.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static partial class FrameDispatch
{
    /// <summary>Classifies one frame, parsing only what <typeparamref name="TVariant"/> reads (what the rules need).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Verdict Classify<TKinds, TVariant>(ReadOnlySpan<byte> frame, ClassifierTables tables)
        where TKinds : struct, IRuleKinds
        where TVariant : struct, IParseVariant
    {
        FrameParser.ParseRaw<TVariant>(frame, tables.VxlanPort, out var parsed);
        var verdict = DispatchKernel.Decide<TKinds>(in parsed, tables);
        if (TKinds.Rss)
        {
            verdict = new Verdict(RedirectionTables.Spread(verdict.Bits, RssHash.Of(frame, tables.VxlanPort, tables.Toeplitz), tables.Redirection.Current));
        }

        return verdict;
    }

    /// <summary>Classifies already-parsed fields. They hold no IP header, so a verdict that spreads by RSS takes redirection-table entry 0 (hash 0).</summary>
    public static Verdict Classify<TKinds>(in FrameFields fields, ClassifierTables tables)
        where TKinds : struct, IRuleKinds
    {
        var parsed = ParsedFrame.From(in fields);
        var verdict = DispatchKernel.Decide<TKinds>(in parsed, tables);
        if (TKinds.Rss)
        {
            verdict = new Verdict(RedirectionTables.Spread(verdict.Bits, 0, tables.Redirection.Current));
        }

        return verdict;
    }

    /// <summary>Classifies a batch of frames that lie in one buffer, parsing only what <typeparamref name="TVariant"/> reads.</summary>
    /// <exception cref="ArgumentException"><paramref name="verdicts"/> is shorter than <paramref name="frames"/>, or a slice lies outside <paramref name="buffer"/>.</exception>
    public static void ClassifyBatch<TKinds, TVariant>(ReadOnlySpan<byte> buffer, ReadOnlySpan<FrameSlice> frames, Span<Verdict> verdicts, ClassifierTables tables)
        where TKinds : struct, IRuleKinds
        where TVariant : struct, IParseVariant =>
        ClassifyBatch<TKinds, TVariant>(buffer, frames, verdicts, tables, FrameParser.Batch8Path);

    /// <summary>
    /// The batch loop on a given path: eight frames per step (AVX-512 parse, <see cref="DispatchKernel.Decide8{TKinds}"/>),
    /// four (AVX2 parse, scalar table reads, <see cref="DispatchKernel.Decide4{TKinds}"/>), or one at a time; the frames
    /// left over after the last full step go one at a time. Tests force each path on the same frames.
    /// </summary>
    internal static void ClassifyBatch<TKinds, TVariant>(ReadOnlySpan<byte> buffer, ReadOnlySpan<FrameSlice> frames, Span<Verdict> verdicts, ClassifierTables tables, BatchPath path)
        where TKinds : struct, IRuleKinds
        where TVariant : struct, IParseVariant
    {
        CheckRoom(frames.Length, verdicts.Length);

        // Checked once for the batch, so a bad slice is named by its index in the batch and no verdict is written; the
        // steps and the one-at-a-time frames after them do not check again.
        CheckSlices(buffer, frames, 0);

        // Eight or four frames per step, one vector lane each, through the parse and every table (prefetching ahead
        // when the tables are past the caches); the frames after the last whole step, and a step the four-lane parse
        // declines, go one at a time, out of line so the loop stays small.
        int i = 0;
        if (path == BatchPath.Avx512 && Avx2.IsSupported)
        {
            var steps = new BufferSteps8<TKinds, TVariant, SpanEntry>(buffer, frames, verdicts, tables);
            i = 8 * BatchSteps.Run<BufferSteps8<TKinds, TVariant, SpanEntry>, ParsedFrame8>(ref steps, tables.PrefetchAhead);
        }
        else if (path != BatchPath.Scalar && FrameParser.IsParse4Vectorized)
        {
            var steps = new BufferSteps4<TKinds, TVariant>(buffer, frames, verdicts, tables);
            i = 4 * BatchSteps.Run<BufferSteps4<TKinds, TVariant>, ParsedFrame4>(ref steps, tables.PrefetchAhead);
        }

        ClassifyEach<TKinds, TVariant>(buffer, frames, verdicts, i, frames.Length, tables);
        if (TKinds.Rss)
        {
            SpreadEach(buffer, frames, verdicts, tables, path);
        }
    }

    /// <summary>
    /// Classifies a batch of frames that lie in one buffer with at least <see cref="FrameParser.PaddedFrameBytes"/>
    /// bytes of it from each frame's start (NIC receive buffers are 2 KB), so the eight-frame parse loads without
    /// clamps. The verdicts are those of <see cref="ClassifyBatch{TKinds, TVariant}(ReadOnlySpan{byte}, ReadOnlySpan{FrameSlice}, Span{Verdict}, ClassifierTables)"/>.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="verdicts"/> is shorter than <paramref name="frames"/>, or a slice lies outside <paramref name="buffer"/> or has fewer than <see cref="FrameParser.PaddedFrameBytes"/> bytes of it from its start.</exception>
    public static void ClassifyBatchPadded<TKinds, TVariant>(ReadOnlySpan<byte> buffer, ReadOnlySpan<FrameSlice> frames, Span<Verdict> verdicts, ClassifierTables tables)
        where TKinds : struct, IRuleKinds
        where TVariant : struct, IParseVariant =>
        ClassifyBatchPadded<TKinds, TVariant>(buffer, frames, verdicts, tables, FrameParser.Batch8Path);

    /// <summary>The padded batch loop on a given path (the AVX2 and one-at-a-time paths are those of the span entry).</summary>
    internal static void ClassifyBatchPadded<TKinds, TVariant>(ReadOnlySpan<byte> buffer, ReadOnlySpan<FrameSlice> frames, Span<Verdict> verdicts, ClassifierTables tables, BatchPath path)
        where TKinds : struct, IRuleKinds
        where TVariant : struct, IParseVariant
    {
        CheckRoom(frames.Length, verdicts.Length);
        CheckSlices(buffer, frames, FrameParser.PaddedFrameBytes);

        if (path != BatchPath.Avx512 || !Avx2.IsSupported)
        {
            ClassifyBatch<TKinds, TVariant>(buffer, frames, verdicts, tables, path);
            return;
        }

        var steps = new BufferSteps8<TKinds, TVariant, PaddedEntry>(buffer, frames, verdicts, tables);
        int i = 8 * BatchSteps.Run<BufferSteps8<TKinds, TVariant, PaddedEntry>, ParsedFrame8>(ref steps, tables.PrefetchAhead);

        ClassifyEach<TKinds, TVariant>(buffer, frames, verdicts, i, frames.Length, tables);
        if (TKinds.Rss)
        {
            SpreadEach(buffer, frames, verdicts, tables, path);
        }
    }

    /// <summary>Classifies a batch of frames, one array each, parsing only what <typeparamref name="TVariant"/> reads.</summary>
    /// <exception cref="ArgumentException"><paramref name="verdicts"/> is shorter than <paramref name="frames"/>.</exception>
    public static void ClassifyBatch<TKinds, TVariant>(ReadOnlySpan<byte[]> frames, Span<Verdict> verdicts, ClassifierTables tables)
        where TKinds : struct, IRuleKinds
        where TVariant : struct, IParseVariant =>
        ClassifyBatch<TKinds, TVariant>(frames, verdicts, tables, FrameParser.Batch8Path);

    /// <summary>The arrays batch loop on a given path (see the buffer overload).</summary>
    internal static void ClassifyBatch<TKinds, TVariant>(ReadOnlySpan<byte[]> frames, Span<Verdict> verdicts, ClassifierTables tables, BatchPath path)
        where TKinds : struct, IRuleKinds
        where TVariant : struct, IParseVariant
    {
        CheckRoom(frames.Length, verdicts.Length);
        int i = 0;
        if (path == BatchPath.Avx512 && Avx2.IsSupported)
        {
            var steps = new ArraySteps8<TKinds, TVariant>(frames, verdicts, tables);
            i = 8 * BatchSteps.Run<ArraySteps8<TKinds, TVariant>, ParsedFrame8>(ref steps, tables.PrefetchAhead);
        }
        else if (path != BatchPath.Scalar && FrameParser.IsParse4Vectorized)
        {
            var steps = new ArraySteps4<TKinds, TVariant>(frames, verdicts, tables);
            i = 4 * BatchSteps.Run<ArraySteps4<TKinds, TVariant>, ParsedFrame4>(ref steps, tables.PrefetchAhead);
        }

        ClassifyEach<TKinds, TVariant>(frames, verdicts, i, frames.Length, tables);
        if (TKinds.Rss)
        {
            SpreadEach(frames, verdicts, tables, path);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ClassifyEach<TKinds, TVariant>(ReadOnlySpan<byte> buffer, ReadOnlySpan<FrameSlice> frames, Span<Verdict> verdicts, int from, int to, ClassifierTables tables)
        where TKinds : struct, IRuleKinds
        where TVariant : struct, IParseVariant
    {
        for (int k = from; k < to; k++)
        {
            verdicts[k] = Decide<TKinds, TVariant>(buffer.Slice(frames[k].Offset, frames[k].Length), tables);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ClassifyEach<TKinds, TVariant>(ReadOnlySpan<byte[]> frames, Span<Verdict> verdicts, int from, int to, ClassifierTables tables)
        where TKinds : struct, IRuleKinds
        where TVariant : struct, IParseVariant
    {
        for (int k = from; k < to; k++)
        {
            verdicts[k] = Decide<TKinds, TVariant>(frames[k], tables);
        }
    }

    /// <summary>
    /// The RSS step of a batch: each verdict with the spread flag takes its queue from its pool's redirection
    /// table for the frame's hash. The tables are read once, so every frame of the batch sees the same ones. Four
    /// frames at a time (<see cref="RssHash.Of4"/>) except on the one-at-a-time path, and for a step with a frame
    /// shorter than 14 bytes.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static unsafe void SpreadEach(ReadOnlySpan<byte> buffer, ReadOnlySpan<FrameSlice> frames, Span<Verdict> verdicts, ClassifierTables tables, BatchPath path)
    {
        byte[] reta = tables.Redirection.Current;
        var toeplitz = tables.Toeplitz;
        int port = tables.VxlanPort;
        int k = 0;
        if (path != BatchPath.Scalar && Avx2.IsSupported)
        {
            fixed (byte* b = &MemoryMarshal.GetReference(buffer))
            {
                for (; k + 4 <= frames.Length; k += 4)
                {
                    var four = frames.Slice(k, 4);
                    int shortest = Math.Min(Math.Min(four[0].Length, four[1].Length), Math.Min(four[2].Length, four[3].Length));
                    if (shortest < MinimumFrameBytes)
                    {
                        SpreadOne(buffer, frames, verdicts, k, k + 4, reta, toeplitz, port);
                        continue;
                    }

                    var start = Vector256.Create((ulong)(uint)four[0].Offset, (ulong)(uint)four[1].Offset, (ulong)(uint)four[2].Offset, (ulong)(uint)four[3].Offset);
                    var len = Vector256.Create((ulong)(uint)four[0].Length, (ulong)(uint)four[1].Length, (ulong)(uint)four[2].Length, (ulong)(uint)four[3].Length);
                    Spread4(verdicts.Slice(k, 4), RssHash.Of4(b, start, len, port, toeplitz, Toeplitz.BestPath), reta);
                }
            }
        }

        SpreadOne(buffer, frames, verdicts, k, frames.Length, reta, toeplitz, port);
    }

    /// <summary>The RSS step of a batch of frames in arrays of their own (see the buffer overload; a null frame hashes as empty).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static unsafe void SpreadEach(ReadOnlySpan<byte[]> frames, Span<Verdict> verdicts, ClassifierTables tables, BatchPath path)
    {
        byte[] reta = tables.Redirection.Current;
        var toeplitz = tables.Toeplitz;
        int port = tables.VxlanPort;
        int k = 0;
        if (path != BatchPath.Scalar && Avx2.IsSupported)
        {
            for (; k + 4 <= frames.Length; k += 4)
            {
                byte[] a = frames[k], b = frames[k + 1], c = frames[k + 2], d = frames[k + 3];
                if (a is null || b is null || c is null || d is null
                    || Math.Min(Math.Min(a.Length, b.Length), Math.Min(c.Length, d.Length)) < MinimumFrameBytes)
                {
                    SpreadOne(frames, verdicts, k, k + 4, reta, toeplitz, port);
                    continue;
                }

                fixed (byte* pa = &a[0], pb = &b[0], pc = &c[0], pd = &d[0])
                {
                    // Absolute addresses: the window reads' base is null and each lane's start is its own array.
                    var start = Vector256.Create((ulong)pa, (ulong)pb, (ulong)pc, (ulong)pd);
                    var len = Vector256.Create((ulong)a.Length, (ulong)b.Length, (ulong)c.Length, (ulong)d.Length);
                    Spread4(verdicts.Slice(k, 4), RssHash.Of4(null, start, len, port, toeplitz, Toeplitz.BestPath), reta);
                }
            }
        }

        SpreadOne(frames, verdicts, k, frames.Length, reta, toeplitz, port);
    }

    /// <summary>Frames shorter than this hash one at a time (the four-lane read needs an Ethernet header in every lane).</summary>
    private const int MinimumFrameBytes = 14;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Spread4(Span<Verdict> four, Vector256<ulong> hashes, byte[] reta)
    {
        four[0] = new Verdict(RedirectionTables.Spread(four[0].Bits, (uint)hashes.GetElement(0), reta));
        four[1] = new Verdict(RedirectionTables.Spread(four[1].Bits, (uint)hashes.GetElement(1), reta));
        four[2] = new Verdict(RedirectionTables.Spread(four[2].Bits, (uint)hashes.GetElement(2), reta));
        four[3] = new Verdict(RedirectionTables.Spread(four[3].Bits, (uint)hashes.GetElement(3), reta));
    }

    private static void SpreadOne(ReadOnlySpan<byte> buffer, ReadOnlySpan<FrameSlice> frames, Span<Verdict> verdicts, int from, int to, byte[] reta, Toeplitz toeplitz, int port)
    {
        for (int k = from; k < to; k++)
        {
            var frame = buffer.Slice(frames[k].Offset, frames[k].Length);
            verdicts[k] = new Verdict(RedirectionTables.Spread(verdicts[k].Bits, RssHash.Of(frame, port, toeplitz), reta));
        }
    }

    private static void SpreadOne(ReadOnlySpan<byte[]> frames, Span<Verdict> verdicts, int from, int to, byte[] reta, Toeplitz toeplitz, int port)
    {
        for (int k = from; k < to; k++)
        {
            verdicts[k] = new Verdict(RedirectionTables.Spread(verdicts[k].Bits, RssHash.Of(frames[k], port, toeplitz), reta));
        }
    }

    /// <summary>The kernel's verdict for one frame, before the RSS step (the batch loops spread once, at the end).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Verdict Decide<TKinds, TVariant>(ReadOnlySpan<byte> frame, ClassifierTables tables)
        where TKinds : struct, IRuleKinds
        where TVariant : struct, IParseVariant
    {
        FrameParser.ParseRaw<TVariant>(frame, tables.VxlanPort, out var parsed);
        return DispatchKernel.Decide<TKinds>(in parsed, tables);
    }

    /// <summary>
    /// Throws unless every slice lies inside <paramref name="buffer"/> with <paramref name="readable"/> bytes of it from its
    /// start (0: no padding asked). One test per frame, folded into one branch for the batch; the message, built only when
    /// it throws, names the first bad frame by its index in the batch.
    /// </summary>
    /// <remarks>
    /// The messages are built in <see cref="ThrowBadSlice"/>, not here: an interpolated string inlined into the loop made
    /// the JIT zero its 48-byte handler on every frame.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CheckSlices(ReadOnlySpan<byte> buffer, ReadOnlySpan<FrameSlice> frames, int readable)
    {
        ulong size = (ulong)(uint)buffer.Length;
        ulong bad = 0;
        for (int k = 0; k < frames.Length; k++)
        {
            FrameSlice s = frames[k];
            // A negative offset or length reads as at least 2^31 here, past any buffer, so the ends catch it too.
            ulong end = (ulong)(uint)s.Offset + (uint)s.Length;
            ulong readableEnd = (ulong)(uint)s.Offset + (uint)readable;
            bad |= ((size - end) >> 63) | ((size - readableEnd) >> 63);
        }

        if (bad != 0)
        {
            ThrowBadSlice(buffer.Length, frames, readable);
        }
    }

    /// <summary>Throws for the first slice <see cref="CheckSlices"/> refused.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowBadSlice(int bufferLength, ReadOnlySpan<FrameSlice> frames, int readable)
    {
        for (int k = 0; k < frames.Length; k++)
        {
            FrameSlice s = frames[k];
            if (s.Offset < 0 || s.Length < 0 || (long)s.Offset + s.Length > bufferLength)
            {
                FrameParser.ThrowOutside(bufferLength, s, k, "frames");
            }

            if ((long)s.Offset + readable > bufferLength)
            {
                throw new ArgumentException(
                    $"Frame {k} ({s}) has {bufferLength - s.Offset} bytes of the {bufferLength}-byte buffer from its start; the padded entry needs {readable} (use ClassifyBatch for frames without that room).",
                    nameof(frames));
            }
        }
    }

    private static void CheckRoom(int frames, int verdicts)
    {
        if (verdicts < frames)
        {
            ThrowNoRoom(frames, verdicts);
        }
    }

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowNoRoom(int frames, int verdicts) =>
        throw new ArgumentException($"verdicts has room for {verdicts} verdicts but {frames} frames were given.", "verdicts");
}
