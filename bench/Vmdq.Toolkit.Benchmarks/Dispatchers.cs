using System;
using System.Runtime.CompilerServices;
using Vmdq.Bench;
using Vmdq.Toolkit;

namespace Vmdq.Toolkit.Benchmarks;

/// <summary>
/// One generated dispatcher (a static class) seen through static abstract members, so one generic
/// benchmark class serves every size. The type argument is a struct, so the JIT specialises the
/// benchmark code per dispatcher and inlines the calls: no indirection is measured.
/// </summary>
public interface IBenchDispatcher
{
    /// <summary>N of <c>filters-N.vmdq</c> (the rules text is <c>BenchRules.Write(N)</c>).</summary>
    static abstract int Filters { get; }

    /// <summary>The generated <c>RuleCount</c>.</summary>
    static abstract int RuleCount { get; }

    /// <summary>The generated <c>TableBytes</c>.</summary>
    static abstract long TableBytes { get; }

    /// <summary>The generated <c>Info</c>.</summary>
    static abstract DispatcherInfo Info { get; }

    /// <summary>The generated single-frame <c>Classify</c>.</summary>
    static abstract Verdict Classify(ReadOnlySpan<byte> frame);

    /// <summary>The generated <c>ClassifyBatch(buffer, slices, verdicts)</c>.</summary>
    static abstract void ClassifyBatch(ReadOnlySpan<byte> buffer, ReadOnlySpan<FrameSlice> frames, Span<Verdict> verdicts);

    /// <summary>The generated <c>ClassifyBatch(byte[][], verdicts)</c>.</summary>
    static abstract void ClassifyBatch(ReadOnlySpan<byte[]> frames, Span<Verdict> verdicts);
}

/// <summary><c>filters-1000.vmdq</c>.</summary>
public readonly struct D1K : IBenchDispatcher
{
    public static int Filters => 1000;
    public static int RuleCount => Filters1000Dispatcher.RuleCount;
    public static long TableBytes => Filters1000Dispatcher.TableBytes;
    public static DispatcherInfo Info => Filters1000Dispatcher.Info;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Verdict Classify(ReadOnlySpan<byte> frame) => Filters1000Dispatcher.Classify(frame);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ClassifyBatch(ReadOnlySpan<byte> buffer, ReadOnlySpan<FrameSlice> frames, Span<Verdict> verdicts) => Filters1000Dispatcher.ClassifyBatch(buffer, frames, verdicts);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ClassifyBatch(ReadOnlySpan<byte[]> frames, Span<Verdict> verdicts) => Filters1000Dispatcher.ClassifyBatch(frames, verdicts);
}

/// <summary><c>filters-10000.vmdq</c>.</summary>
public readonly struct D10K : IBenchDispatcher
{
    public static int Filters => 10_000;
    public static int RuleCount => Filters10000Dispatcher.RuleCount;
    public static long TableBytes => Filters10000Dispatcher.TableBytes;
    public static DispatcherInfo Info => Filters10000Dispatcher.Info;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Verdict Classify(ReadOnlySpan<byte> frame) => Filters10000Dispatcher.Classify(frame);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ClassifyBatch(ReadOnlySpan<byte> buffer, ReadOnlySpan<FrameSlice> frames, Span<Verdict> verdicts) => Filters10000Dispatcher.ClassifyBatch(buffer, frames, verdicts);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ClassifyBatch(ReadOnlySpan<byte[]> frames, Span<Verdict> verdicts) => Filters10000Dispatcher.ClassifyBatch(frames, verdicts);
}

/// <summary><c>filters-100000.vmdq</c>.</summary>
public readonly struct D100K : IBenchDispatcher
{
    public static int Filters => 100_000;
    public static int RuleCount => Filters100000Dispatcher.RuleCount;
    public static long TableBytes => Filters100000Dispatcher.TableBytes;
    public static DispatcherInfo Info => Filters100000Dispatcher.Info;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Verdict Classify(ReadOnlySpan<byte> frame) => Filters100000Dispatcher.Classify(frame);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ClassifyBatch(ReadOnlySpan<byte> buffer, ReadOnlySpan<FrameSlice> frames, Span<Verdict> verdicts) => Filters100000Dispatcher.ClassifyBatch(buffer, frames, verdicts);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ClassifyBatch(ReadOnlySpan<byte[]> frames, Span<Verdict> verdicts) => Filters100000Dispatcher.ClassifyBatch(frames, verdicts);
}

#if VMDQ_BENCH_MILLION
/// <summary><c>filters-1000000.vmdq</c> (built only with <c>-p:VmdqBenchMillion=true</c>).</summary>
public readonly struct D1M : IBenchDispatcher
{
    public static int Filters => 1_000_000;
    public static int RuleCount => Filters1000000Dispatcher.RuleCount;
    public static long TableBytes => Filters1000000Dispatcher.TableBytes;
    public static DispatcherInfo Info => Filters1000000Dispatcher.Info;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Verdict Classify(ReadOnlySpan<byte> frame) => Filters1000000Dispatcher.Classify(frame);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ClassifyBatch(ReadOnlySpan<byte> buffer, ReadOnlySpan<FrameSlice> frames, Span<Verdict> verdicts) => Filters1000000Dispatcher.ClassifyBatch(buffer, frames, verdicts);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ClassifyBatch(ReadOnlySpan<byte[]> frames, Span<Verdict> verdicts) => Filters1000000Dispatcher.ClassifyBatch(frames, verdicts);
}
#endif
