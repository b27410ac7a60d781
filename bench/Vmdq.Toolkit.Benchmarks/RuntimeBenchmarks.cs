using System;
using System.Linq;
using System.Text;
using BenchmarkDotNet.Attributes;
using Vmdq.Bench;
using Vmdq.Toolkit;

namespace Vmdq.Toolkit.Benchmarks;

/// <summary>
/// Rules loaded at run time against the generated dispatcher of the same file, on the same frames (the
/// suite's 10K all-kinds file and mix): the target is runtime <c>ClassifyBatch</c> at most 1.3x the
/// generated one's time. Both run <see cref="Classification.DispatchKernel"/>; the runtime one reaches it
/// through one virtual call per batch (per frame for <c>Classify</c>) and reads its tables from an instance.
/// </summary>
[MemoryDiagnoser]
public class RuntimeClassify10K
{
    private const int Frames = FrameMix.Count;
    private byte[] _buffer = null!;
    private FrameSlice[] _slices = null!;
    private byte[][] _frames = null!;
    private Verdict[] _verdicts = null!;
    private RuntimeDispatcher _runtime = null!;

    [GlobalSetup]
    public void Setup()
    {
        var mix = FrameMix.Create(D10K.Filters);
        (_buffer, _slices, _frames) = (mix.Buffer, mix.Slices, mix.Frames);
        _verdicts = new Verdict[Frames];
        var load = RuntimeDispatcher.Load(BenchRules.Write(D10K.Filters), "filters-10000.vmdq");
        _runtime = load.Dispatcher ?? throw new InvalidOperationException(string.Join("\n", load.Diagnostics));

        // Same verdicts, or the comparison means nothing.
        var generated = new Verdict[Frames];
        D10K.ClassifyBatch(_buffer, _slices, generated);
        _runtime.ClassifyBatch(_buffer, _slices, _verdicts);
        if (!generated.AsSpan().SequenceEqual(_verdicts))
        {
            throw new InvalidOperationException("The runtime dispatcher disagrees with the generated one on the mix.");
        }
    }

    /// <summary>Generated <c>ClassifyBatch(buffer, slices)</c>.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Frames)]
    public void GeneratedBatch() => D10K.ClassifyBatch(_buffer, _slices, _verdicts);

    /// <summary>Runtime <c>ClassifyBatch(buffer, slices)</c>.</summary>
    [Benchmark(OperationsPerInvoke = Frames)]
    public void RuntimeBatch() => _runtime.ClassifyBatch(_buffer, _slices, _verdicts);

    /// <summary>Generated <c>ClassifyBatch(byte[][])</c>.</summary>
    [Benchmark(OperationsPerInvoke = Frames)]
    public void GeneratedBatchArrays() => D10K.ClassifyBatch(_frames, _verdicts);

    /// <summary>Runtime <c>ClassifyBatch(byte[][])</c>.</summary>
    [Benchmark(OperationsPerInvoke = Frames)]
    public void RuntimeBatchArrays() => _runtime.ClassifyBatch(_frames, _verdicts);

    /// <summary>Generated <c>Classify</c>, one call per frame.</summary>
    [Benchmark(OperationsPerInvoke = Frames)]
    public void GeneratedClassify()
    {
        for (int i = 0; i < _slices.Length; i++)
        {
            _verdicts[i] = D10K.Classify(_buffer.AsSpan(_slices[i].Offset, _slices[i].Length));
        }
    }

    /// <summary>Runtime <c>Classify</c>, one call per frame.</summary>
    [Benchmark(OperationsPerInvoke = Frames)]
    public void RuntimeClassify()
    {
        var rules = _runtime;
        for (int i = 0; i < _slices.Length; i++)
        {
            _verdicts[i] = rules.Classify(_buffer.AsSpan(_slices[i].Offset, _slices[i].Length));
        }
    }
}

/// <summary>
/// Loading rules at run time and changing them: <c>Load</c> of the 10K and 100K files, and one change (add a
/// rule, then remove it) and a change of 100 rules. A change's diagnostics are the build's for the whole file with it
/// applied; the incremental path re-runs only the checks the change can affect and inserts into the tables, the full
/// path (<see cref="FullRecompile"/>, the reference and the before) re-checks the whole file and rebuilds every table.
/// </summary>
[MemoryDiagnoser]
public class RuntimeRulesChanges
{
    private string _text = null!;
    private RuntimeDispatcher _rules = null!;
    private string _hundred = null!;

    /// <summary>Filters in the file.</summary>
    [Params(10_000, 100_000)]
    public int Filters { get; set; }

    /// <summary>True: every change takes the full path (the whole file re-checked, every table rebuilt), as before the incremental engine.</summary>
    [Params(false, true)]
    public bool FullRecompile { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _text = BenchRules.Write(Filters);
        var load = RuntimeDispatcher.Load(_text, $"filters-{Filters}.vmdq");
        _rules = load.Dispatcher ?? throw new InvalidOperationException(string.Join("\n", load.Diagnostics));
        _rules.FullRecompile = FullRecompile;

        // MACs in 02:50:..., which no bench rule uses.
        var sb = new StringBuilder();
        for (int i = 0; i < 100; i++)
        {
            sb.Append("mac ").Append(BenchRules.Mac(0x02_50_00_00_00_00UL + (ulong)i)).Append(" -> p").Append(1 + (i % 63)).Append('\n');
        }

        _hundred = sb.ToString();
    }

    /// <summary>Checks the file and builds a dispatcher from it.</summary>
    [Benchmark]
    public RuntimeDispatcher? Load() => RuntimeDispatcher.Load(_text, $"filters-{Filters}.vmdq").Dispatcher;

    /// <summary>Adds one rule and removes it again: two changes.</summary>
    [Benchmark]
    public long ApplyAndRemoveOne()
    {
        var added = _rules.Apply("mac 02:50:ff:00:00:01 -> p7");
        return _rules.Remove(added.Added.ToArray()).Version;
    }

    /// <summary>Adds 100 rules in one change and removes them in one change.</summary>
    [Benchmark]
    public long ApplyAndRemoveHundred()
    {
        var added = _rules.Apply(_hundred);
        return _rules.Remove(added.Added.ToArray()).Version;
    }
}

/// <summary>
/// Classification throughput while rules change (issue 10): runtime <c>ClassifyBatch</c> on the 10K file's mix, alone and with
/// another thread adding and removing one rule in a loop for the whole run (warm-up included) (each change re-runs the checks it can
/// affect and copies the changed table's arrays). Readers never block; what the changes cost them is the second core
/// the change thread takes, the garbage collections its allocations cause, and the tables leaving the caches at each swap.
/// </summary>
[MemoryDiagnoser]
public class RuntimeClassifyUnderChanges10K
{
    private const int Frames = FrameMix.Count;
    private byte[] _buffer = null!;
    private FrameSlice[] _slices = null!;
    private Verdict[] _verdicts = null!;
    private RuntimeDispatcher _runtime = null!;
    private System.Threading.Thread? _changer;
    private volatile bool _stop;
    private long _changes;

    /// <summary>Whether a thread changes the rules meanwhile.</summary>
    [Params(false, true)]
    public bool Changing { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var mix = FrameMix.Create(D10K.Filters);
        (_buffer, _slices) = (mix.Buffer, mix.Slices);
        _verdicts = new Verdict[Frames];
        var load = RuntimeDispatcher.Load(BenchRules.Write(D10K.Filters), "filters-10000.vmdq");
        _runtime = load.Dispatcher ?? throw new InvalidOperationException(string.Join("\n", load.Diagnostics));
        if (Changing)
        {
            StartChanges();
        }
    }

    private void StartChanges()
    {
        _stop = false;
        _changer = new System.Threading.Thread(() =>
        {
            while (!_stop)
            {
                var added = _runtime.Apply("mac 02:50:ff:00:00:01 -> p7");
                _runtime.Remove(added.Added.ToArray());
                System.Threading.Interlocked.Add(ref _changes, 2);
            }
        }) { IsBackground = true, Name = "rule changes" };
        _changer.Start();
    }

    [GlobalCleanup]
    public void StopChanges()
    {
        _stop = true;
        _changer?.Join();
        _changer = null;
        Console.WriteLine($"// rule changes applied during the run: {System.Threading.Interlocked.Read(ref _changes)}");
    }

    /// <summary>Runtime <c>ClassifyBatch(buffer, slices)</c> over the mix.</summary>
    [Benchmark(OperationsPerInvoke = Frames)]
    public void RuntimeBatch() => _runtime.ClassifyBatch(_buffer, _slices, _verdicts);
}
