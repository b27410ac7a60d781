using System;
using System.Linq;
using BenchmarkDotNet.Attributes;
using Vmdq.Bench;
using Vmdq.Rules;
using Vmdq.Toolkit.Benchmarks.Baselines;

namespace Vmdq.Toolkit.Benchmarks;

/// <summary>
/// Dispatchers specialised by their rules (issue 9 item 4), reported apart from the all-kinds headline: the suite's 10K
/// file cut down to its <c>mac</c> rules (one probe, the destination MAC only: <c>ParseVariants.Dst</c>), to its rules
/// without tunnels (<c>mac</c>, <c>mac vlan</c>, <c>vlan</c>: no L3/L4, <c>ParseVariants.Tags</c>), or whole, each loaded
/// at run time (the engine picks the same kernel variant the generator would: the runtime and generated batches measure
/// alike, see <see cref="RuntimeClassify10K"/>), over the suite's 4,096-frame mix, against the FrozenDictionary baseline
/// built from the same rules. Frames whose rules were cut fall to the default pool, in both.
/// </summary>
[MemoryDiagnoser]
public class SpecialisedClassify10K
{
    private const int Frames = FrameMix.Count;
    private byte[] _buffer = null!;
    private FrameSlice[] _slices = null!;
    private Verdict[] _verdicts = null!;
    private RuntimeDispatcher _dispatcher = null!;
    private FrozenDictionaryClassifier _frozen = null!;

    /// <summary>The rules kept: <c>mac</c>, <c>tags</c> (no tunnel rules) or <c>all</c>.</summary>
    [Params("mac", "tags", "all")]
    public string Rules { get; set; } = "all";

    [GlobalSetup]
    public void Setup()
    {
        var mix = FrameMix.Create(D10K.Filters);
        (_buffer, _slices) = (mix.Buffer, mix.Slices);
        _verdicts = new Verdict[Frames];
        string text = Cut(BenchRules.Write(D10K.Filters), Rules);
        var load = RuntimeDispatcher.Load(text, $"filters-10000-{Rules}.vmdq");
        _dispatcher = load.Dispatcher ?? throw new InvalidOperationException(string.Join("\n", load.Diagnostics));
        var model = RulesCompiler.Compile($"filters-10000-{Rules}.vmdq", text).Model
            ?? throw new InvalidOperationException($"The {Rules} rules have errors.");
        _frozen = new FrozenDictionaryClassifier(new BaselineRules(model));

        // The same verdicts from both, or the comparison means nothing.
        _dispatcher.ClassifyBatch(_buffer, _slices, _verdicts);
        int defaults = 0;
        for (int i = 0; i < Frames; i++)
        {
            var s = _slices[i];
            var expected = _frozen.Classify(_buffer.AsSpan(s.Offset, s.Length));
            if (_verdicts[i] != expected)
            {
                throw new InvalidOperationException($"{Rules}: frame {i}: the dispatcher gives {_verdicts[i]}, the baseline {expected}.");
            }

            defaults += expected.IsDefault ? 1 : 0;
        }

        Console.WriteLine($"// {Rules}: {text.Split('\n').Count(l => l.Length > 0)} lines; dispatcher and FrozenDictionary agree on the {Frames} frames ({defaults} to the default pool).");
    }

    /// <summary>The rules file cut down to what <paramref name="keep"/> names (the header, pools and broadcast lines stay).</summary>
    internal static string Cut(string text, string keep) => keep switch
    {
        "all" => text,
        "mac" => string.Join('\n', text.Split('\n').Where(l => !IsRule(l) || (l.StartsWith("mac ", StringComparison.Ordinal) && !l.Contains(" vlan ", StringComparison.Ordinal)))),
        "tags" => string.Join('\n', text.Split('\n').Where(l => !l.StartsWith("vxlan ", StringComparison.Ordinal) && !l.StartsWith("nvgre ", StringComparison.Ordinal))),
        _ => throw new ArgumentOutOfRangeException(nameof(keep), keep, "mac, tags or all."),
    };

    private static bool IsRule(string line) =>
        line.StartsWith("mac ", StringComparison.Ordinal) || line.StartsWith("vlan ", StringComparison.Ordinal)
        || line.StartsWith("vxlan ", StringComparison.Ordinal) || line.StartsWith("nvgre ", StringComparison.Ordinal);

    /// <summary><c>ClassifyBatch(buffer, slices)</c> of the specialised dispatcher.</summary>
    [Benchmark(OperationsPerInvoke = Frames)]
    public void ClassifyBatch() => _dispatcher.ClassifyBatch(_buffer, _slices, _verdicts);

    /// <summary><c>Classify</c> of the specialised dispatcher, one call per frame.</summary>
    [Benchmark(OperationsPerInvoke = Frames)]
    public void Classify()
    {
        var dispatcher = _dispatcher;
        for (int i = 0; i < _slices.Length; i++)
        {
            var s = _slices[i];
            _verdicts[i] = dispatcher.Classify(_buffer.AsSpan(s.Offset, s.Length));
        }
    }

    /// <summary>Branchy parser + FrozenDictionary over the same rules: the ratio column's baseline.</summary>
    [Benchmark(OperationsPerInvoke = Frames, Baseline = true)]
    public void FrozenDictionary()
    {
        var frozen = _frozen;
        for (int i = 0; i < _slices.Length; i++)
        {
            var s = _slices[i];
            _verdicts[i] = frozen.Classify(_buffer.AsSpan(s.Offset, s.Length));
        }
    }
}
