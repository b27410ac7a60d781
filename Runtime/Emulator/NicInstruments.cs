using System;
using System.Collections.Generic;
using System.Diagnostics.Metrics;

namespace Vmdq.Toolkit.Emulator;

/// <summary>The <c>Vmdq.Nic</c> meter of one NIC and its instruments (names in <see cref="NicMetrics"/>).</summary>
internal sealed class NicInstruments : IDisposable
{
    private readonly Meter _meter;
    private readonly Counter<long> _portFrames;
    private readonly Counter<long> _rxFrames;
    private readonly Counter<long> _rxBytes;
    private readonly Counter<long> _rxDrops;
    private readonly Counter<long> _deliveredFrames;
    private readonly Counter<long> _deliveredBytes;
    private readonly Counter<long> _txFrames;
    private readonly Counter<long> _txBytes;
    private readonly Counter<long> _txDrops;
    private readonly Counter<long> _txSwitched;
    private readonly Counter<long> _balancerDecisions;
    private readonly KeyValuePair<string, object?>[] _reasonTags;
    private readonly KeyValuePair<string, object?>[] _txReasonTags;
    private readonly KeyValuePair<string, object?> _macCheckTag;
    private readonly KeyValuePair<string, object?> _vlanCheckTag;

    public NicInstruments(string nicName, RxQueue[] queues, TxQueue[] txQueues, BufferPool buffers, Func<double> wireUtilization, Func<Measurement<int>[]> poolQueues)
    {
        _meter = new Meter(new MeterOptions(NicMetrics.MeterName)
        {
            Version = "1.0",
            Tags = [new KeyValuePair<string, object?>(NicMetrics.NicTag, nicName)],
        });
        _portFrames = _meter.CreateCounter<long>(NicMetrics.PortFrames, "{frame}", "Frames that arrived at the port, before classification.");
        _rxFrames = _meter.CreateCounter<long>(NicMetrics.RxFrames, "{frame}", "Descriptors enqueued on an RX queue.");
        _rxBytes = _meter.CreateCounter<long>(NicMetrics.RxBytes, "By", "Bytes of the frames enqueued on an RX queue.");
        _rxDrops = _meter.CreateCounter<long>(NicMetrics.RxDrops, "{frame}", "Frames or replicas dropped, by reason.");
        _deliveredFrames = _meter.CreateCounter<long>(NicMetrics.DeliveredFrames, "{frame}", "Descriptors consumers dequeued.");
        _deliveredBytes = _meter.CreateCounter<long>(NicMetrics.DeliveredBytes, "By", "Bytes of the frames consumers dequeued.");
        _meter.CreateObservableGauge(NicMetrics.RingOccupancy, () => PerQueue(queues, static q => q.Ring.Count), "{descriptor}", "Descriptors waiting in an RX ring.");
        _meter.CreateObservableGauge(NicMetrics.RingCongested, () => PerQueue(queues, static q => q.IsCongested ? 1 : 0), "1", "1 while an RX ring is congested.");
        _txFrames = _meter.CreateCounter<long>(NicMetrics.TxFrames, "{frame}", "Frames that left on the wire from a TX queue.");
        _txBytes = _meter.CreateCounter<long>(NicMetrics.TxBytes, "By", "Bytes (as posted) of the frames that left on the wire from a TX queue.");
        _txDrops = _meter.CreateCounter<long>(NicMetrics.TxDrops, "{frame}", "Frames posted for transmit and dropped, by reason.");
        _txSwitched = _meter.CreateCounter<long>(NicMetrics.TxSwitched, "{frame}", "Frames a TX queue sent that the NIC's switch delivered to local pools without the wire.");
        _meter.CreateObservableGauge(NicMetrics.TxRingOccupancy, () => PerTxQueue(txQueues), "{descriptor}", "Descriptors waiting in a TX ring for the wire.");
        _meter.CreateObservableGauge(NicMetrics.WireUtilization, wireUtilization, "1", "Share of the wire's simulated time spent sending.");
        _meter.CreateObservableGauge(NicMetrics.BuffersFree, () => buffers.FreeCount, "{buffer}", "Buffers on the free list.");
        _meter.CreateObservableGauge(NicMetrics.BuffersInUse, () => buffers.BufferCount - buffers.FreeCount, "{buffer}", "Buffers in rings or held by consumers.");
        _meter.CreateObservableGauge(NicMetrics.PoolQueues, poolQueues, "{queue}", "Queues in a pool's current queue set.");
        _balancerDecisions = _meter.CreateCounter<long>(NicMetrics.BalancerDecisions, "{decision}", "Queue balancer decisions: a pool's queue set grown or shrunk.");
        _reasonTags = new KeyValuePair<string, object?>[DropCounts.ReasonCount];
        for (int i = 0; i < _reasonTags.Length; i++)
        {
            _reasonTags[i] = new KeyValuePair<string, object?>(NicMetrics.ReasonTag, NicMetrics.ReasonName((DropReason)i));
        }

        _txReasonTags = new KeyValuePair<string, object?>[TxDropCounts.ReasonCount];
        for (int i = 0; i < _txReasonTags.Length; i++)
        {
            _txReasonTags[i] = new KeyValuePair<string, object?>(NicMetrics.ReasonTag, NicMetrics.ReasonName((TxDropReason)i));
        }

        _macCheckTag = new KeyValuePair<string, object?>(NicMetrics.CheckTag, NicMetrics.CheckName(AntiSpoofChecks.Mac));
        _vlanCheckTag = new KeyValuePair<string, object?>(NicMetrics.CheckTag, NicMetrics.CheckName(AntiSpoofChecks.Vlan));
    }

    public void PortFrames(long frames)
    {
        if (_portFrames.Enabled && frames != 0)
        {
            _portFrames.Add(frames);
        }
    }

    public void Enqueued(RxQueue queue, long frames, long bytes)
    {
        if (_rxFrames.Enabled && frames != 0)
        {
            _rxFrames.Add(frames, queue.PoolTag, queue.QueueTag);
        }

        if (_rxBytes.Enabled && bytes != 0)
        {
            _rxBytes.Add(bytes, queue.PoolTag, queue.QueueTag);
        }
    }

    public void Dropped(DropReason reason, long frames)
    {
        if (_rxDrops.Enabled && frames != 0)
        {
            _rxDrops.Add(frames, _reasonTags[(int)reason]);
        }
    }

    public void RingFull(RxQueue queue, long frames)
    {
        if (_rxDrops.Enabled && frames != 0)
        {
            _rxDrops.Add(frames, _reasonTags[(int)DropReason.RingFull], queue.PoolTag, queue.QueueTag);
        }
    }

    public void Delivered(RxQueue queue, long frames, long bytes)
    {
        if (_deliveredFrames.Enabled && frames != 0)
        {
            _deliveredFrames.Add(frames, queue.PoolTag, queue.QueueTag);
        }

        if (_deliveredBytes.Enabled && bytes != 0)
        {
            _deliveredBytes.Add(bytes, queue.PoolTag, queue.QueueTag);
        }
    }

    public void Transmitted(TxQueue queue, long frames, long bytes)
    {
        if (_txFrames.Enabled && frames != 0)
        {
            _txFrames.Add(frames, queue.PoolTag, queue.QueueTag);
        }

        if (_txBytes.Enabled && bytes != 0)
        {
            _txBytes.Add(bytes, queue.PoolTag, queue.QueueTag);
        }
    }

    public void TxDropped(TxQueue queue, TxDropReason reason, long frames)
    {
        if (_txDrops.Enabled && frames != 0)
        {
            if (reason is TxDropReason.MacSpoof or TxDropReason.VlanSpoof)
            {
                var check = reason == TxDropReason.MacSpoof ? _macCheckTag : _vlanCheckTag;
                _txDrops.Add(frames, _txReasonTags[(int)reason], queue.PoolTag, queue.QueueTag, check);
            }
            else
            {
                _txDrops.Add(frames, _txReasonTags[(int)reason], queue.PoolTag, queue.QueueTag);
            }
        }
    }

    public void TxSwitched(TxQueue queue, long frames)
    {
        if (_txSwitched.Enabled && frames != 0)
        {
            _txSwitched.Add(frames, queue.PoolTag, queue.QueueTag);
        }
    }

    public void TxDropped(TxDropReason reason, long frames)
    {
        if (_txDrops.Enabled && frames != 0)
        {
            _txDrops.Add(frames, _txReasonTags[(int)reason]);
        }
    }

    public void BalancerDecided(string poolName, BalancerAction action)
    {
        if (_balancerDecisions.Enabled)
        {
            _balancerDecisions.Add(1, new KeyValuePair<string, object?>(NicMetrics.PoolTag, poolName), new KeyValuePair<string, object?>(NicMetrics.DecisionTag, NicMetrics.DecisionName(action)));
        }
    }

    public void Dispose() => _meter.Dispose();

    private static Measurement<int>[] PerQueue(RxQueue[] queues, Func<RxQueue, int> figure)
    {
        var measurements = new Measurement<int>[queues.Length];
        for (int i = 0; i < queues.Length; i++)
        {
            measurements[i] = new Measurement<int>(figure(queues[i]), queues[i].Tags);
        }

        return measurements;
    }

    private static Measurement<int>[] PerTxQueue(TxQueue[] queues)
    {
        var measurements = new Measurement<int>[queues.Length];
        for (int i = 0; i < queues.Length; i++)
        {
            measurements[i] = new Measurement<int>(queues[i].Pending.Count, queues[i].Tags);
        }

        return measurements;
    }
}
