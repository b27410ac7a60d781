using System;
using System.Linq;
using Vmdq.Toolkit.Classification;

namespace Vmdq.Toolkit.Runtime.Tests;

/// <summary>
/// The prefetching batch loops (<see cref="ClassifierTables.PrefetchAhead"/>) parse two steps ahead of deciding: they read
/// no byte outside the batch's buffer (a frame ending on the last byte before an unreadable page, at every length) and
/// give the plain loops' verdicts, on every path, in the span and padded entries.
/// </summary>
public class PrefetchingBatchTests
{
    private const string Rules = """
        nic pools 8 queues 2 ring 64
        vxlan-port 4789
        pool web 1
        pool db 2
        pool tenant 3
        mac 02:00:00:00:00:01 -> web
        mac 02:00:00:00:00:02 vlan 20 -> db
        vlan 30 -> db
        vxlan 5000 -> tenant
        vxlan 5001 inner 02:00:00:00:00:07 -> tenant:1
        nvgre 77 -> tenant
        broadcast -> web, db

        """;

    private static readonly BatchPath[] s_paths = { BatchPath.Avx512, BatchPath.Avx2, BatchPath.Scalar };

    private static ClassifierTables Tables()
    {
        var load = RuntimeDispatcher.Load(Rules, "prefetch.vmdq");
        Assert.True(load.Dispatcher is not null, string.Join("\n", load.Diagnostics));
        return load.Dispatcher!.CurrentTables;
    }

    [Fact]
    public void TheSpanEntryReadsNothingPastTheBufferEndAndDecidesAsThePlainLoop()
    {
        // 21 frames (five steps of four and one left over; two of eight and five left over), the last one ending on the
        // page's last byte, at every length 0..160.
        var tables = Tables();
        using var pages = new GuardedPages();
        int page = Environment.SystemPageSize;
        var buffer = pages.StartingAfterGuard(page);
        var r = new Random(5);
        for (int length = 0; length <= 160; length++)
        {
            var frames = Enumerable.Range(0, 21).Select(_ => StructuredFrames.Build(r.Next())).ToArray();
            frames[20] = frames[20].AsSpan(0, Math.Min(length, frames[20].Length)).ToArray();
            buffer.Fill(0xA5);
            var slices = new FrameSlice[frames.Length];
            int at = 0;
            for (int k = 0; k < frames.Length - 1; k++)
            {
                slices[k] = new FrameSlice(at, frames[k].Length);
                frames[k].CopyTo(buffer[at..]);
                at += frames[k].Length;
            }

            slices[^1] = new FrameSlice(page - frames[^1].Length, frames[^1].Length);
            frames[^1].CopyTo(buffer[slices[^1].Offset..]);
            foreach (var path in s_paths)
            {
                var plain = Classify(tables, buffer, slices, path, prefetch: false, padded: false);
                var ahead = Classify(tables, buffer, slices, path, prefetch: true, padded: false);
                Assert.True(plain.SequenceEqual(ahead), $"{path}, last frame {length} bytes: the prefetching loop decided differently.");
            }
        }
    }

    [Fact]
    public void ThePaddedEntryReadsNoMoreThanItsPaddingAndDecidesAsThePlainLoop()
    {
        var tables = Tables();
        using var pages = new GuardedPages();
        int page = Environment.SystemPageSize;
        var buffer = pages.StartingAfterGuard(page);
        var r = new Random(11);
        for (int length = 0; length <= FrameParser.PaddedFrameBytes; length += 3)
        {
            buffer.Fill(0x5A);
            var slices = new FrameSlice[17];
            for (int k = 0; k < slices.Length; k++)
            {
                var frame = StructuredFrames.Build(r.Next());
                int offset = k == slices.Length - 1 ? page - FrameParser.PaddedFrameBytes : k * 128;
                int size = Math.Min(length, frame.Length);
                slices[k] = new FrameSlice(offset, size);
                frame.AsSpan(0, size).CopyTo(buffer[offset..]);
            }

            foreach (var path in s_paths)
            {
                var plain = Classify(tables, buffer, slices, path, prefetch: false, padded: true);
                var ahead = Classify(tables, buffer, slices, path, prefetch: true, padded: true);
                Assert.True(plain.SequenceEqual(ahead), $"{path}, padded, frames of {length} bytes: the prefetching loop decided differently.");
            }
        }
    }

    private static Verdict[] Classify(ClassifierTables tables, ReadOnlySpan<byte> buffer, FrameSlice[] slices, BatchPath path, bool prefetch, bool padded)
    {
        tables.PrefetchAhead = prefetch;
        var verdicts = new Verdict[slices.Length];
        if (padded)
        {
            FrameDispatch.ClassifyBatchPadded<RuleKinds<On, On, On, On, On, On, Off>, ParseVariants.Full>(buffer, slices, verdicts, tables, path);
        }
        else
        {
            FrameDispatch.ClassifyBatch<RuleKinds<On, On, On, On, On, On, Off>, ParseVariants.Full>(buffer, slices, verdicts, tables, path);
        }

        return verdicts;
    }
}
