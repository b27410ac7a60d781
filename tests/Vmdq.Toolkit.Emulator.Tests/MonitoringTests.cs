using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics.Metrics;
using System.Linq;
using Vmdq.Toolkit.Emulator;

namespace Vmdq.Toolkit.Emulator.Tests;

public class MonitoringTests
{
    private sealed record Recorded(string Instrument, long Value, Dictionary<string, object?> Tags)
    {
        public bool Has(string tag, object value) => Tags.TryGetValue(tag, out var v) && Equals(v, value);
    }

    [Theory]
    [InlineData(null, new long[] { 256, 44 })]
    [InlineData(32, new long[] { 32, 32, 32, 32, 32, 32, 32, 32, 32, 12 })]
    public void A_long_burst_is_classified_in_chunks_of_MaxBurst_and_each_ring_is_published_once_per_chunk(int? maxBurst, long[] publishes)
    {
        // NicOptions.MaxBurst (DefaultMaxBurst when not set): 300 frames to one ring are published as the chunks they
        // were classified in, one rx.frames measurement per publish.
        string name = "chunks-" + Guid.NewGuid().ToString("N");
        var options = maxBurst is int n ? new NicOptions { Name = name, MaxBurst = n } : new NicOptions { Name = name };
        Assert.Equal(maxBurst ?? NicOptions.DefaultMaxBurst, options.MaxBurst);
        using var nic = TestNic.Create(ring: 512, options: options);
        var recorded = new ConcurrentQueue<long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == NicMetrics.RxFrames
                && instrument.Meter.Tags?.Any(t => t.Key == NicMetrics.NicTag && Equals(t.Value, name)) == true)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => recorded.Enqueue(value));
        listener.Start();

        var frames = TestNic.Numbered(300, TestNic.To(0, 1));

        Assert.Equal(300, nic.ReceiveBurst(frames));
        Assert.Equal(publishes, recorded.ToArray());
    }

    [Fact]
    public void A_meter_listener_sees_the_vmdq_nic_counters_and_gauges()
    {
        string name = "metrics-" + Guid.NewGuid().ToString("N");
        using var nic = TestNic.Create(ring: 4, options: new NicOptions { Name = name });
        var recorded = new ConcurrentQueue<Recorded>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            // Only this test's NIC: other tests run NICs in parallel.
            if (instrument.Meter.Name == NicMetrics.MeterName
                && instrument.Meter.Tags?.Any(t => t.Key == NicMetrics.NicTag && Equals(t.Value, name)) == true)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => recorded.Enqueue(new Recorded(instrument.Name, value, ToDictionary(tags))));
        listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => recorded.Enqueue(new Recorded(instrument.Name, value, ToDictionary(tags))));
        listener.Start();

        var frames = new List<byte[]>();
        for (int i = 0; i < 6; i++)
        {
            frames.Add(TestNic.Frame(TestNic.To(0, 1), sequence: i, length: 100));
        }

        frames.Add(new byte[5]);
        frames.Add(TestNic.Frame(TestNic.DropByte));
        nic.ReceiveBurst(frames.ToArray());
        var descriptors = new RxDescriptor[3];
        Assert.Equal(3, nic.ReceiveFromQueue(0, 1, descriptors));
        nic.Release(descriptors);
        listener.RecordObservableInstruments();

        long Sum(string instrument, Func<Recorded, bool>? where = null) =>
            recorded.Where(r => r.Instrument == instrument && (where is null || where(r))).Sum(r => r.Value);
        bool Queue01(Recorded r) => r.Has(NicMetrics.PoolTag, "pool0") && r.Has(NicMetrics.QueueTag, 1);

        Assert.Equal(8, Sum(NicMetrics.PortFrames));
        Assert.Equal(4, Sum(NicMetrics.RxFrames, Queue01));
        Assert.Equal(400, Sum(NicMetrics.RxBytes, Queue01));
        Assert.Equal(2, Sum(NicMetrics.RxDrops, r => r.Has(NicMetrics.ReasonTag, "ring_full") && Queue01(r)));
        Assert.Equal(1, Sum(NicMetrics.RxDrops, r => r.Has(NicMetrics.ReasonTag, "runt")));
        Assert.Equal(1, Sum(NicMetrics.RxDrops, r => r.Has(NicMetrics.ReasonTag, "rule_drop")));
        Assert.Equal(3, Sum(NicMetrics.DeliveredFrames, Queue01));
        Assert.Equal(300, Sum(NicMetrics.DeliveredBytes, Queue01));
        Assert.Equal(1, Sum(NicMetrics.RingOccupancy, Queue01));
        Assert.Equal(16, recorded.Count(r => r.Instrument == NicMetrics.RingOccupancy));
        Assert.Equal(0, Sum(NicMetrics.RingCongested, Queue01));
        Assert.Equal(16, recorded.Count(r => r.Instrument == NicMetrics.RingCongested));
        Assert.Equal(nic.Buffers.BufferCount - 1, Sum(NicMetrics.BuffersFree));
        Assert.Equal(1, Sum(NicMetrics.BuffersInUse));
    }

    [Fact]
    public void A_meter_listener_sees_the_transmit_counters_and_the_wire_utilization()
    {
        string name = "tx-metrics-" + Guid.NewGuid().ToString("N");
        using var nic = TestNic.Create(pools: 2, queues: 2, ring: 4, options: new NicOptions { Name = name });
        var recorded = new ConcurrentQueue<(string Instrument, double Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == NicMetrics.MeterName
                && instrument.Meter.Tags?.Any(t => t.Key == NicMetrics.NicTag && Equals(t.Value, name)) == true)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => recorded.Enqueue((instrument.Name, value, ToDictionary(tags))));
        listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => recorded.Enqueue((instrument.Name, value, ToDictionary(tags))));
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => recorded.Enqueue((instrument.Name, value, ToDictionary(tags))));
        listener.Start();

        var vm = nic.AttachVm("vm", 1);
        Assert.Equal(4, TransmitPathTests.Send(vm, 1, 6, length: 100));       // 2 ring-full
        vm.TransmitBurst(0, [TransmitPathTests.Write(vm, 1, length: 10)]);   // a runt
        nic.AdvanceWire(TimeSpan.FromTicks(1));                               // 100 ns: one 124-byte (99.2 ns) frame out, the next in flight
        listener.RecordObservableInstruments();
        nic.DrainWire();
        nic.AdvanceWire(TimeSpan.FromTicks(3));                               // idle for 300 ns
        var detached = nic.AttachVm("gone", 0);
        var frame = TransmitPathTests.Write(detached, 1);
        nic.DetachVm("gone");
        detached.TransmitBurst([frame]);
        listener.RecordObservableInstruments();

        static bool Has(Dictionary<string, object?> tags, string tag, object value) => tags.TryGetValue(tag, out var v) && Equals(v, value);
        static bool Pool1(Dictionary<string, object?> tags, int queue) => Has(tags, NicMetrics.PoolTag, "pool1") && Has(tags, NicMetrics.QueueTag, queue);
        double Sum(string instrument, Func<Dictionary<string, object?>, bool> where) =>
            recorded.Where(r => r.Instrument == instrument && where(r.Tags)).Sum(r => r.Value);
        double[] Values(string instrument, Func<Dictionary<string, object?>, bool> where) =>
            recorded.Where(r => r.Instrument == instrument && where(r.Tags)).Select(r => r.Value).ToArray();

        Assert.Equal(4, Sum(NicMetrics.TxFrames, t => Pool1(t, 1)));
        Assert.Equal(400, Sum(NicMetrics.TxBytes, t => Pool1(t, 1)));
        Assert.Equal(0, Sum(NicMetrics.TxFrames, t => Pool1(t, 0)));
        Assert.Equal(2, Sum(NicMetrics.TxDrops, t => Has(t, NicMetrics.ReasonTag, "ring_full") && Pool1(t, 1)));
        Assert.Equal(1, Sum(NicMetrics.TxDrops, t => Has(t, NicMetrics.ReasonTag, "runt") && Pool1(t, 0)));
        Assert.Equal(1, Sum(NicMetrics.TxDrops, t => Has(t, NicMetrics.ReasonTag, "not_attached") && !t.ContainsKey(NicMetrics.PoolTag)));

        // First collection: 2 waiting in queue (1, 1), the wire busy all 100 ns. Second: drained, then idle 300 ns.
        Assert.Equal([2, 0], Values(NicMetrics.TxRingOccupancy, t => Pool1(t, 1)));
        Assert.Equal(8, recorded.Count(r => r.Instrument == NicMetrics.TxRingOccupancy));
        var utilization = Values(NicMetrics.WireUtilization, _ => true);
        Assert.Equal(2, utilization.Length);
        Assert.Equal(1.0, utilization[0]);
        Assert.Equal(4 * 124 * 0.8 / ((4 * 124 * 0.8) + 300), utilization[1], precision: 12);
    }

    [Fact]
    public void The_meter_is_named_Vmdq_Nic()
    {
        Assert.Equal("Vmdq.Nic", NicMetrics.MeterName);
        string name = "published-" + Guid.NewGuid().ToString("N");
        var published = new ConcurrentQueue<string>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, _) =>
        {
            if (instrument.Meter.Name == "Vmdq.Nic" && instrument.Meter.Tags?.Any(t => Equals(t.Value, name)) == true)
            {
                published.Enqueue(instrument.Name);
            }
        };
        listener.Start();
        using var nic = TestNic.Create(options: new NicOptions { Name = name });
        Assert.Contains("vmdq.nic.rx.frames", published);
        Assert.Contains("vmdq.nic.rx.bytes", published);
        Assert.Contains("vmdq.nic.rx.drops", published);
        Assert.Contains("vmdq.nic.delivered.frames", published);
        Assert.Contains("vmdq.nic.ring.occupancy", published);
        Assert.Contains("vmdq.nic.tx.frames", published);
        Assert.Contains("vmdq.nic.tx.bytes", published);
        Assert.Contains("vmdq.nic.tx.drops", published);
        Assert.Contains("vmdq.nic.tx.ring.occupancy", published);
        Assert.Contains("vmdq.nic.wire.utilization", published);
    }

    /// <summary>
    /// The metric names and tag values are a public contract (dashboards and checks outside this repository read them), so
    /// they are pinned here as literals: a renamed constant fails this test, not just the listeners that use the constant.
    /// </summary>
    [Fact]
    public void Metric_names_and_tag_values_are_the_published_contract()
    {
        var names = typeof(NicMetrics).GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .ToDictionary(f => f.Name, f => (string)f.GetRawConstantValue()!);
        var expected = new Dictionary<string, string>
        {
            ["MeterName"] = "Vmdq.Nic",
            ["NicTag"] = "vmdq.nic",
            ["PoolTag"] = "pool",
            ["QueueTag"] = "queue",
            ["ReasonTag"] = "reason",
            ["CheckTag"] = "check",
            ["DecisionTag"] = "decision",
            ["PortFrames"] = "vmdq.nic.port.frames",
            ["RxFrames"] = "vmdq.nic.rx.frames",
            ["RxBytes"] = "vmdq.nic.rx.bytes",
            ["RxDrops"] = "vmdq.nic.rx.drops",
            ["DeliveredFrames"] = "vmdq.nic.delivered.frames",
            ["DeliveredBytes"] = "vmdq.nic.delivered.bytes",
            ["RingOccupancy"] = "vmdq.nic.ring.occupancy",
            ["RingCongested"] = "vmdq.nic.ring.congested",
            ["TxFrames"] = "vmdq.nic.tx.frames",
            ["TxBytes"] = "vmdq.nic.tx.bytes",
            ["TxDrops"] = "vmdq.nic.tx.drops",
            ["TxRingOccupancy"] = "vmdq.nic.tx.ring.occupancy",
            ["TxSwitched"] = "vmdq.nic.tx.switched",
            ["WireUtilization"] = "vmdq.nic.wire.utilization",
            ["BuffersFree"] = "vmdq.nic.buffers.free",
            ["BuffersInUse"] = "vmdq.nic.buffers.in_use",
            ["BalancerDecisions"] = "vmdq.nic.balancer.decisions",
            ["PoolQueues"] = "vmdq.nic.pool.queues",
        };
        Assert.Equal(expected.OrderBy(kv => kv.Key), names.OrderBy(kv => kv.Key));

        Assert.Equal(
            ["ring_full", "runt", "oversize", "not_attached", "spoof", "spoof", "rule_drop", "to_sender", "s_tag_spoof"],
            new[] { TxDropReason.RingFull, TxDropReason.Runt, TxDropReason.Oversize, TxDropReason.NotAttached, TxDropReason.MacSpoof, TxDropReason.VlanSpoof, TxDropReason.RuleDrop, TxDropReason.ToSender, TxDropReason.STagSpoof }
                .Select(NicMetrics.ReasonName));
        Assert.Equal(
            ["ring_full", "no_buffer", "rule_drop", "runt", "oversize", "invalid_verdict", "reflected"],
            new[] { DropReason.RingFull, DropReason.NoBuffer, DropReason.RuleDrop, DropReason.Runt, DropReason.Oversize, DropReason.InvalidVerdict, DropReason.Reflected }
                .Select(NicMetrics.ReasonName));
        Assert.Equal(["mac", "vlan"], new[] { AntiSpoofChecks.Mac, AntiSpoofChecks.Vlan }.Select(NicMetrics.CheckName));
        Assert.Equal(["grow", "shrink"], new[] { BalancerAction.Grow, BalancerAction.Shrink }.Select(NicMetrics.DecisionName));
    }

    [Fact]
    public void Congestion_is_raised_at_the_high_watermark_and_cleared_at_the_low_one_with_hysteresis()
    {
        using var nic = TestNic.Create(ring: 16, options: new NicOptions { HighWatermark = 0.75, LowWatermark = 0.25 });
        Assert.Equal((12, 4), (nic.HighWatermark, nic.LowWatermark));
        var events = new List<CongestionEventArgs>();
        nic.CongestionChanged += (_, e) => events.Add(e);
        var descriptors = new RxDescriptor[16];

        Send(nic, 11);
        Assert.Empty(events);
        Send(nic, 1);
        var congested = Assert.Single(events);
        Assert.True(congested.IsCongested);
        Assert.Equal((2, 1, 12, 16, 1L), (congested.Pool, congested.Queue, congested.Occupancy, congested.Capacity, congested.Transition));
        Assert.True(nic.Snapshot().Queue(2, 1).IsCongested);
        Assert.Equal(1, nic.Snapshot().Pools[2].CongestedQueues);

        // Above the low watermark: still congested, no new event either way.
        Send(nic, 3);
        Assert.Equal(6, nic.ReceiveFromQueue(2, 1, descriptors.AsSpan(0, 6)));
        nic.Release(descriptors.AsSpan(0, 6));
        Assert.Single(events);
        Assert.True(nic.Snapshot().Queue(2, 1).IsCongested);

        // Down to the low watermark: cleared.
        Assert.Equal(5, nic.ReceiveFromQueue(2, 1, descriptors.AsSpan(0, 5)));
        nic.Release(descriptors.AsSpan(0, 5));
        Assert.Equal(2, events.Count);
        Assert.False(events[1].IsCongested);
        Assert.Equal((4, 2L), (events[1].Occupancy, events[1].Transition));
        Assert.False(nic.Snapshot().Queue(2, 1).IsCongested);

        // Refilling to the high watermark raises it again.
        Send(nic, 8);
        Assert.Equal(3, events.Count);
        Assert.True(events[2].IsCongested);
        Assert.Equal(3L, events[2].Transition);
    }

    [Fact]
    public void The_snapshot_adds_queues_up_into_pools()
    {
        using var nic = TestNic.Create();
        nic.AttachVm("vm", 1);
        nic.ReceiveBurst([TestNic.Frame(TestNic.To(1, 0), length: 70), TestNic.Frame(TestNic.To(1, 3), length: 80), TestNic.Frame(TestNic.To(0, 0))]);
        var pool = nic.Snapshot().Pools[1];
        Assert.Equal(("pool1", "vm", 2L, 150L, 2), (pool.Name, pool.Vm, pool.Enqueued, pool.EnqueuedBytes, pool.Occupancy));
        Assert.Equal(new[] { 0, 1, 2, 3 }, pool.Queues);
    }

    private static void Send(NicEmulator nic, int count)
    {
        var frames = new byte[count][];
        for (int i = 0; i < count; i++)
        {
            frames[i] = TestNic.Frame(TestNic.To(2, 1));
        }

        nic.ReceiveBurst(frames);
    }

    private static Dictionary<string, object?> ToDictionary(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var dictionary = new Dictionary<string, object?>();
        foreach (var tag in tags)
        {
            dictionary[tag.Key] = tag.Value;
        }

        return dictionary;
    }
}
