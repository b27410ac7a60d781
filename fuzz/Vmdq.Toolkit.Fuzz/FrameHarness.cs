using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using static Vmdq.Toolkit.Fuzz.InvariantViolationException;

namespace Vmdq.Toolkit.Fuzz;

/// <summary>
/// The frame harness: the input as one Ethernet frame through <see cref="FrameParser.Parse"/> and runtime-loaded
/// dispatchers (the repository's rules files, whose rule kinds select different kernels and parse variants), one frame at
/// a time and in batches (<see cref="RuntimeDispatcher.ClassifyBatch(ReadOnlySpan{byte}, ReadOnlySpan{FrameSlice}, Span{Verdict})"/>,
/// its one-array-per-frame overload and <see cref="RuntimeDispatcher.ClassifyBatchPadded"/>).
/// </summary>
public static class FrameHarness
{
    /// <summary>Cut lengths: a runt, the end of each header the parser reads (tags, IPv4/IPv6, UDP/GRE, VXLAN, inner MACs and tag).</summary>
    private static readonly int[] s_cuts = { 0, 1, 6, 12, 13, 14, 16, 18, 22, 33, 34, 38, 42, 46, 50, 54, 58, 62, 66, 70, 74, 78, 82, 86, 90 };

    private static readonly Lazy<(string Name, RuntimeDispatcher Dispatcher)[]> s_dispatchers = new(LoadDispatchers);

    /// <summary>The dispatchers every frame goes through: name and dispatcher.</summary>
    public static IReadOnlyList<(string Name, RuntimeDispatcher Dispatcher)> Dispatchers => s_dispatchers.Value;

    /// <summary>Runs one input. For each dispatcher, the frame and its prefixes (cut at each header boundary), invariants:
    /// <list type="bullet">
    /// <item>nothing throws, whatever the frame's length or bytes;</item>
    /// <item>FrameParser.Parse equals the dispatcher's Parse; Classify(frame) equals Classify(fields) and the rule scan's first match
    /// (or the default pool when no rule matches); the verdict names the dispatcher's pools, queues and rule lines;</item>
    /// <item>the batch entry points give each frame the verdict Classify gives it, with frames packed at odd offsets and
    /// (padded) followed by garbage bytes that must not change the verdict.</item>
    /// </list>
    /// </summary>
    /// <param name="data">The frame, from its destination MAC.</param>
    /// <exception cref="InvariantViolationException">An invariant broke.</exception>
    public static void Run(ReadOnlySpan<byte> data)
    {
        byte[] frame = data.ToArray();
        var frames = new List<byte[]>();
        foreach (int cut in s_cuts)
        {
            if (cut < frame.Length)
            {
                frames.Add(frame[..cut]);
            }
        }

        frames.Add(frame);
        // More than eight frames, so the 8-lane kernels run a full group and a tail.
        while (frames.Count < 11)
        {
            frames.Add(frame);
        }

        foreach (var (name, d) in s_dispatchers.Value)
        {
            var expected = new Verdict[frames.Count];
            for (int i = 0; i < frames.Count; i++)
            {
                expected[i] = DispatcherChecks.CheckOne(name, d, frames[i]);
            }

            CheckBatches(name, d, frames, expected);
        }
    }

    private static void CheckBatches(string name, RuntimeDispatcher d, List<byte[]> frames, Verdict[] expected)
    {
        int n = frames.Count;
        var verdicts = new Verdict[n];

        // Packed: frame i starts i % 4 garbage bytes after the end of frame i-1.
        var packed = new MemoryStream();
        var slices = new FrameSlice[n];
        for (int i = 0; i < n; i++)
        {
            packed.Write(Enumerable.Repeat((byte)0xA5, i % 4).ToArray());
            slices[i] = new FrameSlice((int)packed.Length, frames[i].Length);
            packed.Write(frames[i]);
        }

        d.ClassifyBatch(packed.ToArray(), slices, verdicts);
        Compare(name, "ClassifyBatch(buffer, slices)", frames, expected, verdicts);

        Array.Clear(verdicts);
        d.ClassifyBatch(frames.ToArray(), verdicts);
        Compare(name, "ClassifyBatch(frames)", frames, expected, verdicts);

        // Padded: each frame has at least PaddedFrameBytes of the buffer from its start; the bytes after it are garbage
        // that looks like headers (0x81 0x00 ..., 0x08, 0x45...), which a clamped load must never read as the frame's.
        var padded = new MemoryStream();
        for (int i = 0; i < n; i++)
        {
            slices[i] = new FrameSlice((int)padded.Length, frames[i].Length);
            padded.Write(frames[i]);
            int pad = Math.Max(FrameParser.PaddedFrameBytes - frames[i].Length, 0) + (i % 3);
            for (int k = 0; k < pad; k++)
            {
                padded.WriteByte(s_garbage[k % s_garbage.Length]);
            }
        }

        Array.Clear(verdicts);
        d.ClassifyBatchPadded(padded.ToArray(), slices, verdicts);
        Compare(name, "ClassifyBatchPadded", frames, expected, verdicts);
    }

    private static readonly byte[] s_garbage = { 0x81, 0x00, 0x00, 0x64, 0x08, 0x00, 0x45, 0x00, 0xFF, 0xFF, 0x88, 0xA8, 0x11, 0x12, 0xB5, 0x08 };

    private static void Compare(string name, string entry, List<byte[]> frames, Verdict[] expected, Verdict[] actual)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            int k = i;
            Check(expected[k] == actual[k],
                () => $"{name}: {entry} gives frame {k} ({frames[k].Length} bytes: {DispatcherChecks.Hex(frames[k])}) {actual[k]}, Classify {expected[k]}.");
        }
    }

    private static (string, RuntimeDispatcher)[] LoadDispatchers()
    {
        var assembly = typeof(FrameHarness).Assembly;
        var result = new List<(string, RuntimeDispatcher)>();
        foreach (string resource in assembly.GetManifestResourceNames().Where(r => r.StartsWith("rules/", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var reader = new StreamReader(assembly.GetManifestResourceStream(resource)!);
            string name = resource["rules/".Length..];
            var loaded = RuntimeDispatcher.Load(reader.ReadToEnd(), name);
            result.Add((name, loaded.Dispatcher ?? throw new InvalidOperationException($"{name} does not load: {string.Join("; ", loaded.Diagnostics)}")));
        }

        // One more on VXLAN port 8472 (Linux's default), so the corpus's tcpdump-vxlan_port_8472 frames reach a tunnel rule.
        var port8472 = RuntimeDispatcher.Load("vxlan-port 8472\npool a 1\npool b 2\nvxlan 100 -> a:1\nvxlan 100 inner 00:16:3e:37:f6:04 -> b\nvlan 0 -> b\n", "port-8472.vmdq");
        result.Add(("port-8472.vmdq", port8472.Dispatcher ?? throw new InvalidOperationException(string.Join("; ", port8472.Diagnostics))));
        return result.ToArray();
    }
}
