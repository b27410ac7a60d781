using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using Vmdq.Toolkit.Capture;
using Vmdq.Toolkit.Emulator;

namespace Vmdq.Toolkit.Cli.Tests;

/// <summary>One pool's row of <c>vmdq replay</c>'s plain table.</summary>
internal sealed record PoolRow(int Index, string Name, string Vm, long FramesIn, long Delivered, long RingFull, long RuleDrop, long NoBuffer);

/// <summary>The figures of <c>vmdq replay</c>'s plain (redirected) output, read back from its ASCII tables.</summary>
internal sealed class ReplayReport
{
    private ReplayReport(IReadOnlyList<PoolRow> pools, string[] port, IReadOnlyDictionary<string, string> summary)
    {
        Pools = pools;
        Port = port;
        Summary = summary;
    }

    /// <summary>The pool rows, by index.</summary>
    public IReadOnlyList<PoolRow> Pools { get; }

    /// <summary>The port row's cells (pool, VM, queue, frames in, delivered, ring full, rule drop, no buffer, ring, state).</summary>
    public string[] Port { get; }

    /// <summary>The summary's figures by name.</summary>
    public IReadOnlyDictionary<string, string> Summary { get; }

    /// <summary>Frames received at the port, from the summary.</summary>
    public long Received => Number(Summary["frames received"]);

    /// <summary>The summary's drops: ring full, rule, no buffer, runt, oversize.</summary>
    public long[] Drops => Summary["dropped: ring full / rule / no buffer / runt / oversize"].Split('/').Select(Number).ToArray();

    public PoolRow Pool(string name) => Pools.Single(p => p.Name == name);

    public static ReplayReport Parse(string stdout)
    {
        var pools = new List<PoolRow>();
        string[]? port = null;
        var summary = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string line in stdout.Split('\n'))
        {
            if (!line.StartsWith("| ", StringComparison.Ordinal))
            {
                continue;
            }

            string[] cells = line.Trim().Trim('|').Split('|').Select(c => c.Trim()).ToArray();
            if (cells.Length == 2)
            {
                summary[cells[0]] = cells[1];
            }
            else if (cells.Length == 10 && cells[0] == "port")
            {
                port = cells;
            }
            else if (cells.Length == 10 && cells[0].Length > 0 && char.IsAsciiDigit(cells[0][0]))
            {
                string[] pool = cells[0].Split(' ', 2);
                pools.Add(new PoolRow(int.Parse(pool[0], CultureInfo.InvariantCulture), pool[1], cells[1], Number(cells[3]), Number(cells[4]), Number(cells[5]), Number(cells[6]), Number(cells[7])));
            }
        }

        Assert.True(port is not null, "No port row in the output:\n" + stdout);
        Assert.True(summary.Count > 0, "No summary in the output:\n" + stdout);
        return new ReplayReport(pools, port!, summary);
    }

    public static long Number(string text) => long.Parse(text.Trim(), NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
}

/// <summary>What the replay of a capture should show, worked out frame by frame with <see cref="RuntimeDispatcher.Classify(ReadOnlySpan{byte})"/>.</summary>
internal sealed class ExpectedReplay
{
    /// <summary>The capture's Ethernet frames.</summary>
    public List<CapturedFrame> Frames { get; } = new();

    /// <summary>Per pool index, the frames (by position in <see cref="Frames"/>) a VM of that pool receives.</summary>
    public Dictionary<int, List<int>> ByPool { get; } = new();

    /// <summary>Frames no pool receives (rule drops, runts, oversize), by position.</summary>
    public List<int> Dropped { get; } = new();

    public long RuleDrops { get; private set; }

    public long Runts { get; private set; }

    public long Oversize { get; private set; }

    public long Replicas { get; private set; }

    public static ExpectedReplay Of(string rulesPath, string capture)
    {
        var dispatcher = RuntimeDispatcher.Load(File.ReadAllText(rulesPath), rulesPath).Dispatcher!;
        var expected = new ExpectedReplay();
        foreach (var frame in CaptureReader.ReadFile(capture).Where(f => f.IsEthernet))
        {
            int i = expected.Frames.Count;
            expected.Frames.Add(frame);
            var data = frame.Data.Span;
            var verdict = dispatcher.Classify(data);
            if (data.Length < 14)
            {
                expected.Runts++;
                expected.Dropped.Add(i);
                continue;
            }

            if (data.Length > BufferPool.DefaultBufferSize)
            {
                expected.Oversize++;
                expected.Dropped.Add(i);
                continue;
            }

            if (verdict.IsDrop)
            {
                expected.RuleDrops++;
                expected.Dropped.Add(i);
                continue;
            }

            int[] pools = dispatcher.Replicas(verdict).ToArray();
            if (pools.Length == 0)
            {
                pools = [verdict.Pool];
            }

            expected.Replicas += pools.Length - 1;
            foreach (int pool in pools)
            {
                if (!expected.ByPool.TryGetValue(pool, out var list))
                {
                    expected.ByPool[pool] = list = new List<int>();
                }

                list.Add(i);
            }
        }

        return expected;
    }

    public int CountFor(int pool) => ByPool.TryGetValue(pool, out var list) ? list.Count : 0;
}
