using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
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
    /// four (AVX2 parse and gathers, <see cref="DispatchKernel.Decide4{TKinds}"/>), or one at a time; the frames
    /// left over after the last full step go one at a time. Tests force each path on the same frames.
    /// </summary>
    internal static void ClassifyBatch<TKinds, TVariant>(ReadOnlySpan<byte> buffer, ReadOnlySpan<FrameSlice> frames, Span<Verdict> verdicts, ClassifierTables tables, BatchPath path)
        where TKinds : struct, IRuleKinds
        where TVariant : struct, IParseVariant
    {
        CheckRoom(frames.Length, verdicts.Length);

        // Checked once for the batch, so a bad slice is named by its index in the batch (the vector parses
        // check again, by their index in the step).
        for (int k = 0; k < frames.Length; k++)
        {
            CheckSlice(buffer, frames[k], k);
        }

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
            SpreadEach(buffer, frames, verdicts, tables);
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
        for (int k = 0; k < frames.Length; k++)
        {
            CheckSlice(buffer, frames[k], k);
            if ((ulong)(uint)frames[k].Offset + FrameParser.PaddedFrameBytes > (ulong)(uint)buffer.Length)
            {
                throw new ArgumentException(
                    $"Frame {k} ({frames[k]}) has {buffer.Length - frames[k].Offset} bytes of the {buffer.Length}-byte buffer from its start; the padded entry needs {FrameParser.PaddedFrameBytes} (use ClassifyBatch for frames without that room).",
                    nameof(frames));
            }
        }

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
            SpreadEach(buffer, frames, verdicts, tables);
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
            SpreadEach(frames, verdicts, tables);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ClassifyEach<TKinds, TVariant>(ReadOnlySpan<byte> buffer, ReadOnlySpan<FrameSlice> frames, Span<Verdict> verdicts, int from, int to, ClassifierTables tables)
        where TKinds : struct, IRuleKinds
        where TVariant : struct, IParseVariant
    {
        for (int k = from; k < to; k++)
        {
            verdicts[k] = ClassifySlice<TKinds, TVariant>(buffer, frames[k], k, tables);
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
    /// table for the frame's hash. The tables are read once, so every frame of the batch sees the same ones.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void SpreadEach(ReadOnlySpan<byte> buffer, ReadOnlySpan<FrameSlice> frames, Span<Verdict> verdicts, ClassifierTables tables)
    {
        byte[] reta = tables.Redirection.Current;
        var toeplitz = tables.Toeplitz;
        int port = tables.VxlanPort;
        for (int k = 0; k < frames.Length; k++)
        {
            var frame = buffer.Slice(frames[k].Offset, frames[k].Length);
            verdicts[k] = new Verdict(RedirectionTables.Spread(verdicts[k].Bits, RssHash.Of(frame, port, toeplitz), reta));
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void SpreadEach(ReadOnlySpan<byte[]> frames, Span<Verdict> verdicts, ClassifierTables tables)
    {
        byte[] reta = tables.Redirection.Current;
        var toeplitz = tables.Toeplitz;
        int port = tables.VxlanPort;
        for (int k = 0; k < frames.Length; k++)
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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Verdict ClassifySlice<TKinds, TVariant>(ReadOnlySpan<byte> buffer, FrameSlice slice, int index, ClassifierTables tables)
        where TKinds : struct, IRuleKinds
        where TVariant : struct, IParseVariant
    {
        CheckSlice(buffer, slice, index);
        return Decide<TKinds, TVariant>(buffer.Slice(slice.Offset, slice.Length), tables);
    }

    private static void CheckSlice(ReadOnlySpan<byte> buffer, FrameSlice slice, int index)
    {
        if (slice.Offset < 0 || slice.Length < 0 || (ulong)(uint)slice.Offset + (uint)slice.Length > (ulong)(uint)buffer.Length)
        {
            throw new ArgumentException($"Frame {index} ({slice}) lies outside the {buffer.Length}-byte buffer.", "frames");
        }
    }

    private static void CheckRoom(int frames, int verdicts)
    {
        if (verdicts < frames)
        {
            throw new ArgumentException($"verdicts has room for {verdicts} verdicts but {frames} frames were given.", nameof(verdicts));
        }
    }
}
