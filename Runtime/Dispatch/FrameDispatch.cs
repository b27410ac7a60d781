using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace Vmdq.Toolkit;

/// <summary>
/// The classify loops every generated dispatcher shares: parse, then the dispatcher's own
/// decision (an <see cref="IFrameDecider"/>), one frame or a batch (four at a time where AVX2 is
/// there). The overloads with a <see cref="IParseVariant"/> parse only what the dispatcher's rules need
/// (the generator picks the variant from the rule kinds). Used by generated code; not meant for direct use.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class FrameDispatch
{
    /// <summary>Classifies one frame.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Verdict Classify<TDecider>(ReadOnlySpan<byte> frame)
        where TDecider : struct, IFrameDecider =>
        Classify<TDecider, ParseVariants.Full>(frame);

    /// <summary>Classifies one frame, parsing only what <typeparamref name="TVariant"/> reads (what the decider's rules need).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Verdict Classify<TDecider, TVariant>(ReadOnlySpan<byte> frame)
        where TDecider : struct, IFrameDecider
        where TVariant : struct, IParseVariant
    {
        FrameParser.ParseRaw<TVariant>(frame, TDecider.VxlanPort, out var parsed);
        return TDecider.Decide(in parsed);
    }

    /// <summary>Classifies already-parsed fields.</summary>
    public static Verdict Classify<TDecider>(in FrameFields fields)
        where TDecider : struct, IFrameDecider
    {
        var parsed = ParsedFrame.From(in fields);
        return TDecider.Decide(in parsed);
    }

    /// <summary>Classifies a batch of frames that lie in one buffer.</summary>
    /// <exception cref="ArgumentException"><paramref name="verdicts"/> is shorter than <paramref name="frames"/>, or a slice lies outside <paramref name="buffer"/>.</exception>
    public static void ClassifyBatch<TDecider>(ReadOnlySpan<byte> buffer, ReadOnlySpan<FrameSlice> frames, Span<Verdict> verdicts)
        where TDecider : struct, IFrameDecider =>
        ClassifyBatch<TDecider, ParseVariants.Full>(buffer, frames, verdicts);

    /// <summary>Classifies a batch of frames that lie in one buffer, parsing only what <typeparamref name="TVariant"/> reads.</summary>
    /// <exception cref="ArgumentException"><paramref name="verdicts"/> is shorter than <paramref name="frames"/>, or a slice lies outside <paramref name="buffer"/>.</exception>
    public static void ClassifyBatch<TDecider, TVariant>(ReadOnlySpan<byte> buffer, ReadOnlySpan<FrameSlice> frames, Span<Verdict> verdicts)
        where TDecider : struct, IFrameDecider
        where TVariant : struct, IParseVariant
    {
        CheckRoom(frames.Length, verdicts.Length);
        int i = 0;
        if (FrameParser.IsParse4Vectorized)
        {
            // Four frames per step, one vector lane each, through the parse and every table. The
            // one-at-a-time paths are out of line so this loop stays small.
            for (; i + 4 <= frames.Length; i += 4)
            {
                if (FrameParser.TryParse4<TVariant>(buffer, frames.Slice(i, 4), TDecider.VxlanPort, out var four))
                {
                    Unsafe.WriteUnaligned(ref Unsafe.As<Verdict, byte>(ref verdicts[i]), TDecider.Decide4(in four));
                }
                else
                {
                    ClassifyEach<TDecider, TVariant>(buffer, frames, verdicts, i, i + 4);
                }
            }
        }

        ClassifyEach<TDecider, TVariant>(buffer, frames, verdicts, i, frames.Length);
    }

    /// <summary>Classifies a batch of frames, one array each (a null array is an empty frame).</summary>
    /// <exception cref="ArgumentException"><paramref name="verdicts"/> is shorter than <paramref name="frames"/>.</exception>
    public static void ClassifyBatch<TDecider>(ReadOnlySpan<byte[]> frames, Span<Verdict> verdicts)
        where TDecider : struct, IFrameDecider =>
        ClassifyBatch<TDecider, ParseVariants.Full>(frames, verdicts);

    /// <summary>Classifies a batch of frames, one array each, parsing only what <typeparamref name="TVariant"/> reads.</summary>
    /// <exception cref="ArgumentException"><paramref name="verdicts"/> is shorter than <paramref name="frames"/>.</exception>
    public static void ClassifyBatch<TDecider, TVariant>(ReadOnlySpan<byte[]> frames, Span<Verdict> verdicts)
        where TDecider : struct, IFrameDecider
        where TVariant : struct, IParseVariant
    {
        CheckRoom(frames.Length, verdicts.Length);
        int i = 0;
        if (FrameParser.IsParse4Vectorized)
        {
            for (; i + 4 <= frames.Length; i += 4)
            {
                if (FrameParser.TryParse4<TVariant>(frames.Slice(i, 4), TDecider.VxlanPort, out var four))
                {
                    Unsafe.WriteUnaligned(ref Unsafe.As<Verdict, byte>(ref verdicts[i]), TDecider.Decide4(in four));
                }
                else
                {
                    ClassifyEach<TDecider, TVariant>(frames, verdicts, i, i + 4);
                }
            }
        }

        ClassifyEach<TDecider, TVariant>(frames, verdicts, i, frames.Length);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ClassifyEach<TDecider, TVariant>(ReadOnlySpan<byte> buffer, ReadOnlySpan<FrameSlice> frames, Span<Verdict> verdicts, int from, int to)
        where TDecider : struct, IFrameDecider
        where TVariant : struct, IParseVariant
    {
        for (int k = from; k < to; k++)
        {
            verdicts[k] = ClassifySlice<TDecider, TVariant>(buffer, frames[k], k);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ClassifyEach<TDecider, TVariant>(ReadOnlySpan<byte[]> frames, Span<Verdict> verdicts, int from, int to)
        where TDecider : struct, IFrameDecider
        where TVariant : struct, IParseVariant
    {
        for (int k = from; k < to; k++)
        {
            verdicts[k] = Classify<TDecider, TVariant>(frames[k]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Verdict ClassifySlice<TDecider, TVariant>(ReadOnlySpan<byte> buffer, FrameSlice slice, int index)
        where TDecider : struct, IFrameDecider
        where TVariant : struct, IParseVariant
    {
        if (slice.Offset < 0 || slice.Length < 0 || (ulong)(uint)slice.Offset + (uint)slice.Length > (ulong)(uint)buffer.Length)
        {
            throw new ArgumentException($"Frame {index} ({slice}) lies outside the {buffer.Length}-byte buffer.", "frames");
        }

        return Classify<TDecider, TVariant>(buffer.Slice(slice.Offset, slice.Length));
    }

    private static void CheckRoom(int frames, int verdicts)
    {
        if (verdicts < frames)
        {
            throw new ArgumentException($"verdicts has room for {verdicts} verdicts but {frames} frames were given.", nameof(verdicts));
        }
    }
}
