using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;

namespace Vmdq.Toolkit.Emulator;

/// <summary>One RX queue: its descriptor ring, counters, consumer lease, congestion state and metric tags.</summary>
internal sealed class RxQueue
{
    public readonly DescriptorRing<RxDescriptor> Ring;
    public readonly int Pool;
    public readonly int Queue;
    public readonly string PoolName;
    public readonly int HighMark;
    public readonly int LowMark;

    // Boxed once, so Counter<long>.Add with these tags allocates nothing.
    public readonly KeyValuePair<string, object?> PoolTag;
    public readonly KeyValuePair<string, object?> QueueTag;
    public readonly KeyValuePair<string, object?>[] Tags;

    public QueueCounters Counters;

    public RxQueue(int pool, int queue, string poolName, int ringSize, int highMark, int lowMark)
    {
        Ring = new DescriptorRing<RxDescriptor>(ringSize);
        Pool = pool;
        Queue = queue;
        PoolName = poolName;
        HighMark = highMark;
        LowMark = lowMark;
        PoolTag = new KeyValuePair<string, object?>(NicMetrics.PoolTag, poolName);
        QueueTag = new KeyValuePair<string, object?>(NicMetrics.QueueTag, queue);
        Tags = [PoolTag, QueueTag];
    }

    /// <summary>
    /// Takes the consumer side of the ring. The ring is single-consumer; a VM that was moved may
    /// still be in a poll of its old pool while the pool's new VM polls, so each dequeue holds this
    /// lease (one interlocked operation per burst) and a ring that is busy is skipped, not waited on.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryAcquireLease() => Interlocked.CompareExchange(ref Counters.Lease, 1, 0) == 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void ReleaseLease() => Volatile.Write(ref Counters.Lease, 0);

    public bool IsCongested => Volatile.Read(ref Counters.Congested) != 0;
}

/// <summary>
/// A queue's counters: the receive thread's on one cache line, the consumers' on another, so the
/// two sides never contend for a line. Each field has one writer at a time; readers use Volatile.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 3 * RingIndices.CacheLine)]
internal struct QueueCounters
{
    // Written by the receive thread only.
    [FieldOffset(RingIndices.CacheLine)]
    public long Enqueued;

    [FieldOffset(RingIndices.CacheLine + 8)]
    public long EnqueuedBytes;

    [FieldOffset(RingIndices.CacheLine + 16)]
    public long RingFullDrops;

    // Written by the lease holder only.
    [FieldOffset(2 * RingIndices.CacheLine)]
    public long Dequeued;

    [FieldOffset(2 * RingIndices.CacheLine + 8)]
    public long DequeuedBytes;

    [FieldOffset(2 * RingIndices.CacheLine + 16)]
    public int Lease;

    // Written under the NIC's congestion lock.
    [FieldOffset(2 * RingIndices.CacheLine + 20)]
    public int Congested;

    [FieldOffset(2 * RingIndices.CacheLine + 24)]
    public long Transitions;
}
