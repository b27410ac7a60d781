using System;
using System.Linq;
using BenchmarkDotNet.Attributes;
using Vmdq.Rules;
using Vmdq.Toolkit.Benchmarks.Baselines;

namespace Vmdq.Toolkit.Benchmarks;

/// <summary>
/// The batch loops with and without prefetching (<see cref="Classification.ClassifierTables.PrefetchAhead"/>) on the same
/// tables and frames, with the FrozenDictionary baseline in the same run: rules loaded at run time (so 1M filters need
/// no 1M-rule build), <see cref="FrameCount"/> frames of <see cref="FrameMix"/> in order. With 524,288 frames at 1M
/// filters the frames hit more than 250,000 distinct rules (the setup prints how many), so the tables' working set
/// is far beyond L3; 4,096 is the suite's mix. <c>Auto</c> is what the tables choose for themselves.
/// </summary>
[MemoryDiagnoser]
public class PrefetchBenchmarks
{
    private byte[] _buffer = null!;
    private FrameSlice[] _slices = null!;
    private Verdict[] _verdicts = null!;
    private RuntimeDispatcher _runtime = null!;
    private Classification.ClassifierTables _tables = null!;
    private FrozenDictionaryClassifier _frozen = null!;
    private bool _auto;

    /// <summary>Filters in the rules file.</summary>
    [Params(10_000, 100_000, 1_000_000)]
    public int Filters { get; set; }

    /// <summary>Frames classified per invocation, each once.</summary>
    [Params(4_096, 524_288)]
    public int FrameCount { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var mix = FrameMix.Create(Filters, FrameCount);
        (_buffer, _slices) = (mix.Buffer, mix.Slices);
        _verdicts = new Verdict[FrameCount];
        string text = BenchRules.Write(Filters);
        var load = RuntimeDispatcher.Load(text, $"filters-{Filters}.vmdq");
        _runtime = load.Dispatcher ?? throw new InvalidOperationException(string.Join("\n", load.Diagnostics));
        _tables = _runtime.CurrentTables;
        _auto = _tables.PrefetchAhead;
        var model = RulesCompiler.Compile($"filters-{Filters}.vmdq", text).Model!;
        _frozen = new FrozenDictionaryClassifier(new BaselineRules(model));

        // The same verdicts three ways, or the comparison means nothing.
        var plain = new Verdict[FrameCount];
        _tables.PrefetchAhead = false;
        _runtime.ClassifyBatch(_buffer, _slices, plain);
        _tables.PrefetchAhead = true;
        _runtime.ClassifyBatch(_buffer, _slices, _verdicts);
        _tables.PrefetchAhead = _auto;
        for (int i = 0; i < FrameCount; i++)
        {
            var frozen = _frozen.Classify(_buffer.AsSpan(_slices[i].Offset, _slices[i].Length));
            if (plain[i] != _verdicts[i] || frozen != plain[i])
            {
                throw new InvalidOperationException($"Frame {i}: plain {plain[i]}, prefetching {_verdicts[i]}, FrozenDictionary {frozen}.");
            }
        }

        int distinct = plain.Where(v => !v.IsDrop).Select(v => v.RuleLine).Distinct().Count();
        Console.WriteLine($"// {Filters} filters, {FrameCount} frames: {distinct} distinct rules hit; TableBytes {_runtime.TableBytes:N0}, prefetching on its own: {_auto}.");
    }

    /// <summary>Branchy parser + FrozenDictionary per table: the ratio column's baseline.</summary>
    [Benchmark(Baseline = true)]
    public void FrozenDictionary()
    {
        byte[] buffer = _buffer;
        FrameSlice[] slices = _slices;
        Verdict[] verdicts = _verdicts;
        for (int i = 0; i < slices.Length; i++)
        {
            verdicts[i] = _frozen.Classify(buffer.AsSpan(slices[i].Offset, slices[i].Length));
        }
    }

    /// <summary>Runtime <c>ClassifyBatch(buffer, slices)</c>, prefetching off.</summary>
    [Benchmark]
    public void Plain()
    {
        _tables.PrefetchAhead = false;
        _runtime.ClassifyBatch(_buffer, _slices, _verdicts);
    }

    /// <summary>Runtime <c>ClassifyBatch(buffer, slices)</c>, prefetching on.</summary>
    [Benchmark]
    public void Prefetching()
    {
        _tables.PrefetchAhead = true;
        _runtime.ClassifyBatch(_buffer, _slices, _verdicts);
    }

    /// <summary>Runtime <c>ClassifyBatch(buffer, slices)</c> as the tables choose (prefetching above 2 MiB).</summary>
    [Benchmark]
    public void Auto()
    {
        _tables.PrefetchAhead = _auto;
        _runtime.ClassifyBatch(_buffer, _slices, _verdicts);
    }
}
