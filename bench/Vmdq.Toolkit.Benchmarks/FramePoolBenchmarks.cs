using System;
using BenchmarkDotNet.Attributes;
using Vmdq.Rules;
using Vmdq.Toolkit.Benchmarks.Baselines;

namespace Vmdq.Toolkit.Benchmarks;

/// <summary>
/// Is the branchy baselines' speed an artefact of a short, repeating frame sequence that the branch
/// predictor learns? The same 4,096 frames of the 10K-filter mix (so the same bytes, in the same
/// cache-resident buffer), visited in a sequence of <see cref="Sequence"/> frames: with 65,536, each
/// invoke classifies the next 4,096 of them, every window being a different random permutation of
/// the 4,096 frames, so the order repeats only every 65,536 frames (4,096: the suite's plain cycle).
/// </summary>
[MemoryDiagnoser]
public class FramePoolBenchmarks
{
    private const int Frames = FrameMix.Count;

    private byte[] _buffer = null!;
    private FrameSlice[] _slices = null!;
    private Verdict[] _verdicts = null!;
    private ulong[] _sink = null!;
    private DictionaryClassifier _dictionary = null!;
    private FrozenDictionaryClassifier _frozen = null!;
    private int _window;

    [Params(4_096, 65_536)]
    public int Sequence { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var mix = FrameMix.Create(D10K.Filters);
        _buffer = mix.Buffer;
        _slices = new FrameSlice[Sequence];
        mix.Slices.CopyTo(_slices, 0);
        var rng = new SplitMix64(0xC0FFEE);
        for (int start = Frames; start < Sequence; start += Frames)
        {
            // Another window: a Fisher-Yates shuffle of the 4,096 frames.
            var window = _slices.AsSpan(start, Frames);
            mix.Slices.CopyTo(window);
            for (int i = Frames - 1; i > 0; i--)
            {
                int j = (int)rng.Below((ulong)i + 1);
                (window[i], window[j]) = (window[j], window[i]);
            }
        }

        _verdicts = new Verdict[Frames];
        _sink = new ulong[Frames];
        var model = RulesCompiler.Compile($"filters-{D10K.Filters}.vmdq", BenchRules.Write(D10K.Filters)).Model!;
        var rules = new BaselineRules(model);
        _dictionary = new DictionaryClassifier(rules);
        _frozen = new FrozenDictionaryClassifier(rules);
        Console.WriteLine("// " + BaselineCheck.Run<D10K>(mix, model.VxlanPort, _dictionary, _frozen, null, null));
    }

    /// <summary>Generated single-frame <c>Classify</c> (10K filters).</summary>
    [Benchmark(OperationsPerInvoke = Frames)]
    public void Classify()
    {
        byte[] buffer = _buffer;
        ReadOnlySpan<FrameSlice> slices = NextWindow();
        Verdict[] verdicts = _verdicts;
        for (int i = 0; i < slices.Length; i++)
        {
            FrameSlice s = slices[i];
            verdicts[i] = D10K.Classify(buffer.AsSpan(s.Offset, s.Length));
        }
    }

    /// <summary>Generated <c>ClassifyBatch(buffer, slices, verdicts)</c> (10K filters).</summary>
    [Benchmark(OperationsPerInvoke = Frames)]
    public void ClassifyBatch() => D10K.ClassifyBatch(_buffer, NextWindow(), _verdicts);

    /// <summary>Branchy parser + Dictionary.</summary>
    [Benchmark(OperationsPerInvoke = Frames)]
    public void Dictionary()
    {
        byte[] buffer = _buffer;
        ReadOnlySpan<FrameSlice> slices = NextWindow();
        Verdict[] verdicts = _verdicts;
        var classifier = _dictionary;
        for (int i = 0; i < slices.Length; i++)
        {
            FrameSlice s = slices[i];
            verdicts[i] = classifier.Classify(buffer.AsSpan(s.Offset, s.Length));
        }
    }

    /// <summary>Branchy parser + FrozenDictionary.</summary>
    [Benchmark(OperationsPerInvoke = Frames, Baseline = true)]
    public void FrozenDictionary()
    {
        byte[] buffer = _buffer;
        ReadOnlySpan<FrameSlice> slices = NextWindow();
        Verdict[] verdicts = _verdicts;
        var classifier = _frozen;
        for (int i = 0; i < slices.Length; i++)
        {
            FrameSlice s = slices[i];
            verdicts[i] = classifier.Classify(buffer.AsSpan(s.Offset, s.Length));
        }
    }

    /// <summary><c>FrameParser.Parse</c> alone.</summary>
    [Benchmark(OperationsPerInvoke = Frames)]
    public void ParseOnly()
    {
        byte[] buffer = _buffer;
        ReadOnlySpan<FrameSlice> slices = NextWindow();
        ulong[] sink = _sink;
        for (int i = 0; i < slices.Length; i++)
        {
            FrameSlice s = slices[i];
            FrameFields f = FrameParser.Parse(buffer.AsSpan(s.Offset, s.Length));
            sink[i] = (ulong)f.Present ^ f.Dst ^ f.Cvid ^ f.Vni ^ f.Vsid ^ f.InnerDst;
        }
    }

    /// <summary>The branchy parser alone.</summary>
    [Benchmark(OperationsPerInvoke = Frames)]
    public void BranchyParseOnly()
    {
        byte[] buffer = _buffer;
        ReadOnlySpan<FrameSlice> slices = NextWindow();
        ulong[] sink = _sink;
        for (int i = 0; i < slices.Length; i++)
        {
            FrameSlice s = slices[i];
            BranchyParser.Parse(buffer.AsSpan(s.Offset, s.Length), FrameParser.DefaultVxlanPort, out var b);
            sink[i] = b.Dst ^ (ulong)b.Cvid ^ (ulong)b.Vni ^ (ulong)b.Vsid ^ b.InnerDst ^ (b.HasInnerDst ? 1UL : 0UL);
        }
    }

    // The next window of 4,096 frames of the pool.
    private ReadOnlySpan<FrameSlice> NextWindow()
    {
        int start = _window * Frames;
        _window = (_window + 1) % (_slices.Length / Frames);
        return _slices.AsSpan(start, Frames);
    }
}
