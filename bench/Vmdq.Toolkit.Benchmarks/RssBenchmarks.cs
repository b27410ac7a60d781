using System;
using System.Linq;
using BenchmarkDotNet.Attributes;
using Vmdq.Bench;
using Vmdq.Toolkit;

namespace Vmdq.Toolkit.Benchmarks;

/// <summary>
/// The per-frame cost of RSS within a pool (issue 10 item 4): the suite's 10K all-kinds file loaded at run time
/// as written (baseline) and with every pool marked <c>rss</c>, on the same frames. Both run the same loops and
/// kernel; the second adds the RSS step after it (the branch-free hash input parse, four frames at a time, nine carry-less
/// multiplies per frame for the Toeplitz hash (36 table loads without PCLMULQDQ), one
/// redirection-table load and a select), which a file without <c>rss</c> pools never runs (IRuleKinds.Rss is off).
/// Runtime-loaded rather than generated so both files share one build; generated dispatchers run the same code.
/// </summary>
[MemoryDiagnoser]
public class RssClassify10K
{
    private const int Frames = FrameMix.Count;
    private byte[] _buffer = null!;
    private FrameSlice[] _slices = null!;
    private Verdict[] _verdicts = null!;
    private RuntimeDispatcher _plain = null!;
    private RuntimeDispatcher _rss = null!;

    [GlobalSetup]
    public void Setup()
    {
        var mix = FrameMix.Create(D10K.Filters);
        (_buffer, _slices) = (mix.Buffer, mix.Slices);
        _verdicts = new Verdict[Frames];
        string text = BenchRules.Write(D10K.Filters);
        string withRss = string.Join("\n", text.Split('\n').Select(l => l.StartsWith("pool ", StringComparison.Ordinal) ? l + " rss" : l));
        _plain = Load(text);
        _rss = Load(withRss);

        // The same decisions, the queue aside: only the queue within the pool may differ.
        var plain = new Verdict[Frames];
        _plain.ClassifyBatch(_buffer, _slices, plain);
        _rss.ClassifyBatch(_buffer, _slices, _verdicts);
        for (int i = 0; i < Frames; i++)
        {
            if ((plain[i].Pool, plain[i].RuleLine, plain[i].Kind) != (_verdicts[i].Pool, _verdicts[i].RuleLine, _verdicts[i].Kind))
            {
                throw new InvalidOperationException($"Frame {i}: {_verdicts[i]} with rss pools, {plain[i]} without.");
            }
        }

        if (!_verdicts.Any(v => v.IsSpread))
        {
            throw new InvalidOperationException("No verdict of the rss file spreads: the benchmark would measure nothing.");
        }
    }

    /// <summary>No <c>rss</c> pool: <c>ClassifyBatch(buffer, slices)</c>.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Frames)]
    public void PlainBatch() => _plain.ClassifyBatch(_buffer, _slices, _verdicts);

    /// <summary>Every pool <c>rss</c>: <c>ClassifyBatch(buffer, slices)</c>.</summary>
    [Benchmark(OperationsPerInvoke = Frames)]
    public void RssBatch() => _rss.ClassifyBatch(_buffer, _slices, _verdicts);

    /// <summary>No <c>rss</c> pool: <c>Classify</c>, one call per frame.</summary>
    [Benchmark(OperationsPerInvoke = Frames)]
    public void PlainClassify()
    {
        var rules = _plain;
        for (int i = 0; i < _slices.Length; i++)
        {
            _verdicts[i] = rules.Classify(_buffer.AsSpan(_slices[i].Offset, _slices[i].Length));
        }
    }

    /// <summary>Every pool <c>rss</c>: <c>Classify</c>, one call per frame.</summary>
    [Benchmark(OperationsPerInvoke = Frames)]
    public void RssClassify()
    {
        var rules = _rss;
        for (int i = 0; i < _slices.Length; i++)
        {
            _verdicts[i] = rules.Classify(_buffer.AsSpan(_slices[i].Offset, _slices[i].Length));
        }
    }

    private static RuntimeDispatcher Load(string text)
    {
        var load = RuntimeDispatcher.Load(text, "filters-10000.vmdq");
        return load.Dispatcher ?? throw new InvalidOperationException(string.Join("\n", load.Diagnostics));
    }
}
