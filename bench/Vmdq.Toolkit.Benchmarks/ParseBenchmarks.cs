using System;
using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;

namespace Vmdq.Toolkit.Benchmarks;

/// <summary>
/// The parse alone, per frame, over the 10K-filter <see cref="FrameMix"/>: <c>FrameParser.ParseRaw</c> one frame
/// at a time (what the single-frame <c>Classify</c> calls), <c>TryParse4</c> (four lanes, AVX2) and the
/// eight-frame parse: the padded entry (frames with <see cref="FrameParser.PaddedFrameBytes"/> readable bytes
/// each), the span entry (any length, masked loads) and the arrays entry. The eight-frame entries run the AVX-512
/// kernel where the CPU has AVX-512 VBMI and the AVX2 parse twice elsewhere: the setup prints which
/// (<see cref="FrameParser.IsParse8Avx512"/>). The setup throws unless each gives ParseRaw's fields on every frame.
/// </summary>
[MemoryDiagnoser]
public class ParseBenchmarks
{
    private const int Frames = FrameMix.Count;

    private byte[] _padded = null!;
    private FrameSlice[] _slices = null!;
    private byte[][] _frames = null!;
    private ulong _sink;

    /// <summary>The sink the benchmarks fold their results into (so no parse is dropped as dead code).</summary>
    public ulong Sink => _sink;

    [GlobalSetup]
    public void Setup()
    {
        var mix = FrameMix.Create(10_000);
        _slices = mix.Slices;
        _frames = mix.Frames;

        // The mix's buffer (64-byte aligned frames) with PaddedFrameBytes of slack after the last frame.
        _padded = new byte[mix.Buffer.Length + FrameParser.PaddedFrameBytes];
        mix.Buffer.CopyTo(_padded, 0);

        for (int i = 0; i < Frames; i += 8)
        {
            FrameParser.ParseRaw8Padded(_padded, _slices.AsSpan(i, 8), FrameParser.DefaultVxlanPort, out var padded);
            FrameParser.ParseRaw8(_padded, _slices.AsSpan(i, 8), FrameParser.DefaultVxlanPort, out var span);
            FrameParser.ParseRaw8(_frames.AsSpan(i, 8), FrameParser.DefaultVxlanPort, out var arrays);
            for (int k = 0; k < 8; k++)
            {
                FrameParser.ParseRaw(_frames[i + k], FrameParser.DefaultVxlanPort, out var one);
                string want = one.ToFields().ToString();
                foreach (var (name, eight) in new[] { ("padded", padded), ("span", span), ("arrays", arrays) })
                {
                    string got = Lane(eight, k).ToFields().ToString();
                    if (got != want)
                    {
                        throw new InvalidOperationException($"ParseRaw8 ({name}) frame {i + k}: {got}, ParseRaw: {want}");
                    }
                }
            }
        }

        Console.WriteLine($"// ParseBenchmarks: eight-frame parse on {(FrameParser.IsParse8Avx512 ? "AVX-512 (VBMI)" : FrameParser.IsParse4Vectorized ? "AVX2, four lanes twice (no AVX-512 VBMI)" : "scalar")}; checked against ParseRaw on {Frames} frames.");
    }

    /// <summary><c>FrameParser.ParseRaw</c>, one frame at a time (the baseline of the ratios).</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Frames)]
    public void ParseRaw()
    {
        byte[] buffer = _padded;
        FrameSlice[] slices = _slices;
        ulong sink = 0;
        for (int i = 0; i < slices.Length; i++)
        {
            FrameSlice s = slices[i];
            FrameParser.ParseRaw(buffer.AsSpan(s.Offset, s.Length), FrameParser.DefaultVxlanPort, out var p);
            sink ^= p.Dst ^ p.TunnelId ^ p.InnerDst;
        }

        _sink = sink;
    }

    /// <summary><c>FrameParser.TryParse4</c> over the buffer, four frames at a time.</summary>
    [Benchmark(OperationsPerInvoke = Frames)]
    public void TryParse4()
    {
        byte[] buffer = _padded;
        FrameSlice[] slices = _slices;
        var sink = Vector256<ulong>.Zero;
        for (int i = 0; i < slices.Length; i += 4)
        {
            FrameParser.TryParse4(buffer, slices.AsSpan(i, 4), FrameParser.DefaultVxlanPort, out var f);
            sink ^= f.Dst ^ f.TunnelId ^ f.InnerDst;
        }

        _sink = Vector256.Sum(sink);
    }

    /// <summary><c>FrameParser.ParseRaw8Padded</c>: eight frames at a time, plain loads.</summary>
    [Benchmark(OperationsPerInvoke = Frames)]
    public void Parse8Padded()
    {
        byte[] buffer = _padded;
        FrameSlice[] slices = _slices;
        var sink = Vector512<ulong>.Zero;
        for (int i = 0; i < slices.Length; i += 8)
        {
            FrameParser.ParseRaw8Padded(buffer, slices.AsSpan(i, 8), FrameParser.DefaultVxlanPort, out var f);
            sink ^= f.Dst ^ f.TunnelId ^ f.InnerDst;
        }

        _sink = Vector512.Sum(sink);
    }

    /// <summary><c>FrameParser.ParseRaw8</c> over the buffer: eight frames at a time, masked loads.</summary>
    [Benchmark(OperationsPerInvoke = Frames)]
    public void Parse8Span()
    {
        byte[] buffer = _padded;
        FrameSlice[] slices = _slices;
        var sink = Vector512<ulong>.Zero;
        for (int i = 0; i < slices.Length; i += 8)
        {
            FrameParser.ParseRaw8(buffer, slices.AsSpan(i, 8), FrameParser.DefaultVxlanPort, out var f);
            sink ^= f.Dst ^ f.TunnelId ^ f.InnerDst;
        }

        _sink = Vector512.Sum(sink);
    }

    /// <summary><c>FrameParser.ParseRaw8</c> over arrays of their own: eight frames at a time, masked loads.</summary>
    [Benchmark(OperationsPerInvoke = Frames)]
    public void Parse8Arrays()
    {
        byte[][] frames = _frames;
        var sink = Vector512<ulong>.Zero;
        for (int i = 0; i < frames.Length; i += 8)
        {
            FrameParser.ParseRaw8(frames.AsSpan(i, 8), FrameParser.DefaultVxlanPort, out var f);
            sink ^= f.Dst ^ f.TunnelId ^ f.InnerDst;
        }

        _sink = Vector512.Sum(sink);
    }

    /// <summary>Lane <paramref name="k"/> of <paramref name="f"/> (public fields only: the bench does not see the runtime's internals).</summary>
    private static ParsedFrame Lane(in ParsedFrame8 f, int k) => new()
    {
        Dst = f.Dst[k], HasDst = f.HasDst[k], Svid = f.Svid[k], HasSvid = f.HasSvid[k], Cvid = f.Cvid[k], HasCvid = f.HasCvid[k],
        Pcp = f.Pcp[k], HasPcp = f.HasPcp[k], TunnelId = f.TunnelId[k], FlowId = f.FlowId[k], IsVxlan = f.IsVxlan[k], IsNvgre = f.IsNvgre[k],
        InnerDst = f.InnerDst[k], HasInnerDst = f.HasInnerDst[k], InnerVid = f.InnerVid[k], HasInnerVid = f.HasInnerVid[k],
    };
}
