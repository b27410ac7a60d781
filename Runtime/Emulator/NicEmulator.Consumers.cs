using System;
using System.Threading;

namespace Vmdq.Toolkit.Emulator;

// The consumer side: dequeue bursts of descriptors from rings, one consumer per ring at a time.
public sealed partial class NicEmulator
{
    /// <summary>
    /// Dequeues up to <paramref name="descriptors"/>.Length descriptors, oldest first, from queue
    /// <paramref name="queue"/> of pool <paramref name="pool"/>, whoever the pool's VM is (the host
    /// draining a ring, or a VM's own queue). Any thread; returns 0 when the ring is empty or another
    /// thread is draining it at this moment. Read each frame with <see cref="GetFrame"/>, then
    /// <see cref="Release(in RxDescriptor)"/> it.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">When the pool or queue is out of range.</exception>
    public int ReceiveFromQueue(int pool, int queue, Span<RxDescriptor> descriptors)
    {
        CheckPool(pool);
        CheckQueue(queue);
        return DequeueFrom(_queues[(pool * _info.QueuesPerPool) + queue], descriptors);
    }

    /// <summary>
    /// Polls every ring of <paramref name="pool"/>, starting after the ring the previous poll started at, until
    /// <paramref name="descriptors"/> is full or all are empty. <paramref name="quiet"/> holds the caller's note, per
    /// queue of the pool, of the ring's epoch when a poll last saw it empty: while the epoch is still there the ring
    /// is skipped untouched, so an idle ring costs a poll no more than its share of one cache line.
    /// </summary>
    internal int PollPool(int pool, ref int cursor, Span<long> quiet, Span<RxDescriptor> descriptors)
    {
        int queuesPerPool = _info.QueuesPerPool;
        int start = cursor;
        cursor = start + 1 == queuesPerPool ? 0 : start + 1;

        // Every ring of the pool, not only the bound set: after a rebinding, frames already in an
        // unbound ring are still delivered.
        int filled = 0;
        int first = pool * queuesPerPool;
        for (int k = 0; k < queuesPerPool && filled < descriptors.Length; k++)
        {
            int queue = start + k;
            queue -= queue >= queuesPerPool ? queuesPerPool : 0;

            // Read before the ring: a burst or congestion the ring shows after this read moves the epoch past it.
            long mark = (Volatile.Read(ref _ringEpochs[first + queue]) << QuietPoolBits) | (uint)pool;
            if (mark == Volatile.Read(ref quiet[queue]))
            {
                continue;
            }

            filled += DequeueFrom(_queues[first + queue], descriptors.Slice(filled), out bool emptied);
            if (emptied)
            {
#if DEBUG
                AfterRingSeenEmpty?.Invoke(first + queue);
#endif
                Volatile.Write(ref quiet[queue], mark);
            }
        }

        return filled;
    }

#if DEBUG
    /// <summary>
    /// Debug builds only, for tests: called with the ring's index after a poll saw the ring empty and before it notes
    /// it quiet, so a test can publish a frame exactly there (a race the poll's ordering of reads must survive).
    /// </summary>
    internal Action<int>? AfterRingSeenEmpty { get; set; }

#endif
    /// <summary>Bits of a quiet note that hold the pool (pools are 0..1023: <see cref="RxDescriptor.Pool"/> has 10 bits), so a note taken on one pool never matches a ring of another.</summary>
    private const int QuietPoolBits = 10;

    /// <summary>A quiet note no ring's epoch matches.</summary>
    internal const long NoQuietNote = -1;

    private int DequeueFrom(RxQueue queue, Span<RxDescriptor> descriptors) => DequeueFrom(queue, descriptors, out _);

    /// <summary>Dequeues a burst from one ring; <paramref name="emptied"/> is true when the ring was seen empty, or gave everything it had and <paramref name="descriptors"/> had room left.</summary>
    private int DequeueFrom(RxQueue queue, Span<RxDescriptor> descriptors, out bool emptied)
    {
        emptied = false;
        if (descriptors.IsEmpty)
        {
            return 0;
        }

        if (queue.Ring.IsEmpty)
        {
            // Nothing to take; a congestion left standing by a race with the producer clears here.
            if (MayChangeCongestion(queue))
            {
                CheckCongestion(queue);
            }

            emptied = true;
            return 0;
        }

        if (!queue.TryAcquireLease())
        {
            // Another thread is draining it: not seen empty.
            return 0;
        }

        int taken;
        long bytes = 0;
        try
        {
            taken = queue.Ring.DequeueBurst(descriptors);
            for (int i = 0; i < taken; i++)
            {
                bytes += descriptors[i].Length;
            }

            ref QueueCounters counters = ref queue.Counters;
            Volatile.Write(ref counters.Dequeued, counters.Dequeued + taken);
            Volatile.Write(ref counters.DequeuedBytes, counters.DequeuedBytes + bytes);
        }
        finally
        {
            queue.ReleaseLease();
        }

        emptied = taken < descriptors.Length;
        _metrics.Delivered(queue, taken, bytes);
        if (MayChangeCongestion(queue))
        {
            CheckCongestion(queue);
        }

        return taken;
    }
}
