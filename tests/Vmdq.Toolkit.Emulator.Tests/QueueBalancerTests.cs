using System;
using System.Collections.Generic;
using System.Diagnostics.Metrics;
using System.Linq;
using Microsoft.Extensions.Time.Testing;
using Vmdq.Generated;
using Vmdq.Toolkit.Emulator;
using Xunit.Abstractions;

namespace Vmdq.Toolkit.Emulator.Tests;

/// <summary>
/// The queue balancer on a fake clock: one VM's rss pool overloaded by many flows, with and without it (ring-full
/// drops, per-queue load), its decisions (dwell time, shrink once idle), their events and their metric.
/// </summary>
public class QueueBalancerTests(ITestOutputHelper output)
{
    private const string Rules = """
        nic pools 4 queues 4 ring 256
        pool host 0
        pool web 1 rss
        mac 02:00:00:00:00:01 -> web
        """;

    private const int Web = 1;
    private const int Flows = 4096;
    private const int FramesPerTick = 96;     // 3x what one queue's consumer drains
    private const int DrainPerTick = 32;      // per queue, per tick
    private const int TrafficTicks = 600;     // 6 s of 10 ms ticks
    private const int QuietTicks = 100;
    private static readonly TimeSpan s_tick = TimeSpan.FromMilliseconds(10);
    private static readonly QueueBalancerOptions s_options = new()
    {
        Interval = TimeSpan.FromMilliseconds(40),
        DwellTime = TimeSpan.FromMilliseconds(200),
    };

    private static readonly byte[][] s_flows = Enumerable.Range(0, Flows).Select(Frame).ToArray();

    /// <summary>An IPv4/UDP frame to the web VM's MAC; flow <paramref name="flow"/> has its own source address and port.</summary>
    private static byte[] Frame(int flow)
    {
        var frame = new byte[96];
        Convert.FromHexString("020000000001" + "02000000aa01" + "0800").CopyTo(frame, 0);
        frame[14] = 0x45;                                   // IPv4, IHL 5
        frame[22] = 64;                                     // TTL
        frame[23] = 17;                                     // UDP
        frame[26] = 10;
        frame[27] = (byte)(flow >> 16);
        frame[28] = (byte)(flow >> 8);
        frame[29] = (byte)flow;                             // source 10.x.y.z
        frame[30] = 192;
        frame[31] = 168;
        frame[32] = 0;
        frame[33] = 1;                                      // destination 192.168.0.1
        frame[34] = (byte)((1024 + flow) >> 8);
        frame[35] = (byte)(1024 + flow);                    // source port
        frame[36] = 0;
        frame[37] = 80;                                     // destination port
        return frame;
    }

    private sealed record Run(
        long TrafficDrops, long[] Enqueued, long[] SteadyEnqueued, List<(TimeSpan At, BalancerDecisionEventArgs Decision)> Decisions,
        IReadOnlyList<BalancerDecisionEventArgs> Evaluated, Dictionary<string, long> Metric, int[] FinalQueues, byte[] FinalTable, int[] SteadyTable);

    /// <summary>
    /// Ticks of 10 ms: the wire sends <see cref="FramesPerTick"/> frames (each of a different flow), the VM drains up to
    /// <see cref="DrainPerTick"/> from each of its pool's queues, then the clock moves on (the balancer samples every 40 ms).
    /// The host started the pool on queue 0 alone.
    /// </summary>
    private static Run Drive(bool balance)
    {
        var rules = RuntimeDispatcher.Load(Rules, "balancer.vmdq").Dispatcher!;
        string name = $"balancer-{Guid.NewGuid():N}";
        using var nic = new NicEmulator(rules.Info, new NicOptions { Name = name });
        rules.SetRedirectionTable(Web, new byte[Verdict.RetaSize]);
        var vm = nic.AttachVm("web-vm", Web);
        var time = new FakeTimeProvider();
        var start = time.GetUtcNow();

        var metric = new Dictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == NicMetrics.MeterName && instrument.Name == NicMetrics.BalancerDecisions
                && instrument.Meter.Tags?.Any(t => t.Key == NicMetrics.NicTag && (string?)t.Value == name) == true)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            string key = string.Join(",", tags.ToArray().OrderBy(t => t.Key).Select(t => $"{t.Key}={t.Value}"));
            metric[key] = metric.GetValueOrDefault(key) + value;
        });
        listener.Start();

        var decisions = new List<(TimeSpan, BalancerDecisionEventArgs)>();
        var evaluated = new List<BalancerDecisionEventArgs>();
        using var balancer = balance ? new QueueBalancer(nic, s_options, time) : null;
        if (balancer is not null)
        {
            balancer.Decided += (_, e) => decisions.Add((e.Time - start, e));
            balancer.Start();
        }

        var burst = new RxDescriptor[DrainPerTick];
        var wire = new byte[FramesPerTick][];
        long[] steadyFrom = new long[4];
        int[] steadyTable = [];
        int next = 0;
        for (int tick = 0; tick < TrafficTicks + QuietTicks; tick++)
        {
            if (tick < TrafficTicks)
            {
                for (int i = 0; i < wire.Length; i++)
                {
                    wire[i] = s_flows[next++ % Flows];
                }

                nic.ReceiveBurst(wire);
            }

            for (int queue = 0; queue < nic.QueuesPerPool; queue++)
            {
                int n = vm.ReceiveFromQueue(queue, burst);
                vm.Release(burst.AsSpan(0, n));
            }

            if (tick == TrafficTicks / 2)
            {
                var half = nic.Snapshot();
                steadyFrom = Enumerable.Range(0, 4).Select(q => half.Queue(Web, q).Enqueued).ToArray();
                steadyTable = rules.GetRedirectionTable(Web).Distinct().Select(q => (int)q).Order().ToArray();
            }

            if (tick == TrafficTicks - 1)
            {
                var end = nic.Snapshot();
                steadyFrom = Enumerable.Range(0, 4).Select(q => end.Queue(Web, q).Enqueued - steadyFrom[q]).ToArray();
            }

            time.Advance(s_tick);
        }

        // What Evaluate returns is what Decided raised: one more sample now (nothing is due) returns none.
        if (balancer is not null)
        {
            evaluated.AddRange(balancer.Evaluate());
        }

        listener.RecordObservableInstruments();
        var snapshot = nic.Snapshot();
        Assert.True(snapshot.IsBalanced, snapshot.ToString());
        Assert.Equal(0, snapshot.Buffers.Violations);
        return new Run(
            snapshot.Pools[Web].Drops.RingFull,
            Enumerable.Range(0, 4).Select(q => snapshot.Queue(Web, q).Enqueued).ToArray(),
            steadyFrom,
            decisions,
            evaluated,
            metric,
            nic.GetQueues(Web),
            rules.GetRedirectionTable(Web),
            steadyTable);
    }

    [Fact]
    public void TheBalancerSpreadsAnOverloadedPoolAndDropsFarFewerFrames()
    {
        var without = Drive(balance: false);
        var with = Drive(balance: true);

        output.WriteLine($"without the balancer: {without.TrafficDrops} ring-full drops, enqueued per queue {string.Join(" / ", without.Enqueued)}");
        output.WriteLine($"with the balancer:    {with.TrafficDrops} ring-full drops, enqueued per queue {string.Join(" / ", with.Enqueued)} (second half: {string.Join(" / ", with.SteadyEnqueued)})");
        foreach (var (at, decision) in with.Decisions)
        {
            output.WriteLine($"  {at.TotalMilliseconds,5} ms  {decision}");
        }

        // Without: every flow on queue 0, which drains a third of them; the rest are ring-full drops.
        Assert.Equal(with.Enqueued.Sum() + with.TrafficDrops, without.Enqueued.Sum() + without.TrafficDrops);
        Assert.True(without.TrafficDrops > TrafficTicks * (FramesPerTick - DrainPerTick) * 9 / 10, $"without: {without.TrafficDrops} drops");
        Assert.Equal(new[] { without.Enqueued[0], 0L, 0L, 0L }, without.Enqueued);

        // With: drops only while it grows, then the four queues carry the load between them.
        Assert.True(with.TrafficDrops * 10 < without.TrafficDrops, $"with {with.TrafficDrops} vs without {without.TrafficDrops} drops");
        Assert.Equal([0, 1, 2, 3], with.SteadyTable);
        long steady = with.SteadyEnqueued.Sum();
        Assert.True(steady > 0);
        Assert.All(with.SteadyEnqueued, q => Assert.InRange(q * 100 / steady, 15, 35));
    }

    [Fact]
    public void DecisionsRespectTheDwellTimeAndShrinkOnlyOnceIdle()
    {
        var run = Drive(balance: true);
        var d = run.Decisions;
        int[][] sets = [[0], [0, 1], [0, 1, 2], [0, 1, 2, 3], [0, 1, 2], [0, 1], [0]];
        Assert.Equal(6, d.Count);
        for (int i = 0; i < d.Count; i++)
        {
            Assert.Equal(Web, d[i].Decision.Pool);
            Assert.Equal("web", d[i].Decision.PoolName);
            Assert.Equal(sets[i], d[i].Decision.OldQueues);
            Assert.Equal(sets[i + 1], d[i].Decision.NewQueues);
            Assert.Equal(i < 3 ? BalancerAction.Grow : BalancerAction.Shrink, d[i].Decision.Action);
        }

        // Grows: at the first sample (queue 0 full), then each as soon as the dwell time allows, the pool still dropping.
        Assert.Equal(new double[] { 40, 240, 440 }, d.Take(3).Select(x => x.At.TotalMilliseconds));
        Assert.All(d.Take(3), x => Assert.True(x.Decision.RingFullDrops > 0 || x.Decision.PeakOccupancy >= 128, x.Decision.ToString()));
        Assert.Equal(0, d[0].Decision.PeakQueue);
        Assert.Equal(256 - DrainPerTick, d[0].Decision.PeakOccupancy);   // full, then drained once before the sample
        Assert.Equal(256, d[0].Decision.Capacity);
        Assert.Equal(4 * FramesPerTick, d[0].Decision.ArrivedFrames);
        Assert.Equal(TimeSpan.FromMilliseconds(40), d[0].Decision.Sampled);
        Assert.Equal(4 * FramesPerTick / 0.040, d[0].Decision.ArrivalRate, 6);
        Assert.Contains("queue 0 at 224/256", d[0].Decision.ToString(), StringComparison.Ordinal);

        // No shrink while the flows keep coming (the four queues carry them, their rings near empty: the hysteresis);
        // once they stop (6000 ms; the first quiet sample is at 6040), a queue goes back per idle dwell time.
        Assert.Equal(new double[] { 6240, 6480, 6720 }, d.Skip(3).Select(x => x.At.TotalMilliseconds));
        Assert.All(d.Skip(3), x => Assert.Equal((0, 0L, 0L), (x.Decision.CongestionEvents, x.Decision.RingFullDrops, x.Decision.ArrivedFrames)));
        Assert.All(d.Skip(3), x => Assert.True(x.Decision.GrowRate > 0));
        Assert.Contains("idle", d[3].Decision.Reason, StringComparison.Ordinal);

        // Where it ends: the RETA names queue 0 only, the NIC binds queue 0 only; nothing more was due.
        Assert.Equal([0], run.FinalQueues);
        Assert.All(run.FinalTable, q => Assert.Equal(0, q));
        Assert.Empty(run.Evaluated);

        // The Vmdq.Nic meter counted each decision by kind.
        Assert.Equal(3, run.Metric["decision=grow,pool=web"]);
        Assert.Equal(3, run.Metric["decision=shrink,pool=web"]);
        Assert.Equal(2, run.Metric.Count);
    }

    [Fact]
    public void AGeneratedDispatchersInfoCarriesItsRedirectionTables()
    {
        Assert.NotNull(BalancerDispatcher.Info.Redirection);
        using var nic = new NicEmulator(BalancerDispatcher.Info);
        var time = new FakeTimeProvider();
        BalancerDispatcher.SetRedirectionTable(Web, new byte[Verdict.RetaSize]);
        using var balancer = new QueueBalancer(nic, new QueueBalancerOptions { DwellTime = TimeSpan.Zero }, time);
        Assert.Equal([Web], balancer.Pools);
        Assert.Equal([0], balancer.ActiveQueues(Web));

        nic.ReceiveBurst(s_flows.Take(300).ToArray());               // more than queue 0's ring holds
        time.Advance(TimeSpan.FromMilliseconds(100));                 // not started: no sample
        var decision = Assert.Single(balancer.Evaluate());
        Assert.Equal(BalancerAction.Grow, decision.Action);
        Assert.Equal(300 - 256, decision.RingFullDrops);
        Assert.Equal(TimeSpan.FromMilliseconds(100), decision.Sampled);

        // The table the generated Classify reads names both queues now, and its flows land on both.
        Assert.Equal([0, 1], BalancerDispatcher.GetRedirectionTable(Web).Distinct().Select(q => (int)q).Order());
        Assert.Equal([0, 1], nic.GetQueues(Web));
        TestNic.DrainAll(nic);
        nic.ReceiveBurst(s_flows.Take(200).ToArray());
        var snapshot = nic.Snapshot();
        Assert.InRange(snapshot.Queue(Web, 1).Occupancy, 50, 150);
        Assert.Equal(200, snapshot.Queue(Web, 0).Occupancy + snapshot.Queue(Web, 1).Occupancy);
        TestNic.DrainAll(nic);
    }

    [Fact]
    public void ItRefusesWhatItCannotBalance()
    {
        using var handBuilt = TestNic.Create();
        Assert.Contains("no RSS redirection tables", Assert.Throws<InvalidOperationException>(() => new QueueBalancer(handBuilt)).Message, StringComparison.Ordinal);

        var rules = RuntimeDispatcher.Load(Rules, "balancer.vmdq").Dispatcher!;
        using var nic = new NicEmulator(rules.Info);
        Assert.Throws<ArgumentException>(() => new QueueBalancer(nic, new QueueBalancerOptions { Pools = [0] }));      // host is not rss
        Assert.Throws<ArgumentException>(() => new QueueBalancer(nic, new QueueBalancerOptions { Pools = [1, 1] }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new QueueBalancer(nic, new QueueBalancerOptions { GrowOccupancy = 0.2, ShrinkOccupancy = 0.2 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new QueueBalancer(nic, new QueueBalancerOptions { Interval = TimeSpan.Zero }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new QueueBalancer(nic, new QueueBalancerOptions { MinQueues = 0 }));
        using var balancer = new QueueBalancer(nic);
        Assert.Throws<ArgumentException>(() => balancer.ActiveQueues(0));
    }

    [Fact]
    public void ItStartsFromTheQueuesTheTableNamesAndCountsCongestionOnActiveQueues()
    {
        var rules = RuntimeDispatcher.Load(Rules, "balancer.vmdq").Dispatcher!;
        using var nic = new NicEmulator(rules.Info);
        var time = new FakeTimeProvider();
        using var balancer = new QueueBalancer(nic, new QueueBalancerOptions { DwellTime = TimeSpan.Zero, GrowOccupancy = 1.0, GrowStep = 2 }, time);
        Assert.Equal([0, 1, 2, 3], balancer.ActiveQueues(Web));      // the default table: round robin over all four

        rules.SetRedirectionTable(Web, new byte[Verdict.RetaSize]);
        using var one = new QueueBalancer(nic, new QueueBalancerOptions { DwellTime = TimeSpan.Zero, GrowOccupancy = 1.0, GrowStep = 2 }, time);
        Assert.Equal([0], one.ActiveQueues(Web));

        // 210 frames on queue 0: past the high watermark (80% of 256), under a full ring and the grow occupancy (100%):
        // the congestion event alone makes it grow, by two queues.
        nic.ReceiveBurst(s_flows.Take(210).ToArray());
        time.Advance(TimeSpan.FromMilliseconds(10));
        var decision = Assert.Single(one.Evaluate());
        Assert.Equal((1, 0L), (decision.CongestionEvents, decision.RingFullDrops));
        Assert.Equal([0, 1, 2], decision.NewQueues);
        TestNic.DrainAll(nic);
    }
}
