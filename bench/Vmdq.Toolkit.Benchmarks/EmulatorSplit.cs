using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using Vmdq.Toolkit.Emulator;

namespace Vmdq.Toolkit.Benchmarks;

/// <summary>
/// <c>--emulator-split [seconds]</c>: the loop of <see cref="EmulatorBenchmarks"/> (0 consumer threads: 256-frame
/// bursts of <see cref="FrameMix"/> into the 10K-filter NIC, then every VM drained) timed with a Stopwatch in two
/// parts, receive and drain, alternating with a bare <c>ClassifyBatch</c> of the same 4,096 frames in the same
/// process. Prints the medians over 200 ms windows after a 2 s warm-up, and the median of the per-window ratio of the
/// emulator (receive + drain) to the bare batch: a figure this noisy 2-core VM reproduces within a few percent, where
/// BenchmarkDotNet's rounds of the emulator spread by a third. Not a BenchmarkDotNet benchmark: Stopwatch, one process.
/// </summary>
public static class EmulatorSplit
{
    private const int Burst = 256;

    /// <summary>Runs for <paramref name="seconds"/> and prints the figures; returns 0.</summary>
    public static int Run(double seconds)
    {
        var mix = FrameMix.Create(D10K.Filters);
        byte[][] frames = mix.Frames;
        var bareVerdicts = new Verdict[frames.Length];
        using var nic = new NicEmulator(D10K.Info);
        var vms = new VmConsumer[nic.PoolCount];
        for (int pool = 0; pool < vms.Length; pool++)
        {
            vms[pool] = nic.AttachVm($"vm{pool}", pool);
        }

        var burst = new RxDescriptor[32];
        long checksum = 0;
        var receive = new List<double>();
        var drain = new List<double>();
        var bare = new List<double>();
        var ratio = new List<double>();
        double toNs = 1e9 / Stopwatch.Frequency;
        var total = Stopwatch.StartNew();
        while (total.Elapsed.TotalSeconds < seconds + 2)
        {
            long receiveTicks = 0, drainTicks = 0, emulated = 0;
            var window = Stopwatch.StartNew();
            while (window.ElapsedMilliseconds < 200)
            {
                for (int at = 0; at < frames.Length; at += Burst)
                {
                    long t0 = Stopwatch.GetTimestamp();
                    nic.ReceiveBurst(new ReadOnlySpan<byte[]>(frames, at, Math.Min(Burst, frames.Length - at)));
                    long t1 = Stopwatch.GetTimestamp();
                    foreach (var vm in vms)
                    {
                        EmulatorBenchmarks.Drain(vm, burst, ref checksum);
                    }

                    receiveTicks += t1 - t0;
                    drainTicks += Stopwatch.GetTimestamp() - t1;
                }

                emulated += frames.Length;
            }

            long bareTicks = 0, classified = 0;
            window.Restart();
            while (window.ElapsedMilliseconds < 100)
            {
                long t0 = Stopwatch.GetTimestamp();
                D10K.ClassifyBatch(mix.Buffer, mix.Slices, bareVerdicts);
                bareTicks += Stopwatch.GetTimestamp() - t0;
                classified += frames.Length;
            }

            if (total.Elapsed.TotalSeconds < 2)
            {
                continue;
            }

            double r = receiveTicks * toNs / emulated, d = drainTicks * toNs / emulated, b = bareTicks * toNs / classified;
            receive.Add(r);
            drain.Add(d);
            bare.Add(b);
            ratio.Add((r + d) / b);
        }

        var snapshot = nic.Snapshot();
        if (snapshot.Drops.Total != 0 || !snapshot.IsBalanced)
        {
            throw new InvalidOperationException($"The emulator dropped frames ({snapshot.Drops}) or lost count: the figures would not be throughput.");
        }

        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"emulator/bare batch {Median(ratio):F2}  receive {Median(receive):F1}  drain (poll, read, release) {Median(drain):F1}  bare ClassifyBatch {Median(bare):F1} ns/frame  ({ratio.Count} windows; checksum {checksum & 0xFF})"));
        return 0;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        return sorted.Count == 0 ? double.NaN : sorted[sorted.Count / 2];
    }
}
