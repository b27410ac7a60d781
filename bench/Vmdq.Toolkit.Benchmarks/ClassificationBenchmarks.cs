using System;
using BenchmarkDotNet.Attributes;
using Vmdq.Rules;
using Vmdq.Rules.Reference;
using Vmdq.Toolkit.Benchmarks.Baselines;

namespace Vmdq.Toolkit.Benchmarks;

/// <summary>
/// Per-frame classification of <see cref="FrameMix"/> by one generated dispatcher (<typeparamref name="TD"/>)
/// and by the baselines, all in one run; every figure is per frame (OperationsPerInvoke = frames).
/// The ratio column is relative to the FrozenDictionary baseline. The setup throws unless every
/// baseline gives the generated dispatcher's verdict, bit for bit, on every frame checked.
/// </summary>
[MemoryDiagnoser]
public abstract class ClassificationBenchmarks<TD>
    where TD : struct, IBenchDispatcher
{
    /// <summary>Frames per invoke.</summary>
    protected const int Frames = FrameMix.Count;

    private byte[] _buffer = null!;
    private FrameSlice[] _slices = null!;
    private byte[][] _frames = null!;
    private Verdict[] _verdicts = null!;
    private ulong[] _sink = null!;
    private DictionaryClassifier _dictionary = null!;
    private FrozenDictionaryClassifier _frozen = null!;
    private LinearScanClassifier? _linear;
    private ReferenceClassifier? _reference;

    /// <summary>Whether this size also runs the O(rules) linear scan.</summary>
    protected virtual bool WithLinearScan => false;

    /// <summary>Whether this size also runs the reference interpreter (the oracle: allocates, O(rules)).</summary>
    protected virtual bool WithReference => false;

    [GlobalSetup]
    public void Setup()
    {
        var mix = FrameMix.Create(TD.Filters);
        _buffer = mix.Buffer;
        _slices = mix.Slices;
        _frames = mix.Frames;
        _verdicts = new Verdict[Frames];
        _sink = new ulong[Frames];

        var compiled = RulesCompiler.Compile($"filters-{TD.Filters}.vmdq", BenchRules.Write(TD.Filters));
        var model = compiled.Model ?? throw new InvalidOperationException($"filters-{TD.Filters}.vmdq has errors.");
        var rules = new BaselineRules(model);
        _dictionary = new DictionaryClassifier(rules);
        _frozen = new FrozenDictionaryClassifier(rules);
        _linear = WithLinearScan ? new LinearScanClassifier(rules) : null;
        _reference = WithReference ? new ReferenceClassifier(model) : null;

        string report = BaselineCheck.Run<TD>(mix, model.VxlanPort, _dictionary, _frozen, _linear, _reference);
        Console.WriteLine($"// {typeof(TD).Name}: {TD.RuleCount} rules, TableBytes {TD.TableBytes} ({(double)TD.TableBytes / TD.Filters:F1} B/filter). {report}");
    }

    // ---- generated ----------------------------------------------------------------------------

    /// <summary>Generated single-frame <c>Classify</c>, one call per frame.</summary>
    [Benchmark(OperationsPerInvoke = Frames)]
    public void Classify()
    {
        byte[] buffer = _buffer;
        FrameSlice[] slices = _slices;
        Verdict[] verdicts = _verdicts;
        for (int i = 0; i < slices.Length; i++)
        {
            FrameSlice s = slices[i];
            verdicts[i] = TD.Classify(buffer.AsSpan(s.Offset, s.Length));
        }
    }

    /// <summary>Generated <c>ClassifyBatch(buffer, slices, verdicts)</c> over the whole mix.</summary>
    [Benchmark(OperationsPerInvoke = Frames)]
    public void ClassifyBatch() => TD.ClassifyBatch(_buffer, _slices, _verdicts);

    /// <summary>Generated <c>ClassifyBatch(byte[][], verdicts)</c> over the whole mix.</summary>
    [Benchmark(OperationsPerInvoke = Frames)]
    public void ClassifyBatchArrays() => TD.ClassifyBatch(_frames, _verdicts);

    // ---- baselines ----------------------------------------------------------------------------

    /// <summary>(a) Branchy parser + Dictionary per table.</summary>
    [Benchmark(OperationsPerInvoke = Frames)]
    public void Dictionary()
    {
        byte[] buffer = _buffer;
        FrameSlice[] slices = _slices;
        Verdict[] verdicts = _verdicts;
        var classifier = _dictionary;
        for (int i = 0; i < slices.Length; i++)
        {
            FrameSlice s = slices[i];
            verdicts[i] = classifier.Classify(buffer.AsSpan(s.Offset, s.Length));
        }
    }

    /// <summary>(b) Branchy parser + FrozenDictionary per table: the ratio column's baseline.</summary>
    [Benchmark(OperationsPerInvoke = Frames, Baseline = true)]
    public void FrozenDictionary()
    {
        byte[] buffer = _buffer;
        FrameSlice[] slices = _slices;
        Verdict[] verdicts = _verdicts;
        var classifier = _frozen;
        for (int i = 0; i < slices.Length; i++)
        {
            FrameSlice s = slices[i];
            verdicts[i] = classifier.Classify(buffer.AsSpan(s.Offset, s.Length));
        }
    }

    /// <summary>(c) Linear scan over the rules (benchmarked where <see cref="WithLinearScan"/>).</summary>
    protected void RunLinearScan()
    {
        byte[] buffer = _buffer;
        FrameSlice[] slices = _slices;
        Verdict[] verdicts = _verdicts;
        var classifier = _linear!;
        for (int i = 0; i < slices.Length; i++)
        {
            FrameSlice s = slices[i];
            verdicts[i] = classifier.Classify(buffer.AsSpan(s.Offset, s.Length));
        }
    }

    /// <summary>(d) The reference interpreter (benchmarked where <see cref="WithReference"/>).</summary>
    protected void RunReference()
    {
        byte[][] frames = _frames;
        ulong[] sink = _sink;
        var classifier = _reference!;
        for (int i = 0; i < frames.Length; i++)
        {
            sink[i] = (ulong)classifier.Classify(frames[i]).RuleLine;
        }
    }

    // ---- parsing alone ------------------------------------------------------------------------

    /// <summary>(e) <c>FrameParser.Parse</c> (the public parser, returning <c>FrameFields</c>), no lookups.</summary>
    [Benchmark(OperationsPerInvoke = Frames)]
    public void ParseOnly()
    {
        byte[] buffer = _buffer;
        FrameSlice[] slices = _slices;
        ulong[] sink = _sink;
        for (int i = 0; i < slices.Length; i++)
        {
            FrameSlice s = slices[i];
            FrameFields f = FrameParser.Parse(buffer.AsSpan(s.Offset, s.Length));
            sink[i] = (ulong)f.Present ^ f.Dst ^ f.Cvid ^ f.Vni ^ f.Vsid ^ f.InnerDst;
        }
    }

    /// <summary>(e) <c>FrameParser.ParseRaw</c> (what the generated <c>Classify</c> calls), no lookups.</summary>
    [Benchmark(OperationsPerInvoke = Frames)]
    public void ParseRawOnly()
    {
        byte[] buffer = _buffer;
        FrameSlice[] slices = _slices;
        ulong[] sink = _sink;
        for (int i = 0; i < slices.Length; i++)
        {
            FrameSlice s = slices[i];
            FrameParser.ParseRaw(buffer.AsSpan(s.Offset, s.Length), FrameParser.DefaultVxlanPort, out var p);
            sink[i] = p.Dst ^ p.HasDst ^ p.Cvid ^ p.HasCvid ^ p.TunnelId ^ p.IsVxlan ^ p.IsNvgre ^ p.InnerDst ^ p.HasInnerDst;
        }
    }

    /// <summary>The parse of <typeparamref name="TVariant"/> over the mix, as <see cref="ParseRawOnly"/>.</summary>
    protected void RunParseVariant<TVariant>()
        where TVariant : struct, IParseVariant
    {
        byte[] buffer = _buffer;
        FrameSlice[] slices = _slices;
        ulong[] sink = _sink;
        for (int i = 0; i < slices.Length; i++)
        {
            FrameSlice s = slices[i];
            FrameParser.ParseRaw<TVariant>(buffer.AsSpan(s.Offset, s.Length), FrameParser.DefaultVxlanPort, out var p);
            sink[i] = p.Dst ^ p.HasDst ^ p.Cvid ^ p.HasCvid ^ p.TunnelId ^ p.IsVxlan ^ p.IsNvgre ^ p.InnerDst ^ p.HasInnerDst;
        }
    }

    /// <summary>(e) The baselines' branchy parser, no lookups.</summary>
    [Benchmark(OperationsPerInvoke = Frames)]
    public void BranchyParseOnly()
    {
        byte[] buffer = _buffer;
        FrameSlice[] slices = _slices;
        ulong[] sink = _sink;
        for (int i = 0; i < slices.Length; i++)
        {
            FrameSlice s = slices[i];
            BranchyParser.Parse(buffer.AsSpan(s.Offset, s.Length), FrameParser.DefaultVxlanPort, out var b);
            sink[i] = b.Dst ^ (ulong)b.Cvid ^ (ulong)b.Vni ^ (ulong)b.Vsid ^ b.InnerDst ^ (b.HasInnerDst ? 1UL : 0UL);
        }
    }
}

/// <summary>1,000 filters; also the linear scan and the reference interpreter.</summary>
public class Classify1K : ClassificationBenchmarks<D1K>
{
    protected override bool WithLinearScan => true;

    protected override bool WithReference => true;

    /// <summary>(c) Linear scan over the 1,000 rules.</summary>
    [Benchmark(OperationsPerInvoke = Frames)]
    public void LinearScan() => RunLinearScan();

    /// <summary>(d) ReferenceClassifier (the oracle; allocates).</summary>
    [Benchmark(OperationsPerInvoke = Frames)]
    public void Reference() => RunReference();
}

/// <summary>10,000 filters; also the reference interpreter and the specialised parse variants.</summary>
public class Classify10K : ClassificationBenchmarks<D10K>
{
    protected override bool WithReference => true;

    /// <summary>(d) ReferenceClassifier (the oracle; allocates).</summary>
    [Benchmark(OperationsPerInvoke = Frames)]
    public void Reference() => RunReference();

    /// <summary>(e) <c>FrameParser.ParseRaw&lt;ParseVariants.Dst&gt;</c>: what a dispatcher of mac, broadcast and multicast rules parses.</summary>
    [Benchmark(OperationsPerInvoke = Frames)]
    public void ParseRawDst() => RunParseVariant<ParseVariants.Dst>();

    /// <summary>(e) <c>FrameParser.ParseRaw&lt;ParseVariants.Tags&gt;</c>: what a dispatcher without tunnel rules parses.</summary>
    [Benchmark(OperationsPerInvoke = Frames)]
    public void ParseRawTags() => RunParseVariant<ParseVariants.Tags>();

    /// <summary>(e) <c>FrameParser.ParseRaw&lt;ParseVariants.Tunnels&gt;</c>: what a dispatcher without inner rules parses.</summary>
    [Benchmark(OperationsPerInvoke = Frames)]
    public void ParseRawTunnels() => RunParseVariant<ParseVariants.Tunnels>();
}

/// <summary>100,000 filters.</summary>
public class Classify100K : ClassificationBenchmarks<D100K>
{
}

#if VMDQ_BENCH_MILLION
/// <summary>1,000,000 filters (built only with <c>-p:VmdqBenchMillion=true</c>).</summary>
public class Classify1M : ClassificationBenchmarks<D1M>
{
}
#endif
