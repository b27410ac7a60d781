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

    /// <summary>Polls every ring of <paramref name="pool"/>, starting after the ring the previous poll started at, until <paramref name="descriptors"/> is full or all are empty.</summary>
    internal int PollPool(int pool, ref int cursor, Span<RxDescriptor> descriptors)
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
            filled += DequeueFrom(_queues[first + queue], descriptors.Slice(filled));
        }

        return filled;
    }

    private int DequeueFrom(RxQueue queue, Span<RxDescriptor> descriptors)
    {
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

            return 0;
        }

        if (!queue.TryAcquireLease())
        {
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

        _metrics.Delivered(queue, taken, bytes);
        if (MayChangeCongestion(queue))
        {
            CheckCongestion(queue);
        }

        return taken;
    }
}
