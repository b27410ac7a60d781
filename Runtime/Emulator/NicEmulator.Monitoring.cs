using System;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using System.Threading;

namespace Vmdq.Toolkit.Emulator;

// Monitoring: congestion with hysteresis, snapshots, and the buffer conservation check.
public sealed partial class NicEmulator
{
    private readonly Lock _congestion = new();

    /// <summary>
    /// Raised when a ring's occupancy reaches the high watermark (<see cref="CongestionEventArgs.IsCongested"/> true)
    /// and when a congested ring falls to the low watermark or below (false). Raised on the thread that
    /// saw the change (the receive thread or a consumer), one event at a time, in order; a handler
    /// must be quick and must not call a receive method. An exception from it propagates to that thread
    /// once the NIC's state is consistent.
    /// </summary>
    public event EventHandler<CongestionEventArgs>? CongestionChanged;

    /// <summary>The occupancy at which a ring becomes congested.</summary>
    public int HighWatermark => _queues[0].HighMark;

    /// <summary>The occupancy at or below which a congested ring clears.</summary>
    public int LowWatermark => _queues[0].LowMark;

    /// <summary>The figures of every queue, every pool, the port and the buffers (any thread; exact when the NIC is idle).</summary>
    public NicSnapshot Snapshot()
    {
        BindingTable table = Volatile.Read(ref _bindings);
        int queuesPerPool = _info.QueuesPerPool;
        var queues = new QueueSnapshot[_queues.Length];
        var pools = new PoolSnapshot[_info.PoolCount];
        VmConsumer?[] vms;
        lock (_control)
        {
            vms = (VmConsumer?[])_vmByPool.Clone();
        }

        for (int pool = 0; pool < _info.PoolCount; pool++)
        {
            long enqueued = 0, enqueuedBytes = 0, dequeued = 0, dequeuedBytes = 0;
            int occupancy = 0, congested = 0;
            var drops = default(DropCounts);
            int[] set = table.QueueSets[pool];
            for (int queue = 0; queue < queuesPerPool; queue++)
            {
                RxQueue q = _queues[(pool * queuesPerPool) + queue];
                // Dequeued before enqueued, so a concurrent snapshot never shows more out than in.
                long outFrames = Volatile.Read(ref q.Counters.Dequeued);
                long outBytes = Volatile.Read(ref q.Counters.DequeuedBytes);
                var snapshot = new QueueSnapshot(
                    pool,
                    queue,
                    Volatile.Read(ref q.Counters.Enqueued),
                    Volatile.Read(ref q.Counters.EnqueuedBytes),
                    outFrames,
                    outBytes,
                    new DropCounts(Volatile.Read(ref q.Counters.RingFullDrops), 0, 0, 0, 0, 0),
                    q.Ring.Count,
                    q.Ring.Capacity,
                    q.IsCongested,
                    Array.IndexOf(set, queue) >= 0);
                queues[(pool * queuesPerPool) + queue] = snapshot;
                enqueued += snapshot.Enqueued;
                enqueuedBytes += snapshot.EnqueuedBytes;
                dequeued += snapshot.Dequeued;
                dequeuedBytes += snapshot.DequeuedBytes;
                drops += snapshot.Drops;
                occupancy += snapshot.Occupancy;
                congested += snapshot.IsCongested ? 1 : 0;
            }

            pools[pool] = new PoolSnapshot(
                pool, _info.PoolName(pool), vms[pool]?.Name, (int[])set.Clone(), enqueued, enqueuedBytes, dequeued, dequeuedBytes, drops, occupancy, congested);
        }

        var portDrops = new DropCounts(
            Volatile.Read(ref _portDrops[(int)DropReason.RingFull]),
            Volatile.Read(ref _portDrops[(int)DropReason.NoBuffer]),
            Volatile.Read(ref _portDrops[(int)DropReason.RuleDrop]),
            Volatile.Read(ref _portDrops[(int)DropReason.Runt]),
            Volatile.Read(ref _portDrops[(int)DropReason.Oversize]),
            Volatile.Read(ref _portDrops[(int)DropReason.InvalidVerdict]),
            Volatile.Read(ref _portDrops[(int)DropReason.Reflected]));
        return new NicSnapshot(
            Volatile.Read(ref _received),
            Volatile.Read(ref _receivedBytes),
            Volatile.Read(ref _replicaCopies),
            portDrops,
            queues,
            pools,
            CheckBuffers(),
            TransmitFigures());
    }

    private TransmitSnapshot TransmitFigures()
    {
        var queues = new TxQueueSnapshot[_txQueues.Length];
        for (int i = 0; i < queues.Length; i++)
        {
            TxQueue q = _txQueues[i];
            ref TxQueueCounters counters = ref q.Counters;

            // Downstream first (completed, then transmitted, then posted), so a concurrent snapshot never shows more out than in.
            long completed = Volatile.Read(ref counters.Completed);
            int awaiting = q.Done.Count;
            long switched = Volatile.Read(ref counters.Switched);
            long localCopies = Volatile.Read(ref counters.LocalCopies);
            long ruleDrops = Volatile.Read(ref counters.RuleDrops);
            long toSender = Volatile.Read(ref counters.ToSenderDrops);
            long transmitted = Volatile.Read(ref counters.Transmitted);
            long transmittedBytes = Volatile.Read(ref counters.TransmittedBytes);
            long wireBytes = Volatile.Read(ref counters.WireBytes);
            int occupancy = q.Pending.Count;
            queues[i] = new TxQueueSnapshot(
                q.Pool,
                q.Queue,
                Volatile.Read(ref counters.Posted),
                Volatile.Read(ref counters.PostedBytes),
                transmitted,
                transmittedBytes,
                wireBytes,
                completed,
                new TxDropCounts(
                    Volatile.Read(ref counters.RingFullDrops), Volatile.Read(ref counters.RuntDrops), Volatile.Read(ref counters.OversizeDrops), 0,
                    Volatile.Read(ref counters.MacSpoofDrops), Volatile.Read(ref counters.VlanSpoofDrops), ruleDrops, toSender,
                    Volatile.Read(ref counters.STagSpoofDrops)),
                occupancy,
                awaiting,
                q.Capacity,
                switched,
                localCopies);
        }

        return new TransmitSnapshot(
            _lineRate,
            Volatile.Read(ref _wireClock),
            WireBusyPicoseconds(),
            Volatile.Read(ref _inFlightBuffer) >= 0 ? 1 : 0,
            new TxDropCounts(0, 0, 0, Interlocked.Read(ref _txNotAttachedDrops)),
            queues);
    }

    /// <summary>
    /// Checks buffer conservation: every buffer is free, in a ring (an RX ring, a TX ring, the wire, or a TX
    /// completion not yet polled), or held, and the free list, the reference counts and the rings agree (see
    /// <see cref="BufferAccounting"/>). Any thread; exact only while no receive, poll, transmit or wire run
    /// is under way. Walks every ring and buffer: for tests and diagnostics.
    /// </summary>
    public BufferAccounting CheckBuffers()
    {
        int total = _buffers.BufferCount;
        var refCounts = new int[total];
        var ringRefs = new int[total];
        var scratch = new RxDescriptor[_info.RingSize];
        int freeList = _buffers.FreeCount;
        _buffers.CopyRefCounts(refCounts);
        foreach (RxQueue queue in _queues)
        {
            int n = queue.Ring.Peek(scratch);
            for (int i = 0; i < n; i++)
            {
                int buffer = scratch[i].BufferIndex;
                if ((uint)buffer < (uint)total)
                {
                    ringRefs[buffer]++;
                }
            }
        }

        // The NIC holds a posted frame's buffer (one reference) until its completion is polled.
        var pending = new TxDescriptor[_info.RingSize];
        var done = new TxCompletion[_info.RingSize];
        foreach (TxQueue queue in _txQueues)
        {
            int n = queue.Pending.Peek(pending);
            for (int i = 0; i < n; i++)
            {
                CountRef(ringRefs, pending[i].BufferIndex);
            }

            n = queue.Done.Peek(done);
            for (int i = 0; i < n; i++)
            {
                CountRef(ringRefs, done[i].BufferIndex);
            }
        }

        CountRef(ringRefs, Volatile.Read(ref _inFlightBuffer));

        int free = 0, inRing = 0, held = 0, violations = 0;
        long heldReferences = 0;
        for (int i = 0; i < total; i++)
        {
            if (refCounts[i] <= 0)
            {
                free++;
                violations += ringRefs[i] > 0 || refCounts[i] < 0 ? 1 : 0;
            }
            else if (ringRefs[i] > 0)
            {
                inRing++;
                violations += ringRefs[i] > refCounts[i] ? 1 : 0;
                heldReferences += Math.Max(0, refCounts[i] - ringRefs[i]);
            }
            else
            {
                held++;
                heldReferences += refCounts[i];
            }
        }

        violations += freeList != free ? 1 : 0;
        return new BufferAccounting(total, free, inRing, held, heldReferences, freeList, violations);
    }

    private static void CountRef(int[] ringRefs, int buffer)
    {
        if ((uint)buffer < (uint)ringRefs.Length)
        {
            ringRefs[buffer]++;
        }
    }

    /// <summary>One ring's figures for a <see cref="QueueBalancer"/>: descriptors waiting, and frames that arrived for it (enqueued plus ring-full drops) so far.</summary>
    internal void ReadQueueLoad(int pool, int queue, out int occupancy, out long arrived, out long ringFullDrops)
    {
        RxQueue q = _queues[(pool * _info.QueuesPerPool) + queue];
        ringFullDrops = Volatile.Read(ref q.Counters.RingFullDrops);
        arrived = Volatile.Read(ref q.Counters.Enqueued) + ringFullDrops;
        occupancy = q.Ring.Count;
    }

    /// <summary>Counts a <see cref="QueueBalancer"/> decision in the <c>Vmdq.Nic</c> meter.</summary>
    internal void CountBalancerDecision(int pool, BalancerAction action) => _metrics.BalancerDecided(_info.PoolName(pool), action);

    private Measurement<int>[] PoolQueueCounts()
    {
        BindingTable table = Volatile.Read(ref _bindings);
        var measurements = new Measurement<int>[table.QueueSets.Length];
        for (int pool = 0; pool < measurements.Length; pool++)
        {
            measurements[pool] = new Measurement<int>(table.QueueSets[pool].Length, _queues[pool * _info.QueuesPerPool].PoolTag);
        }

        return measurements;
    }

    /// <summary>Cheap test (no lock): might the ring's congestion state change now?</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool MayChangeCongestion(RxQueue queue)
    {
        int occupancy = queue.Ring.Count;
        return queue.IsCongested ? occupancy <= queue.LowMark : occupancy >= queue.HighMark;
    }

    /// <summary>
    /// Decides a congestion change under one lock, from a fresh occupancy, and raises the event inside
    /// it: producer and consumers may both see a change, but each happens (and is reported) once, in order.
    /// </summary>
    private void CheckCongestion(RxQueue queue)
    {
        lock (_congestion)
        {
            int occupancy = queue.Ring.Count;
            bool congested = queue.IsCongested;
            if (congested ? occupancy > queue.LowMark : occupancy < queue.HighMark)
            {
                return;
            }

            Volatile.Write(ref queue.Counters.Congested, congested ? 0 : 1);

            // A congestion set after a poll last found the ring empty is cleared by the next poll: that poll must look
            // at the ring, not take it for quiet (a change either way moves the epoch; only a set needs to).
            Interlocked.Increment(ref _ringEpochs[(queue.Pool * _info.QueuesPerPool) + queue.Queue]);
            long transition = ++queue.Counters.Transitions;
            CongestionChanged?.Invoke(this, new CongestionEventArgs(queue.Pool, queue.PoolName, queue.Queue, !congested, occupancy, queue.Ring.Capacity, transition));
        }
    }
}
