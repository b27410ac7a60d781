using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Vmdq.Toolkit.Classification;

namespace Vmdq.Toolkit;

// The vector batch loops: one plain loop and one prefetching pipeline (ClassifierTables.PrefetchAhead: tables past the
// caches), BatchSteps.Run, for every width and entry point; each entry point is a step type that says how to parse,
// prefetch and decide one step.
public static partial class FrameDispatch
{
    /// <summary>One batch loop's steps (four or eight frames each) as <see cref="BatchSteps.Run"/> drives them.</summary>
    /// <typeparam name="TFrame">The parsed frames of one step.</typeparam>
    private interface IBatchSteps<TFrame>
        where TFrame : struct
    {
        /// <summary>Whole steps in the batch.</summary>
        int Steps { get; }

        /// <summary>Parses step <paramref name="step"/>'s frames; false when the vector parse declines them (they go one at a time).</summary>
        bool Parse(int step, out TFrame frames);

        /// <summary>Starts the displacement reads (<paramref name="slots"/> false) or the key and verdict reads (true) of parsed frames.</summary>
        void Prefetch(in TFrame frames, bool slots);

        /// <summary>Writes the verdicts of step <paramref name="step"/>'s parsed frames.</summary>
        void Decide(int step, in TFrame frames);

        /// <summary>Classifies step <paramref name="step"/>'s frames one at a time.</summary>
        void Each(int step);
    }

    private static class BatchSteps
    {
        /// <summary>Runs every whole step of <paramref name="s"/>, prefetching ahead or not; returns the steps run (the frames after them go one at a time).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static int Run<TSteps, TFrame>(ref TSteps s, bool prefetch)
            where TSteps : struct, IBatchSteps<TFrame>, allows ref struct
            where TFrame : struct =>
            prefetch ? Ahead<TSteps, TFrame>(ref s) : Plain<TSteps, TFrame>(ref s);

        /// <summary>One step at a time: parse, then decide (or one frame at a time where the parse declines).</summary>
        /// <remarks>
        /// Not inlined (nor is <see cref="Ahead"/>), so each loop is compiled with its own inlining budget and its parse
        /// and decide kernel are inlined into it. Inlined into the batch entry, which holds every path's loops, the JIT
        /// ran out of budget and called the eight-lane decide kernel out of line in one build: 1.5x the batch's time.
        /// </remarks>
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static int Plain<TSteps, TFrame>(ref TSteps s)
            where TSteps : struct, IBatchSteps<TFrame>, allows ref struct
            where TFrame : struct
        {
            int steps = s.Steps;
            for (int step = 0; step < steps; step++)
            {
                if (s.Parse(step, out var frames))
                {
                    s.Decide(step, in frames);
                }
                else
                {
                    s.Each(step);
                }
            }

            return steps;
        }

        /// <summary>
        /// Runs every whole step with two in flight: the frames two steps ahead are parsed and their displacement lines
        /// started; the frames one step ahead, whose displacements were started a step ago, have their slots computed and
        /// their key and verdict lines started; then this step's frames are decided, their lines already on the way. The
        /// verdicts are those of the plain loops. Returns the steps run (all the whole ones); the frames after them go one at a time.
        /// </summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static int Ahead<TSteps, TFrame>(ref TSteps s)
            where TSteps : struct, IBatchSteps<TFrame>, allows ref struct
            where TFrame : struct
        {
            int steps = s.Steps;
            TFrame current = default, next = default, after = default;
            bool currentParsed = false, nextParsed = false;
            for (int step = -2; step < steps; step++)
            {
                bool afterParsed = false;
                if (step + 2 < steps)
                {
                    afterParsed = s.Parse(step + 2, out after);
                    if (afterParsed)
                    {
                        s.Prefetch(in after, slots: false);
                    }
                }

                if (nextParsed)
                {
                    s.Prefetch(in next, slots: true);
                }

                if (step >= 0)
                {
                    if (currentParsed)
                    {
                        s.Decide(step, in current);
                    }
                    else
                    {
                        s.Each(step);
                    }
                }

                current = next;
                currentParsed = nextParsed;
                next = after;
                nextParsed = afterParsed;
            }

            return steps;
        }
    }

    /// <summary>Four frames per step from one buffer (AVX2 parse, scalar table reads).</summary>
    private readonly ref struct BufferSteps4<TKinds, TVariant>(ReadOnlySpan<byte> buffer, ReadOnlySpan<FrameSlice> frames, Span<Verdict> verdicts, ClassifierTables tables)
        : IBatchSteps<ParsedFrame4>
        where TKinds : struct, IRuleKinds
        where TVariant : struct, IParseVariant
    {
        private readonly ReadOnlySpan<byte> _buffer = buffer;
        private readonly ReadOnlySpan<FrameSlice> _frames = frames;
        private readonly Span<Verdict> _verdicts = verdicts;

        public int Steps => _frames.Length / 4;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool Parse(int step, out ParsedFrame4 frames) => FrameParser.TryParse4Checked<TVariant>(_buffer, _frames.Slice(step * 4, 4), tables.VxlanPort, out frames);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Prefetch(in ParsedFrame4 frames, bool slots) => Lanes4<TKinds>.Prefetch(in frames, tables, slots);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Decide(int step, in ParsedFrame4 frames) => Lanes4<TKinds>.Decide(_verdicts, step, in frames, tables);

        public void Each(int step) => ClassifyEach<TKinds, TVariant>(_buffer, _frames, _verdicts, step * 4, (step * 4) + 4, tables);
    }

    /// <summary>Which eight-frame parse a buffer step uses: the span entry's (loads bounded by each frame) or the padded entry's.</summary>
    private interface IBufferEntry
    {
        /// <summary>True for <see cref="FrameParser.ParseRaw8Padded{TVariant}(ReadOnlySpan{byte}, ReadOnlySpan{FrameSlice}, int, BatchPath, out ParsedFrame8)"/>.</summary>
        static abstract bool Padded { get; }
    }

    /// <summary>The span entry: any frame length, never a read past the buffer.</summary>
    private readonly struct SpanEntry : IBufferEntry
    {
        public static bool Padded => false;
    }

    /// <summary>The padded entry: <see cref="FrameParser.PaddedFrameBytes"/> readable from each frame's start.</summary>
    private readonly struct PaddedEntry : IBufferEntry
    {
        public static bool Padded => true;
    }

    /// <summary>Eight frames per step from one buffer (AVX-512 parse, or its portable form; scalar table reads), through <typeparamref name="TEntry"/>'s parse.</summary>
    private readonly ref struct BufferSteps8<TKinds, TVariant, TEntry>(ReadOnlySpan<byte> buffer, ReadOnlySpan<FrameSlice> frames, Span<Verdict> verdicts, ClassifierTables tables)
        : IBatchSteps<ParsedFrame8>
        where TKinds : struct, IRuleKinds
        where TVariant : struct, IParseVariant
        where TEntry : struct, IBufferEntry
    {
        private readonly ReadOnlySpan<byte> _buffer = buffer;
        private readonly ReadOnlySpan<FrameSlice> _frames = frames;
        private readonly Span<Verdict> _verdicts = verdicts;

        public int Steps => _frames.Length / 8;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool Parse(int step, out ParsedFrame8 frames)
        {
            // The batch entry has checked every slice (inside the buffer, and padded for the padded entry).
            if (TEntry.Padded)
            {
                FrameParser.ParseRaw8PaddedChecked<TVariant>(_buffer, _frames.Slice(step * 8, 8), tables.VxlanPort, out frames);
            }
            else
            {
                FrameParser.ParseRaw8Checked<TVariant>(_buffer, _frames.Slice(step * 8, 8), tables.VxlanPort, out frames);
            }

            return true;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Prefetch(in ParsedFrame8 frames, bool slots) => Lanes8<TKinds>.Prefetch(in frames, tables, slots);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Decide(int step, in ParsedFrame8 frames) => Lanes8<TKinds>.Decide(_verdicts, step, in frames, tables);

        public void Each(int step) => ClassifyEach<TKinds, TVariant>(_buffer, _frames, _verdicts, step * 8, (step * 8) + 8, tables);
    }

    /// <summary>Four frames per step, one array each.</summary>
    private readonly ref struct ArraySteps4<TKinds, TVariant>(ReadOnlySpan<byte[]> frames, Span<Verdict> verdicts, ClassifierTables tables)
        : IBatchSteps<ParsedFrame4>
        where TKinds : struct, IRuleKinds
        where TVariant : struct, IParseVariant
    {
        private readonly ReadOnlySpan<byte[]> _frames = frames;
        private readonly Span<Verdict> _verdicts = verdicts;

        public int Steps => _frames.Length / 4;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool Parse(int step, out ParsedFrame4 frames) => FrameParser.TryParse4<TVariant>(_frames.Slice(step * 4, 4), tables.VxlanPort, out frames);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Prefetch(in ParsedFrame4 frames, bool slots) => Lanes4<TKinds>.Prefetch(in frames, tables, slots);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Decide(int step, in ParsedFrame4 frames) => Lanes4<TKinds>.Decide(_verdicts, step, in frames, tables);

        public void Each(int step) => ClassifyEach<TKinds, TVariant>(_frames, _verdicts, step * 4, (step * 4) + 4, tables);
    }

    /// <summary>Eight frames per step, one array each.</summary>
    private readonly ref struct ArraySteps8<TKinds, TVariant>(ReadOnlySpan<byte[]> frames, Span<Verdict> verdicts, ClassifierTables tables)
        : IBatchSteps<ParsedFrame8>
        where TKinds : struct, IRuleKinds
        where TVariant : struct, IParseVariant
    {
        private readonly ReadOnlySpan<byte[]> _frames = frames;
        private readonly Span<Verdict> _verdicts = verdicts;

        public int Steps => _frames.Length / 8;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool Parse(int step, out ParsedFrame8 frames)
        {
            FrameParser.ParseRaw8<TVariant>(_frames.Slice(step * 8, 8), tables.VxlanPort, BatchPath.Avx512, out frames);
            return true;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Prefetch(in ParsedFrame8 frames, bool slots) => Lanes8<TKinds>.Prefetch(in frames, tables, slots);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Decide(int step, in ParsedFrame8 frames) => Lanes8<TKinds>.Decide(_verdicts, step, in frames, tables);

        public void Each(int step) => ClassifyEach<TKinds, TVariant>(_frames, _verdicts, step * 8, (step * 8) + 8, tables);
    }

    /// <summary>The four-lane prefetch and decide every four-lane step type shares.</summary>
    private static class Lanes4<TKinds>
        where TKinds : struct, IRuleKinds
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Prefetch(in ParsedFrame4 frames, ClassifierTables tables, bool slots)
        {
            if (slots)
            {
                DispatchKernel.PrefetchSlots4<TKinds>(in frames, tables);
            }
            else
            {
                DispatchKernel.PrefetchBuckets4<TKinds>(in frames, tables);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Decide(Span<Verdict> verdicts, int step, in ParsedFrame4 frames, ClassifierTables tables) =>
            DispatchKernel.Decide4To<TKinds>(in frames, tables, out Unsafe.As<Verdict, Vector256<ulong>>(ref verdicts.Slice(step * 4, 4)[0]));
    }

    /// <summary>The eight-lane prefetch and decide every eight-lane step type shares.</summary>
    private static class Lanes8<TKinds>
        where TKinds : struct, IRuleKinds
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Prefetch(in ParsedFrame8 frames, ClassifierTables tables, bool slots)
        {
            if (slots)
            {
                DispatchKernel.PrefetchSlots8<TKinds>(in frames, tables);
            }
            else
            {
                DispatchKernel.PrefetchBuckets8<TKinds>(in frames, tables);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Decide(Span<Verdict> verdicts, int step, in ParsedFrame8 frames, ClassifierTables tables) =>
            DispatchKernel.Decide8To<TKinds>(in frames, tables, out Unsafe.As<Verdict, Vector512<ulong>>(ref verdicts.Slice(step * 8, 8)[0]));
    }
}
