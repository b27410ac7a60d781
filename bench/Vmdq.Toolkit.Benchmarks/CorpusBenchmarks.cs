using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using BenchmarkDotNet.Attributes;
using Vmdq.Rules;
using Vmdq.Toolkit.Benchmarks.Baselines;
using Vmdq.Toolkit.Capture;

namespace Vmdq.Toolkit.Benchmarks;

/// <summary>
/// Real traffic no one here wrote: every Ethernet frame of the captures in tests/Vmdq.Toolkit.Runtime.Tests/Corpus (tcpdump's
/// and PacketNet's test captures; origin and licences in that folder's README), cycled to <see cref="Frames"/> frames, classified
/// by a rules file written from the frames' own identifiers (<see cref="CorpusRules"/>), so most frames hit a rule of the kind
/// that decides them. The rules are loaded at run time (the same kernels and tables as a generated dispatcher: RuntimeClassify10K
/// compares the two); the ratio column is against the FrozenDictionary baseline, which must give the same verdict on every frame.
/// </summary>
[MemoryDiagnoser]
public class CorpusClassify
{
    /// <summary>Frames per invoke.</summary>
    private const int Frames = 4096;

    private byte[] _buffer = null!;
    private FrameSlice[] _slices = null!;
    private byte[][] _frames = null!;
    private Verdict[] _verdicts = null!;
    private RuntimeDispatcher _runtime = null!;
    private FrozenDictionaryClassifier _frozen = null!;
    private DictionaryClassifier _dictionary = null!;

    [GlobalSetup]
    public void Setup()
    {
        var captured = CorpusRules.ReadFrames();
        var (text, rules) = CorpusRules.Write(captured);
        var load = RuntimeDispatcher.Load(text, "corpus.vmdq");
        _runtime = load.Dispatcher ?? throw new InvalidOperationException(string.Join("\n", load.Diagnostics));
        var model = RulesCompiler.Compile("corpus.vmdq", text).Model ?? throw new InvalidOperationException("corpus.vmdq has errors.");
        var baseline = new BaselineRules(model);
        _frozen = new FrozenDictionaryClassifier(baseline);
        _dictionary = new DictionaryClassifier(baseline);

        _frames = new byte[Frames][];
        _slices = new FrameSlice[Frames];
        var buffer = new List<byte>();
        for (int i = 0; i < Frames; i++)
        {
            byte[] frame = captured[i % captured.Count];
            _frames[i] = frame;
            _slices[i] = new FrameSlice(buffer.Count, frame.Length);
            buffer.AddRange(frame);
        }

        _buffer = buffer.ToArray();
        _verdicts = new Verdict[Frames];

        // Same verdicts, or the comparison means nothing; and say how much of the traffic the rules decide.
        _runtime.ClassifyBatch(_buffer, _slices, _verdicts);
        var byKind = new int[16];
        for (int i = 0; i < Frames; i++)
        {
            Verdict frozen = _frozen.Classify(_frames[i]);
            if (frozen != _verdicts[i] || _dictionary.Classify(_frames[i]) != frozen)
            {
                throw new InvalidOperationException($"Frame {i} (corpus frame {i % captured.Count}): runtime {_verdicts[i]}, FrozenDictionary {frozen}.");
            }

            byKind[(int)_verdicts[i].Kind]++;
        }

        string kinds = string.Join(", ", Enumerable.Range(0, byKind.Length).Where(k => byKind[k] > 0).Select(k => $"{(RuleKind)k} {byKind[k]}"));
        Console.WriteLine($"// corpus: {captured.Count} Ethernet frames of {CorpusRules.CaptureCount} captures, {rules} rules, {Frames} frames a run; decided by: {kinds}");
    }

    /// <summary>Runtime-loaded <c>ClassifyBatch(buffer, slices)</c>.</summary>
    [Benchmark(OperationsPerInvoke = Frames)]
    public void RuntimeBatch() => _runtime.ClassifyBatch(_buffer, _slices, _verdicts);

    /// <summary>Runtime-loaded <c>ClassifyBatch(byte[][])</c>.</summary>
    [Benchmark(OperationsPerInvoke = Frames)]
    public void RuntimeBatchArrays() => _runtime.ClassifyBatch(_frames, _verdicts);

    /// <summary>Runtime-loaded <c>Classify</c>, one call per frame.</summary>
    [Benchmark(OperationsPerInvoke = Frames)]
    public void RuntimeClassify()
    {
        byte[] buffer = _buffer;
        FrameSlice[] slices = _slices;
        Verdict[] verdicts = _verdicts;
        var runtime = _runtime;
        for (int i = 0; i < slices.Length; i++)
        {
            FrameSlice s = slices[i];
            verdicts[i] = runtime.Classify(buffer.AsSpan(s.Offset, s.Length));
        }
    }

    /// <summary>Branchy parser + FrozenDictionary per table: the ratio column's baseline.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Frames)]
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

    /// <summary>Branchy parser + Dictionary per table.</summary>
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
}

/// <summary>The corpus captures' frames and a rules file written from their identifiers.</summary>
internal static class CorpusRules
{
    /// <summary>Pools the rules spread over (p1..p8).</summary>
    private const int Pools = 8;

    /// <summary>How many captures <see cref="ReadFrames"/> read.</summary>
    public static int CaptureCount { get; private set; }

    /// <summary>Every Ethernet frame of every capture copied beside the benchmarks (corpus/*.pcap), in file-name order.</summary>
    public static List<byte[]> ReadFrames()
    {
        string dir = Path.Combine(AppContext.BaseDirectory, "corpus");
        string[] files = Directory.GetFiles(dir, "*.pcap").OrderBy(f => f, StringComparer.Ordinal).ToArray();
        if (files.Length == 0)
        {
            throw new InvalidOperationException($"No captures in {dir}: the build copies tests/Vmdq.Toolkit.Runtime.Tests/Corpus/*.pcap there.");
        }

        CaptureCount = files.Length;
        return files.SelectMany(CaptureReader.ReadFile).Where(f => f.IsEthernet).Select(f => f.Data.ToArray()).ToList();
    }

    /// <summary>
    /// A rules file with one rule per distinct identifier the frames carry (each kind the parser finds: tunnel and inner MAC,
    /// tunnel, destination MAC with and without its VLAN, VLAN), targets spread over the pools, and broadcast/multicast rules.
    /// A rule the checks refuse (a reserved value, say) is left out, so the file always loads.
    /// </summary>
    public static (string Text, int Rules) Write(IReadOnlyList<byte[]> frames)
    {
        var matches = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        void Add(string match)
        {
            if (seen.Add(match))
            {
                matches.Add(match);
            }
        }

        foreach (byte[] frame in frames)
        {
            FrameFields f = FrameParser.Parse(frame);
            if (f.Has(FrameField.Vni))
            {
                if (f.Has(FrameField.InnerDst))
                {
                    Add($"vxlan {f.Vni} inner {FrameFields.FormatMac(f.InnerDst)}");
                }

                Add($"vxlan {f.Vni}");
            }

            if (f.Has(FrameField.Vsid))
            {
                if (f.Has(FrameField.InnerDst))
                {
                    Add($"nvgre {f.Vsid} inner {FrameFields.FormatMac(f.InnerDst)}");
                }

                Add($"nvgre {f.Vsid}");
            }

            bool unicast = f.Has(FrameField.Dst) && (f.Dst & 0x0100_0000_0000UL) == 0;
            if (unicast && f.Has(FrameField.Cvid))
            {
                Add($"mac {FrameFields.FormatMac(f.Dst)} vlan {f.Cvid}");
            }

            if (unicast)
            {
                Add($"mac {FrameFields.FormatMac(f.Dst)}");
            }

            if (f.Has(FrameField.Cvid))
            {
                Add($"vlan {f.Cvid}");
            }
        }

        string header = "nic pools 16 queues 2 ring 512\n"
            + string.Concat(Enumerable.Range(1, Pools).Select(p => $"pool p{p} {p}\n"))
            + "broadcast -> p1, p2\nmulticast -> p3\n";
        var kept = new List<string>(matches);
        for (int attempt = 0; ; attempt++)
        {
            string text = header + string.Concat(kept.Select((m, i) => $"{m} -> p{(i % Pools) + 1}\n"));
            var result = RulesCompiler.Compile("corpus.vmdq", text);
            var errorLines = result.Diagnostics.Where(d => d.Severity == Vmdq.Rules.Diagnostics.RuleSeverity.Error).Select(d => d.Span.Line).ToHashSet();
            if (errorLines.Count == 0)
            {
                return (text, kept.Count + 2);
            }

            int firstRuleLine = header.Count(c => c == '\n') + 1;
            if (attempt > 3 || errorLines.Any(l => l < firstRuleLine))
            {
                throw new InvalidOperationException("The corpus rules do not load: " + string.Join("; ", result.Diagnostics));
            }

            kept = kept.Where((_, i) => !errorLines.Contains(firstRuleLine + i)).ToList();
        }
    }
}
