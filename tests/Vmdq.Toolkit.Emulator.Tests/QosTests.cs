using System;
using System.Collections.Generic;
using System.Linq;

namespace Vmdq.Toolkit.Emulator.Tests;

/// <summary>
/// Transmit QoS (IEEE 802.1Qaz) measured on the simulated clock: ETS shares of wire time, work conservation, strict
/// priority's queueing delay, and the per-pool rate limit. Every pool's VM keeps its TX ring topped up at each step.
/// </summary>
public class QosTests
{
    private const long PsPerSecond = EthernetWire.PicosecondsPerSecond;

    private const string Classes = """
        nic pools 4 queues 1 ring 1024
        pool gold   1 priority 2
        pool silver 2 priority 1
        pool bronze 3 priority 0
        class bronze tc 0 ets 20%
        class silver tc 1 ets 30%
        class gold   tc 2 ets 50%
        mac 02:00:00:00:00:01 -> gold
        mac 02:00:00:00:00:02 -> silver
        mac 02:00:00:00:00:03 -> bronze
        """;

    /// <summary>A NIC from rules text with a VM on every pool, a sink that counts wire bytes per pool, and sequence-to-post-time books.</summary>
    private sealed class Host : ITransmitSink, IDisposable
    {
        private readonly Dictionary<long, long>[] _posted;

        /// <summary>The low byte of a destination MAC (02:00:00:00:00:ee) that no rule of these tests names.</summary>
        private const byte UplinkOnly = 0xEE;

        public Host(string rules)
        {
            // These tests measure the scheduler: the frames they send carry test source MACs, so the MAC anti-spoofing
            // a pool with 'mac' rules has by default is turned off on every pool.
            rules = string.Join("\n", rules.Split('\n').Select(l => l.TrimStart().StartsWith("pool ", StringComparison.Ordinal) ? l + " antispoof none" : l));
            var loaded = RuntimeDispatcher.Load(rules, "qos.vmdq");
            Assert.True(loaded.Dispatcher is not null, string.Join("\n", loaded.Diagnostics));
            Nic = new NicEmulator(loaded.Dispatcher!.Info);
            Nic.WireSink = this;
            Vms = Enumerable.Range(0, Nic.PoolCount).Select(p => Nic.AttachVm($"vm{p}", p)).ToArray();
            WireBytes = new long[Nic.PoolCount];
            Delays = Enumerable.Range(0, Nic.PoolCount).Select(_ => new List<long>()).ToArray();
            _posted = Enumerable.Range(0, Nic.PoolCount).Select(_ => new Dictionary<long, long>()).ToArray();
            NextSequence = new long[Nic.PoolCount];
        }

        public NicEmulator Nic { get; }

        public VmConsumer[] Vms { get; }

        /// <summary>Wire bytes each pool sent since the last <see cref="Reset"/>.</summary>
        public long[] WireBytes { get; }

        /// <summary>Per pool, completion time minus post time of each frame, in picoseconds.</summary>
        public List<long>[] Delays { get; }

        private long[] NextSequence { get; }

        public void Deliver(in TransmittedFrame frame) => WireBytes[frame.Pool] += frame.WireBytes;

        public void Flush()
        {
        }

        public void Reset() => Array.Clear(WireBytes);

        public void Dispose() => Nic.Dispose();

        /// <summary>Posts up to <paramref name="count"/> frames on the pool's queue 0 (as many as its ring has room for).</summary>
        public void Post(int pool, int count, int length)
        {
            var vm = Vms[pool];
            var burst = new TxFrame[32];
            count = Math.Min(count, Nic.RingSize - _posted[pool].Count);
            long now = Nic.WireClockPicoseconds;
            while (count > 0)
            {
                int n = 0;
                while (n < Math.Min(count, burst.Length) && vm.TryRentTxBuffer(out int buffer))
                {
                    // To an address no rule names: unknown unicast, which the NIC's switch (VEB) sends to the uplink.
                    TestNic.Write(vm.GetTxBuffer(buffer).Slice(0, length), UplinkOnly, NextSequence[pool] + n, 0);
                    burst[n++] = new TxFrame(buffer, length, false);
                }

                int posted = vm.TransmitBurst(0, burst.AsSpan(0, n));
                for (int i = 0; i < posted; i++)
                {
                    _posted[pool][NextSequence[pool]++] = now;
                }

                count -= n;
                if (posted < n || n == 0)
                {
                    return;
                }
            }
        }

        /// <summary>Keeps the rings of <paramref name="flooding"/> pools full, advances the wire by <paramref name="step"/> until <paramref name="duration"/> has passed.</summary>
        public void Run(TimeSpan duration, TimeSpan step, int[] flooding, int length = 1514, Action? eachStep = null)
        {
            long end = Nic.WireClockPicoseconds + EthernetWire.ToPicoseconds(duration);
            var completions = new TxCompletion[256];
            while (Nic.WireClockPicoseconds < end)
            {
                foreach (int pool in flooding)
                {
                    Post(pool, Nic.RingSize, length);
                }

                eachStep?.Invoke();
                Nic.AdvanceWire(step);
                for (int pool = 0; pool < Vms.Length; pool++)
                {
                    int n;
                    while ((n = Vms[pool].PollCompletions(completions)) > 0)
                    {
                        foreach (var c in completions.AsSpan(0, n))
                        {
                            Delays[pool].Add(c.EndPicoseconds - _posted[pool][c.Sequence]);
                            _posted[pool].Remove(c.Sequence);
                        }
                    }
                }
            }
        }

        public double Share(int pool) => (double)WireBytes[pool] / WireBytes.Sum();
    }

    [Fact]
    public void Rules_with_classes_get_the_ets_scheduler_and_rules_without_keep_round_robin()
    {
        using var host = new Host(Classes);
        var ets = Assert.IsType<EtsScheduler>(host.Nic.Scheduler);
        Assert.Equal(new[] { 0, 2, 1, 0 }, Enumerable.Range(0, 4).Select(ets.TrafficClassOf).ToArray());

        using var plain = new Host("nic pools 4 queues 1\npool web 1\nmac 02:00:00:00:00:01 -> web\n");
        Assert.IsType<RoundRobinScheduler>(plain.Nic.Scheduler);
    }

    [Fact]
    public void With_every_class_backlogged_each_gets_its_ets_share_of_wire_time_within_2_points()
    {
        using var host = new Host(Classes);
        host.Run(TimeSpan.FromMilliseconds(50), TimeSpan.FromMicroseconds(100), flooding: [1, 2, 3]);

        // Measured: 50.0 / 30.0 / 20.0 % (each within 0.1 point).
        Assert.InRange(host.Share(1), 0.48, 0.52);
        Assert.InRange(host.Share(2), 0.28, 0.32);
        Assert.InRange(host.Share(3), 0.18, 0.22);
        Assert.Equal(1.0, host.Nic.Snapshot().Transmit.Utilization, 3);
    }

    [Fact]
    public void Frames_of_mixed_sizes_still_share_wire_time_not_frames()
    {
        // Gold sends minimum frames, silver and bronze full ones: DRR counts wire bytes, so gold still gets half the time.
        using var host = new Host(Classes);
        host.Run(TimeSpan.FromMilliseconds(20), TimeSpan.FromMicroseconds(20), flooding: [2, 3], eachStep: () => host.Post(1, host.Nic.RingSize, 60));
        Assert.InRange(host.Share(1), 0.48, 0.52);
        Assert.InRange(host.Share(2), 0.28, 0.32);
    }

    [Fact]
    public void An_idle_class_share_goes_to_the_others_in_proportion_and_the_wire_stays_busy()
    {
        using var host = new Host(Classes);
        host.Run(TimeSpan.FromMilliseconds(50), TimeSpan.FromMicroseconds(100), flooding: [1, 2]);

        // Bronze's 20% is redistributed 50:30: gold 62.5%, silver 37.5% (measured 62.5 / 37.5).
        Assert.InRange(host.Share(1), 0.605, 0.645);
        Assert.InRange(host.Share(2), 0.355, 0.395);
        Assert.Equal(0, host.WireBytes[3]);
        Assert.Equal(1.0, host.Nic.Snapshot().Transmit.Utilization, 3);
    }

    [Fact]
    public void Pools_within_a_class_share_it_by_their_bandwidth_and_the_rest_equally()
    {
        // One default class (no class statement): a 40% pool, and two pools that split the other 60%.
        using var host = new Host("""
            nic pools 3 queues 1 ring 1024
            pool storage 0 bandwidth 40%
            pool web 1
            pool analytics 2
            mac 02:00:00:00:00:01 -> web
            mac 02:00:00:00:00:02 -> analytics
            """);
        host.Run(TimeSpan.FromMilliseconds(50), TimeSpan.FromMicroseconds(100), flooding: [0, 1, 2]);
        Assert.InRange(host.Share(0), 0.38, 0.42);
        Assert.InRange(host.Share(1), 0.28, 0.32);
        Assert.InRange(host.Share(2), 0.28, 0.32);
    }

    [Fact]
    public void A_strict_priority_class_waits_less_than_the_ets_classes()
    {
        using var host = new Host(Classes.Replace("nic pools 4", "nic pools 5") + "\npool voice 4 priority 6\nclass voice tc 6 strict\nmac 02:00:00:00:00:04 -> voice\n");
        long t = 0;
        host.Run(TimeSpan.FromMilliseconds(20), TimeSpan.FromMicroseconds(10), flooding: [1, 2, 3], eachStep: () =>
        {
            // A light voice flow: a 200-byte frame every 50 us.
            if (t++ % 5 == 0)
            {
                host.Post(4, 1, 200);
            }
        });

        double voice = host.Delays[4].Average(), gold = host.Delays[1].Average();
        Assert.True(host.Delays[4].Count >= 390, $"{host.Delays[4].Count} voice frames");

        // A voice frame waits at most for the full-size frame on the wire (1.2304 us) and then takes its own 0.1792 us.
        Assert.True(host.Delays[4].Max() <= 1_230_400 + 179_200, $"voice max {host.Delays[4].Max()} ps");
        Assert.True(voice * 100 < gold, $"voice {voice} ps, gold {gold} ps");
    }

    [Fact]
    public void A_rate_limited_pool_alone_sends_within_1_percent_of_its_rate_over_a_simulated_second_and_the_wire_idles()
    {
        using var host = new Host(Classes.Replace("pool gold   1 priority 2", "pool gold   1 priority 2 rate 2.5Gbps"));
        host.Run(TimeSpan.FromSeconds(1), TimeSpan.FromMicroseconds(500), flooding: [1]);

        double bitsPerSecond = host.WireBytes[1] * 8.0 * PsPerSecond / host.Nic.WireClockPicoseconds;
        Assert.InRange(bitsPerSecond, 2.475e9, 2.525e9);
        Assert.InRange(host.Nic.Snapshot().Transmit.Utilization, 0.2475, 0.2525);
    }

    [Fact]
    public void A_rate_limited_pool_keeps_its_rate_while_the_others_take_the_rest_of_the_wire()
    {
        using var host = new Host(Classes.Replace("pool gold   1 priority 2", "pool gold   1 priority 2 rate 2.5Gbps"));
        host.Run(TimeSpan.FromSeconds(1), TimeSpan.FromMicroseconds(500), flooding: [1, 2, 3]);

        double gold = host.WireBytes[1] * 8.0 * PsPerSecond / host.Nic.WireClockPicoseconds;
        Assert.InRange(gold, 2.475e9, 2.525e9);

        // Gold's unused half of its share goes to silver and bronze, 30:20; the wire stays full.
        Assert.InRange(host.Share(2), 0.75 * 0.6 - 0.02, (0.75 * 0.6) + 0.02);
        Assert.Equal(1.0, host.Nic.Snapshot().Transmit.Utilization, 3);
    }

    [Fact]
    public void Draining_a_rate_limited_queue_moves_the_clock_through_the_idle_time_it_needs()
    {
        using var host = new Host("nic pools 2 queues 1 ring 1024\npool web 1 rate 100Mbps\nmac 02:00:00:00:00:01 -> web\n");
        host.Post(1, 100, 1514);
        Assert.Equal(100, host.Nic.DrainWire());

        // A 1538-byte frame is 123.04 us at 100 Mb/s. Frame 1 goes at 0; the bucket's 100 us of tolerance lets frame k
        // start at (k - 1) x 123.04 us - 100 us; frame 100 then takes 1.2304 us of the 10 Gb/s wire.
        Assert.Equal((99 * 123_040_000L) - 100_000_000 + 1_230_400, host.Nic.WireClockPicoseconds);
    }

    [Fact]
    public void A_pool_in_no_class_sends_only_when_every_class_is_idle()
    {
        // Priority 5 is in no class: pool other transmits only in the gaps.
        using var host = new Host(Classes.Replace("nic pools 4", "nic pools 5") + "\npool other 4 priority 5\nmac 02:00:00:00:00:04 -> other\n");
        Assert.Equal(-1, ((EtsScheduler)host.Nic.Scheduler).TrafficClassOf(4));
        host.Run(TimeSpan.FromMilliseconds(5), TimeSpan.FromMicroseconds(100), flooding: [1, 4]);
        Assert.Equal(0, host.WireBytes[4]);
        host.Reset();
        host.Run(TimeSpan.FromMilliseconds(5), TimeSpan.FromMicroseconds(100), flooding: [4]);
        Assert.True(host.WireBytes[4] > 0);
    }
}
